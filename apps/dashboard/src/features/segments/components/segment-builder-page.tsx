import { ArrowLeft, Filter, Trash2 } from 'lucide-react';
import { useMemo, useRef, useState, type FormEvent } from 'react';
import { Link, useBlocker, useNavigate, useParams } from 'react-router';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { Card, CardBody } from '../../../components/ui/card';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog';
import { EmptyState } from '../../../components/ui/empty-state';
import { ErrorState } from '../../../components/ui/error-state';
import { TextField } from '../../../components/ui/field';
import { PageHeader } from '../../../components/ui/page-header';
import { Spinner } from '../../../components/ui/spinner';
import { useToast } from '../../../components/ui/toast';
import { ApiError, describeError } from '../../../lib/api-error';
import { formatRelative } from '../../../lib/format';
import { useDebouncedValue } from '../../../lib/use-debounced-value';
import { useFields } from '../../fields/api';
import { useAllLists } from '../../lists/api';
import { useCan } from '../../organizations/api';
import {
  useAllSegments,
  useDeleteSegment,
  useSaveSegment,
  useSegment,
  useSegmentPreview,
  type Segment,
} from '../api';
import {
  draftForPath,
  labelRules,
  newCondition,
  newGroup,
  parseDefinition,
  serialize,
  updateDraft,
  type GroupDraft,
  type RuleDraft,
  type ValueType,
} from '../rules';
import { BuilderContext, type BuilderContextValue } from './builder-context';
import { GroupEditor } from './group-editor';
import { SegmentPreviewCard } from './segment-preview-card';

/**
 * With no finished rule there is no definition to count, yet "everyone" is the honest answer:
 * every contact has an email address.
 */
const EVERYONE = { field: 'email', op: 'exists' };
const PREVIEW_DEBOUNCE_MS = 400;

export function SegmentBuilderPage() {
  const { id } = useParams();
  const segment = useSegment(id);
  const fields = useFields();

  const back = (
    <Link
      to="/segments"
      className="mb-3 inline-flex items-center gap-1.5 rounded text-sm font-medium text-slate-600 hover:text-slate-900"
    >
      <ArrowLeft className="size-4" aria-hidden />
      Segments
    </Link>
  );

  if ((id && segment.isPending) || fields.isPending) return <Spinner label="Loading segment…" />;
  if (segment.isError || fields.isError) {
    const error = segment.error ?? fields.error;
    const isMissing = error instanceof ApiError && [400, 404].includes(error.status);
    return (
      <>
        {back}
        <Card>
          {isMissing ? (
            <EmptyState
              icon={Filter}
              title="This segment doesn’t exist"
              description="It may have been deleted, or the link is incomplete."
              action={
                <Button asChild>
                  <Link to="/segments">Go to segments</Link>
                </Button>
              }
            />
          ) : (
            <ErrorState
              error={error}
              onRetry={() => void Promise.all([segment.refetch(), fields.refetch()])}
            />
          )}
        </Card>
      </>
    );
  }
  return (
    <>
      {back}
      {/* Keyed: opening another segment starts a fresh editor. */}
      <SegmentEditor
        key={segment.data?.id ?? 'new'}
        segment={segment.data}
        fieldTypes={new Map((fields.data ?? []).map((f) => [f.key, f.type]))}
      />
    </>
  );
}

function SegmentEditor({
  segment,
  fieldTypes,
}: {
  segment: Segment | undefined;
  fieldTypes: ReadonlyMap<string, ValueType>;
}) {
  const canEdit = useCan('editor');
  const navigate = useNavigate();
  const notify = useToast();
  const fields = useFields();
  const lists = useAllLists();
  const segments = useAllSegments();
  const save = useSaveSegment();
  const remove = useDeleteSegment();

  // Parsed once: from here on the editor owns the rules.
  const [initialRoot] = useState<GroupDraft>(() =>
    segment ? parseDefinition(segment.definition, fieldTypes) : newGroup('all', [newCondition()]),
  );
  const [root, setRoot] = useState<GroupDraft>(initialRoot);
  const [name, setName] = useState(segment?.name ?? '');
  const [description, setDescription] = useState(segment?.description ?? '');
  const [nameError, setNameError] = useState<string>();
  const [showProblems, setShowProblems] = useState(false);
  const [isDeleting, setIsDeleting] = useState(false);
  const isSaved = useRef(false);
  const initial = useRef(
    JSON.stringify({
      root: serialize(initialRoot, fieldTypes).definition,
      name: segment?.name ?? '',
      description: segment?.description ?? '',
    }),
  );

  const current = serialize(root, fieldTypes);
  const isDirty =
    JSON.stringify({ root: current.definition, name, description }) !== initial.current;

  // The count follows the rules after a pause in typing; what it counts is `settled`.
  const settled = useDebouncedValue(root, PREVIEW_DEBOUNCE_MS);
  const settledSerialized = useMemo(() => serialize(settled, fieldTypes), [settled, fieldTypes]);
  const previewJson = JSON.stringify(settledSerialized.definition ?? EVERYONE);
  const preview = useSegmentPreview(previewJson);

  const errors = new Map<string, string>();
  const report = (error: unknown, nodeAt: ReadonlyMap<string, string>) => {
    if (!(error instanceof ApiError)) return;
    for (const fieldError of error.fieldErrors) {
      const path = fieldError.path.replace(/^body\./, '');
      const id = draftForPath(path, nodeAt);
      if (id && !errors.has(id)) errors.set(id, describeRuleError(fieldError.message));
    }
  };
  if (save.error) report(save.error, current.nodeAt);
  else if (preview.error) report(preview.error, settledSerialized.nodeAt);

  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) =>
      isDirty && !isSaved.current && currentLocation.pathname !== nextLocation.pathname,
  );

  const update = (id: string, next: (draft: RuleDraft) => RuleDraft | null) => {
    setRoot((r) => updateDraft(r, id, next));
    save.reset();
  };

  const context: BuilderContextValue = {
    fields: fields.data ?? [],
    fieldTypes,
    lists: lists.data ?? [],
    segments: (segments.data ?? []).filter((s) => s.id !== segment?.id),
    labels: labelRules(root),
    errors,
    problems: current.problems,
    showProblems,
    isReadOnly: !canEdit,
    update,
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setShowProblems(true);
    const problem = !name.trim()
      ? 'name'
      : current.problems.size > 0
        ? 'rules'
        : current.definition === null
          ? 'empty'
          : null;
    if (problem === 'name') setNameError('Name the segment, e.g. “Engaged VIPs”.');
    if (problem) return;
    save.mutate(
      {
        id: segment?.id,
        name: name.trim(),
        description: description.trim() || null,
        definition: current.definition,
      },
      {
        onSuccess: (saved) => {
          isSaved.current = true;
          notify(
            `“${saved.name}” saved: ${saved.cachedCount ?? 0} ${saved.cachedCount === 1 ? 'contact matches' : 'contacts match'}.`,
          );
          void navigate('/segments');
        },
      },
    );
  };

  const saveNameError = save.error instanceof ApiError ? save.error.fieldError('name') : undefined;
  const saveRuleErrors =
    save.error instanceof ApiError &&
    save.error.fieldErrors.some((e) => e.path.includes('definition'));
  const title = segment ? segment.name : 'New segment';

  return (
    <BuilderContext.Provider value={context}>
      <form onSubmit={submit} noValidate>
        <PageHeader
          title={title}
          description={
            segment
              ? `Last changed ${formatRelative(segment.updatedAt)}. Segments update themselves as contacts change.`
              : 'Describe who belongs in it. Segments update themselves as contacts change.'
          }
          actions={
            canEdit && (
              <>
                {segment && (
                  <Button variant="danger-ghost" onClick={() => setIsDeleting(true)}>
                    <Trash2 className="size-4" aria-hidden />
                    Delete
                  </Button>
                )}
                <Button type="submit" isLoading={save.isPending}>
                  {segment ? 'Save changes' : 'Save segment'}
                </Button>
              </>
            )
          }
        />
        <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
          <div className="min-w-0 space-y-6">
            {save.error && !saveNameError && !saveRuleErrors && (
              <Alert variant="error">{describeError(save.error)}</Alert>
            )}
            {saveRuleErrors && (
              <Alert variant="error" title="Some rules need fixing">
                {describeError(save.error)} The rules in question are highlighted.
              </Alert>
            )}
            {showProblems && current.problems.size > 0 && (
              <Alert variant="warning">Finish or remove the highlighted rules before saving.</Alert>
            )}
            {showProblems && current.problems.size === 0 && current.definition === null && (
              <Alert variant="warning">Add at least one rule before saving.</Alert>
            )}
            <Card>
              <CardBody className="grid gap-4 sm:grid-cols-2">
                <TextField
                  label="Name"
                  autoComplete="off"
                  maxLength={200}
                  placeholder="e.g. Engaged VIPs"
                  disabled={!canEdit}
                  value={name}
                  onChange={(event) => {
                    setName(event.target.value);
                    setNameError(undefined);
                  }}
                  error={nameError ?? saveNameError}
                />
                <TextField
                  label="Description"
                  hint="Optional. Who this is for."
                  autoComplete="off"
                  disabled={!canEdit}
                  value={description}
                  onChange={(event) => setDescription(event.target.value)}
                />
              </CardBody>
            </Card>
            <GroupEditor group={root} />
          </div>
          <SegmentPreviewCard
            preview={preview.data}
            isFetching={preview.isFetching || settled !== root}
            error={preview.error}
            isEveryone={settledSerialized.definition === null}
            unfinished={current.problems.size}
          />
        </div>
      </form>
      {segment && (
        <ConfirmDialog
          open={isDeleting}
          onOpenChange={setIsDeleting}
          title={`Delete “${segment.name}”?`}
          description="The contacts in it stay; only the segment goes. This can’t be undone."
          confirmLabel="Delete segment"
          onConfirm={async () => {
            await remove.mutateAsync(segment.id);
            isSaved.current = true;
            notify(`“${segment.name}” deleted.`);
            void navigate('/segments', { replace: true });
          }}
        />
      )}
      <ConfirmDialog
        open={blocker.state === 'blocked'}
        onOpenChange={(open) => {
          if (!open && blocker.state === 'blocked') blocker.reset();
        }}
        title="Leave without saving?"
        description="Your changes to this segment will be lost."
        confirmLabel="Leave without saving"
        onConfirm={async () => blocker.proceed?.()}
      />
    </BuilderContext.Provider>
  );
}

/** The API's messages name JSON ("must be a number"); say which part of the rule is wrong. */
function describeRuleError(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1) + (message.endsWith('.') ? '' : '.');
}
