import clsx from 'clsx';
import { Plus, SearchX, Workflow, X } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { Card } from '../../../components/ui/card';
import { Dialog, DialogClose, DialogContent, DialogFooter } from '../../../components/ui/dialog';
import { EmptyState } from '../../../components/ui/empty-state';
import { ErrorState } from '../../../components/ui/error-state';
import { TextField } from '../../../components/ui/field';
import { LoadMore } from '../../../components/ui/load-more';
import { PageHeader } from '../../../components/ui/page-header';
import { TableSkeleton } from '../../../components/ui/spinner';
import { Table, TBody, TD, TH, THead } from '../../../components/ui/table';
import { describeError } from '../../../lib/api-error';
import { formatDateTime, formatNumber, formatRelative } from '../../../lib/format';
import { useAllLists } from '../../lists/api';
import { useCan } from '../../organizations/api';
import { useAllSegments } from '../../segments/api';
import { useCreateFlow, useFlow, useFlows, type FlowStatus, type FlowSummary } from '../api';
import { readDefinition, type TriggerConfig } from '../definition';
import { describeTrigger, NO_LOOKUPS, type NameLookups } from '../step-summary';
import { FlowStatusBadge } from './flow-status-badge';

const FILTERS: { value: FlowStatus | 'all'; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'active', label: 'Active' },
  { value: 'draft', label: 'Drafts' },
  { value: 'inactive', label: 'Inactive' },
];

function NewFlowDialog({
  open,
  onOpenChange,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const navigate = useNavigate();
  const create = useCreateFlow();
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) {
      setError('Give the flow a name, e.g. “Welcome series”.');
      return;
    }
    try {
      const flow = await create.mutateAsync({ name: name.trim() });
      onOpenChange(false);
      void navigate(`/flows/${flow.id}`);
    } catch (caught) {
      setError(describeError(caught));
    }
  };

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        if (!next) {
          setName('');
          setError(null);
        }
        onOpenChange(next);
      }}
    >
      <DialogContent
        title="New flow"
        description="Name it; next you choose what starts it and draw its steps."
      >
        <form onSubmit={(event) => void submit(event)} noValidate>
          <TextField
            label="Flow name"
            value={name}
            autoFocus
            placeholder="Welcome series"
            maxLength={200}
            error={error && !create.isError ? error : undefined}
            onChange={(event) => {
              setName(event.target.value);
              setError(null);
            }}
          />
          {create.isError && error && (
            <Alert variant="error" className="mt-3">
              {error}
            </Alert>
          )}
          <DialogFooter>
            <DialogClose asChild>
              <Button variant="secondary">Cancel</Button>
            </DialogClose>
            <Button type="submit" isLoading={create.isPending}>
              Create and open the builder
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

function Count({ value }: { value: number | undefined }) {
  return value === undefined ? (
    <span className="text-slate-400">—</span>
  ) : (
    <span className="text-slate-900">{formatNumber(value)}</span>
  );
}

function FlowRow({ flow, names }: { flow: FlowSummary; names: NameLookups }) {
  // Never published: the list has no trigger for it, the draft does.
  const draft = useFlow(flow.trigger ? undefined : flow.id);
  const trigger =
    (flow.trigger as TriggerConfig | null) ??
    (readDefinition(draft.data?.definition).nodes.find((n) => n.type === 'trigger')?.config as
      TriggerConfig | undefined) ??
    null;
  return (
    <tr className="hover:bg-slate-50/70">
      <TD className="max-w-sm">
        <Link
          to={`/flows/${flow.id}`}
          className="block truncate rounded font-medium text-slate-900 hover:text-indigo-700 hover:underline"
          title={flow.name}
        >
          {flow.name}
        </Link>
        <p className="truncate text-sm text-slate-500">
          {flow.publishedVersion === null
            ? 'Not published yet'
            : `Version ${flow.publishedVersion}`}
        </p>
      </TD>
      <TD>
        <FlowStatusBadge status={flow.status} />
      </TD>
      <TD className="max-w-xs">
        <span className="line-clamp-2 text-sm text-slate-600">
          {trigger ? describeTrigger(trigger, names) : <span className="text-slate-400">—</span>}
        </span>
      </TD>
      <TD className="text-right tabular-nums">
        <Count value={flow.publishedVersion === null ? undefined : flow.runs.entered} />
      </TD>
      <TD className="text-right tabular-nums">
        <Count value={flow.publishedVersion === null ? undefined : flow.runs.completed} />
      </TD>
      <TD>
        <time
          dateTime={flow.createdAt}
          title={formatDateTime(flow.createdAt)}
          className="whitespace-nowrap"
        >
          {formatRelative(flow.createdAt)}
        </time>
      </TD>
    </tr>
  );
}

export function FlowsPage() {
  const [params, setParams] = useSearchParams();
  const filter = FILTERS.find((f) => f.value === params.get('status')) ?? FILTERS[0]!;
  const status = filter.value === 'all' ? undefined : filter.value;
  const flows = useFlows(status);
  const canEdit = useCan('editor');
  const [isCreating, setIsCreating] = useState(false);
  const segments = useAllSegments();
  const lists = useAllLists();
  const names: NameLookups = {
    ...NO_LOOKUPS,
    segment: (id) => segments.data?.find((s) => s.id === id)?.name,
    list: (id) => lists.data?.find((l) => l.id === id)?.name,
  };
  const isEmptyAccount = !status && !flows.isPending && flows.items.length === 0;
  const createButton = (label: string) => (
    <Button onClick={() => setIsCreating(true)}>
      <Plus className="size-4" aria-hidden />
      {label}
    </Button>
  );

  return (
    <>
      <PageHeader
        title="Flows"
        description="Automations that run on their own: when someone signs up, enters a segment or reaches a date, send them a series of emails, wait, branch on what they do, and update their profile."
        actions={canEdit && !isEmptyAccount ? createButton('New flow') : undefined}
      />
      <Card>
        {!isEmptyAccount && !flows.isError && (
          <div
            role="group"
            aria-label="Status"
            className="flex flex-wrap gap-1.5 border-b border-slate-200 px-5 py-3"
          >
            {FILTERS.map((option) => {
              const isOn = option.value === filter.value;
              return (
                <button
                  key={option.value}
                  type="button"
                  aria-pressed={isOn}
                  onClick={() =>
                    setParams(option.value === 'all' ? {} : { status: option.value }, {
                      replace: true,
                    })
                  }
                  className={clsx(
                    'h-7 rounded-full px-3 text-sm ring-1 ring-inset transition-colors',
                    isOn
                      ? 'bg-indigo-50 font-medium text-indigo-700 ring-indigo-300'
                      : 'bg-white text-slate-600 ring-slate-300 hover:bg-slate-50',
                  )}
                >
                  {option.label}
                </button>
              );
            })}
          </div>
        )}
        {flows.isPending ? (
          <TableSkeleton rows={4} label="Loading flows" />
        ) : flows.isError ? (
          <ErrorState error={flows.error} onRetry={() => void flows.refetch()} />
        ) : flows.items.length === 0 ? (
          status ? (
            <EmptyState
              icon={SearchX}
              title={`No ${status === 'draft' ? 'draft' : status} flows`}
              description="Try another status."
              action={
                <Button variant="secondary" onClick={() => setParams({}, { replace: true })}>
                  <X className="size-4" aria-hidden />
                  Clear filter
                </Button>
              }
            />
          ) : (
            <EmptyState
              icon={Workflow}
              title="No flows yet"
              description={
                canEdit
                  ? 'A flow is an automation that runs for each contact on its own: a welcome series when someone signs up, a reminder when a cart is left, a birthday email. Choose what starts it, draw its steps, try it with Simulate, then activate it.'
                  : 'Editors build flows. Once they have, they show here with how many contacts went through them.'
              }
              action={canEdit && createButton('Create your first flow')}
            />
          )
        ) : (
          <>
            <Table aria-label="Flows">
              <THead>
                <tr>
                  <TH>Flow</TH>
                  <TH>Status</TH>
                  <TH>Trigger</TH>
                  <TH className="text-right">Entered</TH>
                  <TH className="text-right">Completed</TH>
                  <TH>Created</TH>
                </tr>
              </THead>
              <TBody>
                {flows.items.map((flow) => (
                  <FlowRow key={flow.id} flow={flow} names={names} />
                ))}
              </TBody>
            </Table>
            <LoadMore {...flows} />
          </>
        )}
      </Card>
      <NewFlowDialog open={isCreating} onOpenChange={setIsCreating} />
    </>
  );
}
