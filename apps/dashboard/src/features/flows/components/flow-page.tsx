import { useQueryClient } from '@tanstack/react-query';
import clsx from 'clsx';
import { ArrowLeft, FlaskConical, Workflow } from 'lucide-react';
import { useEffect, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { Card } from '../../../components/ui/card';
import { EmptyState } from '../../../components/ui/empty-state';
import { ErrorState } from '../../../components/ui/error-state';
import { Spinner } from '../../../components/ui/spinner';
import { ApiError, describeError } from '../../../lib/api-error';
import { pluralize } from '../../../lib/format';
import { useAllLists } from '../../lists/api';
import { useCan } from '../../organizations/api';
import { useAllSegments } from '../../segments/api';
import { useSenders } from '../../senders/api';
import { useAllTemplates } from '../../templates/api';
import { flowKey, STATS_POLL_MS, useFlow, useFlowStats, type Flow } from '../api';
import { withoutCascades } from '../problem-text';
import { describeTrigger, type NameLookups } from '../step-summary';
import { useFlowEditor, type SaveState } from '../use-flow-editor';
import { FlowActions } from './flow-actions';
import { FlowBuilder } from './flow-builder';
import { FlowStatusBadge, versionText } from './flow-status-badge';
import { RunDetail } from './run-detail';
import { RunsTab } from './runs-tab';

const backLink = (
  <Link
    to="/flows"
    className="mb-3 inline-flex items-center gap-1.5 rounded text-sm font-medium text-slate-600 hover:text-slate-900"
  >
    <ArrowLeft className="size-4" aria-hidden />
    Flows
  </Link>
);

/** /flows/:id (the builder), /flows/:id/runs and /flows/:id/runs/:runId. */
export function FlowPage({ tab }: { tab: 'builder' | 'runs' }) {
  const { id, runId } = useParams();
  const flow = useFlow(id);
  if (flow.isPending) return <Spinner label="Loading flow…" />;
  if (flow.isError) {
    const isMissing = flow.error instanceof ApiError && [400, 404].includes(flow.error.status);
    return (
      <>
        {backLink}
        <Card>
          {isMissing ? (
            <EmptyState
              icon={Workflow}
              title="This flow doesn’t exist"
              description="It may have been deleted, or the link is incomplete."
              action={
                <Button asChild>
                  <Link to="/flows">See all flows</Link>
                </Button>
              }
            />
          ) : (
            <ErrorState error={flow.error} onRetry={() => void flow.refetch()} />
          )}
        </Card>
      </>
    );
  }
  return <FlowWorkspace key={flow.data.id} flow={flow.data} tab={tab} runId={runId} />;
}

function SaveIndicator({
  state,
  isDirty,
  onRetry,
}: {
  state: SaveState;
  isDirty: boolean;
  onRetry: () => void;
}) {
  if (state.status === 'failed')
    return (
      <span role="alert" className="text-sm text-red-700">
        Couldn’t save: {describeError(state.error)}{' '}
        <button type="button" onClick={onRetry} className="font-medium underline">
          Retry
        </button>
      </span>
    );
  const text =
    state.status === 'saving'
      ? 'Saving…'
      : isDirty
        ? 'Unsaved changes'
        : state.status === 'saved'
          ? 'All changes saved'
          : 'Draft saved';
  return (
    <span role="status" className={clsx('text-sm', isDirty ? 'text-amber-700' : 'text-slate-500')}>
      {text}
    </span>
  );
}

function FlowWorkspace({
  flow,
  tab,
  runId,
}: {
  flow: Flow;
  tab: 'builder' | 'runs';
  runId: string | undefined;
}) {
  const queryClient = useQueryClient();
  const canEdit = useCan('editor');
  const editor = useFlowEditor(flow, !canEdit);
  const [isSimulating, setIsSimulating] = useState(false);
  const [invalid, setInvalid] = useState<ApiError | null>(null);
  const stats = useFlowStats(flow.id, {
    enabled: flow.publishedVersion !== null,
    pollMs: flow.status === 'active' ? STATS_POLL_MS : false,
  });

  const templates = useAllTemplates();
  const segments = useAllSegments();
  const lists = useAllLists();
  const senders = useSenders();
  const names = useMemo<NameLookups>(() => {
    const index = (items: { id: string; name: string }[] | undefined) =>
      new Map((items ?? []).map((item) => [item.id, item.name]));
    const t = index(templates.data);
    const s = index(segments.data);
    const l = index(lists.data);
    const m = index(senders.data);
    return {
      template: (id) => t.get(id),
      segment: (id) => s.get(id),
      list: (id) => l.get(id),
      sender: (id) => m.get(id),
    };
  }, [templates.data, segments.data, lists.data, senders.data]);

  // Ctrl/Cmd+S saves now rather than after the pause.
  const { flush } = editor.save;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && event.key === 's') {
        event.preventDefault();
        void flush().catch(() => undefined);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [flush]);

  const problems = useMemo(
    () =>
      withoutCascades(
        flow.problems,
        editor.nodes.map((n) => n.data.step),
        editor.edges,
      ),
    [flow.problems, editor.nodes, editor.edges],
  );
  useEffect(() => {
    if (problems.length === 0) setInvalid(null);
  }, [problems.length]);

  const trigger = editor.nodes.find((n) => n.data.step.type === 'trigger')?.data.step;
  const triggerText =
    trigger?.type === 'trigger' ? describeTrigger(trigger.config, names) : 'When triggered';
  const entered = stats.data?.runs.entered ?? 0;
  const tabs = [
    { to: `/flows/${flow.id}`, label: 'Builder', isCurrent: tab === 'builder' },
    {
      to: `/flows/${flow.id}/runs`,
      label: entered > 0 ? `Runs (${entered.toLocaleString()})` : 'Runs',
      isCurrent: tab === 'runs',
    },
  ];

  return (
    <>
      {backLink}
      <header className="mb-4 flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <div className="flex flex-wrap items-center gap-2.5">
            <h1 className="truncate text-2xl font-semibold tracking-tight text-slate-900">
              {editor.settings.name.trim() || flow.name}
            </h1>
            <FlowStatusBadge status={flow.status} />
          </div>
          <p className="mt-1 flex flex-wrap items-center gap-x-3 gap-y-1 text-sm text-slate-600">
            <span>{triggerText}</span>
            <span aria-hidden className="text-slate-300">
              ·
            </span>
            <span
              className={clsx(
                flow.hasUnpublishedChanges && flow.publishedVersion !== null && 'text-amber-700',
              )}
            >
              {versionText(flow)}
            </span>
            {canEdit && (
              <>
                <span aria-hidden className="text-slate-300">
                  ·
                </span>
                <SaveIndicator
                  state={editor.save.state}
                  isDirty={editor.save.isDirty}
                  onRetry={() => void editor.save.flush().catch(() => undefined)}
                />
              </>
            )}
          </p>
        </div>
        <div className="flex flex-wrap items-center gap-2">
          {tab === 'builder' && (
            <Button
              variant="secondary"
              aria-pressed={isSimulating}
              onClick={() => setIsSimulating(!isSimulating)}
            >
              <FlaskConical className="size-4" aria-hidden />
              Simulate
            </Button>
          )}
          {canEdit && (
            <FlowActions
              flow={flow}
              triggerText={triggerText}
              beforeAction={editor.save.flush}
              onInvalid={(error) => {
                setInvalid(error);
                void queryClient.invalidateQueries({ queryKey: flowKey(flow.id) });
              }}
            />
          )}
        </div>
      </header>
      {invalid && problems.length > 0 && (
        <Alert variant="error" title="The flow can’t be published yet" className="mb-4">
          {invalid.detail || `${pluralize(problems.length, 'problem')} to fix.`} Each one is marked
          on its step in red; click a problem above the canvas to go to it.
        </Alert>
      )}
      <nav aria-label="Flow sections" className="mb-4 border-b border-slate-200">
        <ul className="-mb-px flex gap-6">
          {tabs.map((t) => (
            <li key={t.to}>
              <Link
                to={t.to}
                aria-current={t.isCurrent ? 'page' : undefined}
                className={clsx(
                  'inline-block border-b-2 px-0.5 pb-2.5 text-sm font-medium whitespace-nowrap transition-colors',
                  t.isCurrent
                    ? 'border-indigo-600 text-indigo-700'
                    : 'border-transparent text-slate-600 hover:border-slate-300 hover:text-slate-900',
                )}
              >
                {t.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {tab === 'builder' ? (
        <FlowBuilder
          flow={flow}
          editor={editor}
          names={names}
          stats={stats.data}
          problems={problems}
          isReadOnly={!canEdit}
          isSimulating={isSimulating}
          onSimulating={setIsSimulating}
        />
      ) : runId ? (
        <RunDetail flow={flow} runId={runId} names={names} />
      ) : (
        <RunsTab flow={flow} stats={stats.data} />
      )}
    </>
  );
}
