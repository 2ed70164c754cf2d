import { History, Send, Trash2 } from 'lucide-react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useBlocker, useNavigate } from 'react-router';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog';
import { PageHeader } from '../../../components/ui/page-header';
import { useToast } from '../../../components/ui/toast';
import { ApiError, describeError } from '../../../lib/api-error';
import { formatRelative } from '../../../lib/format';
import { useDebouncedValue } from '../../../lib/use-debounced-value';
import { useSession } from '../../auth/session-hooks';
import type { PickedContact } from '../../contacts/components/contact-picker';
import { useCan } from '../../organizations/api';
import {
  useDeleteTemplate,
  useSaveTemplate,
  useTemplatePreview,
  type Template,
  type TemplateContent,
  type TemplateField,
  type TemplateFormat,
} from '../api';
import { STARTERS } from '../formats';
import { compileErrorsOf, fieldIssue, markersFor } from '../issues';
import type { EditorCarryOver } from './template-editor-page';
import type { SourceEditorHandle } from './source-editor';
import { TemplateContentCard, type SourceTab } from './template-content-card';
import { TemplateDetailsCard } from './template-details-card';
import { TemplateChecks } from './template-checks';
import { TemplatePreviewPanel } from './template-preview-panel';
import { TestSendDialog } from './test-send-dialog';
import { VersionHistoryDialog } from './version-history-dialog';

const PREVIEW_DEBOUNCE_MS = 400;

interface Draft {
  name: string;
  category: string;
  subject: string;
  preheader: string;
  format: TemplateFormat;
  body: string;
  text: string;
}

const draftOf = (template: Template | undefined): Draft =>
  template
    ? {
        name: template.name,
        category: template.category ?? '',
        subject: template.subject,
        preheader: template.preheader ?? '',
        format: template.format,
        body: template.body,
        text: template.text ?? '',
      }
    : {
        name: '',
        category: '',
        subject: '',
        preheader: '',
        format: 'html',
        body: STARTERS.html,
        text: '',
      };

const contentOf = (draft: Draft): TemplateContent => ({
  subject: draft.subject,
  preheader: draft.preheader || null,
  format: draft.format,
  body: draft.body,
  text: draft.text || null,
});

interface TemplateEditorProps {
  template: Template | undefined;
  recipient: PickedContact | null;
  onRecipientChange: (contact: PickedContact | null) => void;
  onRestored: () => void;
}

/** The source on the left, the live preview and its checks on the right. */
export function TemplateEditor({
  template,
  recipient,
  onRecipientChange,
  onRestored,
}: TemplateEditorProps) {
  const canEdit = useCan('editor');
  const session = useSession();
  const navigate = useNavigate();
  const notify = useToast();
  const save = useSaveTemplate();
  const remove = useDeleteTemplate();

  const [draft, setDraft] = useState<Draft>(() => draftOf(template));
  const [saved, setSaved] = useState<Draft>(() => draftOf(template));
  const [nameError, setNameError] = useState<string>();
  const [sourceTab, setSourceTab] = useState<SourceTab>('body');
  const [dialog, setDialog] = useState<'test' | 'history' | 'delete' | null>(null);
  const isLeaving = useRef(false);
  const bodyEditor = useRef<SourceEditorHandle>(null);
  const textEditor = useRef<SourceEditorHandle>(null);
  const subjectInput = useRef<HTMLInputElement>(null);
  const preheaderInput = useRef<HTMLInputElement>(null);
  const nameInput = useRef<HTMLInputElement>(null);

  const isDirty = JSON.stringify(draft) !== JSON.stringify(saved);

  // The preview follows the source after a pause in typing. A string settles by value, so a
  // re-render with the same content does not restart the wait.
  const contentJson = JSON.stringify(contentOf(draft));
  const settledJson = useDebouncedValue(contentJson, PREVIEW_DEBOUNCE_MS);
  const settled = useMemo(() => JSON.parse(settledJson) as TemplateContent, [settledJson]);
  const preview = useTemplatePreview(
    settled,
    recipient ? { contactId: recipient.id } : { sample: true },
  );

  const saveErrors = compileErrorsOf(save.error);
  const compileErrors = preview.data?.errors.length ? preview.data.errors : saveErrors;

  const change = (patch: Partial<Draft>) => {
    setDraft((current) => ({ ...current, ...patch }));
    if (save.error) save.reset();
  };

  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) =>
      isDirty && !isLeaving.current && currentLocation.pathname !== nextLocation.pathname,
  );

  // Closing the tab or reloading with unsaved changes asks too.
  useEffect(() => {
    if (!isDirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [isDirty]);

  const submit = () => {
    if (!canEdit || save.isPending) return;
    if (!draft.name.trim()) {
      setNameError('Name the template, e.g. “March newsletter”.');
      nameInput.current?.focus();
      return;
    }
    const sent = draft;
    save.mutate(
      {
        id: template?.id,
        name: sent.name.trim(),
        category: sent.category.trim() || null,
        ...contentOf(sent),
      },
      {
        onSuccess: (result) => {
          setSaved(sent);
          if (!template) {
            notify(`“${result.name}” created.`);
            isLeaving.current = true;
            const state: EditorCarryOver = { recipient };
            void navigate(`/templates/${result.id}`, { replace: true, state });
          } else {
            notify(
              result.version > template.version ? `Saved as version ${result.version}.` : 'Saved.',
            );
          }
        },
      },
    );
  };

  // Ctrl+S / Cmd+S saves, from anywhere on the page.
  const submitRef = useRef(submit);
  useEffect(() => {
    submitRef.current = submit;
  });
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 's') {
        event.preventDefault();
        submitRef.current();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const jump = (field: TemplateField, line: number, column: number) => {
    if (field === 'subject' || field === 'preheader') {
      const input = field === 'subject' ? subjectInput.current : preheaderInput.current;
      input?.focus();
      input?.setSelectionRange(column - 1, column - 1);
      return;
    }
    setSourceTab(field);
    // The tab's editor mounts on the next render.
    setTimeout(() => (field === 'body' ? bodyEditor : textEditor).current?.goTo(line, column));
  };

  const fieldError = (field: string) =>
    save.error instanceof ApiError && save.error.status === 400
      ? save.error.fieldError(field)
      : undefined;
  const hasFieldErrors = Boolean(fieldError('name') || fieldError('category'));
  const otherSaveError =
    save.error && saveErrors.length === 0 && !hasFieldErrors ? describeError(save.error) : null;

  const title = template?.name ?? 'New template';
  const fromName = session?.organization.name ?? 'Your organization';

  return (
    <>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <PageHeader
          title={<span className="break-words">{title}</span>}
          description={
            <span className="flex flex-wrap items-center gap-x-3 gap-y-1">
              <span>
                {template
                  ? `Version ${template.version} · last saved ${formatRelative(template.updatedAt)}`
                  : 'Write it once, personalise it for everyone with {{ variables }}.'}
              </span>
              <SaveState isDirty={isDirty} isNew={!template} />
            </span>
          }
          actions={
            <>
              {template && (
                <Button variant="secondary" onClick={() => setDialog('history')}>
                  <History className="size-4" aria-hidden />
                  History
                </Button>
              )}
              {template && canEdit && (
                <Button variant="secondary" onClick={() => setDialog('test')}>
                  <Send className="size-4" aria-hidden />
                  Send test
                </Button>
              )}
              {template && canEdit && (
                <Button variant="danger-ghost" onClick={() => setDialog('delete')}>
                  <Trash2 className="size-4" aria-hidden />
                  Delete
                </Button>
              )}
              {canEdit && (
                <Button
                  type="submit"
                  isLoading={save.isPending}
                  title="Save (Ctrl+S)"
                  aria-keyshortcuts="Control+S Meta+S"
                >
                  {template ? 'Save' : 'Save template'}
                </Button>
              )}
            </>
          }
        />

        {saveErrors.length > 0 && (
          <Alert variant="error" title="Not saved: the template doesn’t compile" className="mb-6">
            {saveErrors.length === 1
              ? 'Fix the highlighted line and save again.'
              : `Fix the ${saveErrors.length} highlighted problems and save again.`}
          </Alert>
        )}
        {otherSaveError && (
          <Alert variant="error" className="mb-6">
            {otherSaveError}
          </Alert>
        )}

        <div className="grid items-start gap-6 lg:grid-cols-2">
          <div className="min-w-0 space-y-6">
            <TemplateDetailsCard
              values={draft}
              canEdit={canEdit}
              onChange={(patch) => {
                change(patch);
                if (patch.name !== undefined) setNameError(undefined);
              }}
              errors={{
                name: nameError ?? fieldError('name'),
                category: fieldError('category'),
                subject: fieldIssue(compileErrors, 'subject'),
                preheader: fieldIssue(compileErrors, 'preheader'),
              }}
              inputs={{ name: nameInput, subject: subjectInput, preheader: preheaderInput }}
            />

            <TemplateContentCard
              format={draft.format}
              body={draft.body}
              text={draft.text}
              canEdit={canEdit}
              onChange={change}
              markers={{
                body: markersFor('body', compileErrors, preview.data),
                text: markersFor('text', compileErrors, preview.data),
              }}
              sourceTab={sourceTab}
              onSourceTabChange={setSourceTab}
              bodyEditor={bodyEditor}
              textEditor={textEditor}
            />
          </div>

          <div className="min-w-0 space-y-6">
            <TemplatePreviewPanel
              preview={preview.data}
              isUpdating={preview.isFetching || settledJson !== contentJson}
              error={preview.error}
              compileErrors={compileErrors}
              recipient={recipient}
              onRecipientChange={onRecipientChange}
              fromName={fromName}
              onJump={jump}
            />
            <TemplateChecks preview={preview.data} onJump={jump} />
          </div>
        </div>
      </form>

      {template && (
        <>
          <TestSendDialog
            open={dialog === 'test'}
            onOpenChange={(open) => setDialog(open ? 'test' : null)}
            template={template}
            isDirty={isDirty}
            recipient={recipient}
          />
          <VersionHistoryDialog
            open={dialog === 'history'}
            onOpenChange={(open) => setDialog(open ? 'history' : null)}
            template={template}
            canEdit={canEdit}
            isDirty={isDirty}
            onRestored={onRestored}
          />
          <ConfirmDialog
            open={dialog === 'delete'}
            onOpenChange={(open) => setDialog(open ? 'delete' : null)}
            title={`Delete “${template.name}”?`}
            description="The template and all its versions are deleted. This can’t be undone."
            confirmLabel="Delete template"
            onConfirm={async () => {
              await remove.mutateAsync(template.id);
              isLeaving.current = true;
              notify(`“${template.name}” deleted.`);
              void navigate('/templates', { replace: true });
            }}
          />
        </>
      )}
      <ConfirmDialog
        open={blocker.state === 'blocked'}
        onOpenChange={(open) => {
          if (!open && blocker.state === 'blocked') blocker.reset();
        }}
        title="Leave without saving?"
        description="Your changes to this template will be lost."
        confirmLabel="Leave without saving"
        onConfirm={async () => blocker.proceed?.()}
      />
    </>
  );
}

function SaveState({ isDirty, isNew }: { isDirty: boolean; isNew: boolean }) {
  if (isNew && !isDirty) return null;
  return (
    <span
      role="status"
      className={
        isDirty
          ? 'inline-flex items-center gap-1.5 text-sm font-medium text-amber-800'
          : 'inline-flex items-center gap-1.5 text-sm text-slate-500'
      }
    >
      <span
        aria-hidden
        className={
          isDirty ? 'size-2 rounded-full bg-amber-500' : 'size-2 rounded-full bg-emerald-500'
        }
      />
      {isDirty ? 'Unsaved changes' : 'All changes saved'}
    </span>
  );
}
