import clsx from 'clsx';
import { Route, SearchX } from 'lucide-react';
import { useSearchParams, Link } from 'react-router';
import { Button } from '../../../components/ui/button';
import { Card } from '../../../components/ui/card';
import { EmptyState } from '../../../components/ui/empty-state';
import { ErrorState } from '../../../components/ui/error-state';
import { LoadMore } from '../../../components/ui/load-more';
import { TableSkeleton } from '../../../components/ui/spinner';
import { Table, TBody, TD, TH, THead } from '../../../components/ui/table';
import { formatDateTime, formatNumber, formatRelative } from '../../../lib/format';
import { STATS_POLL_MS, useFlowRuns, type Flow, type FlowStats, type RunStatus } from '../api';
import { RUN_STATUS_LABELS, RunStatusBadge } from './flow-status-badge';

const FILTERS: { value: RunStatus | 'all'; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'running', label: 'Running' },
  { value: 'waiting', label: 'Waiting' },
  { value: 'completed', label: 'Completed' },
  { value: 'exited', label: 'Exited' },
  { value: 'failed', label: 'Failed' },
];

function Time({ iso }: { iso: string | null }) {
  if (!iso) return <span className="text-slate-400">—</span>;
  return (
    <time dateTime={iso} title={formatDateTime(iso)} className="whitespace-nowrap">
      {formatRelative(iso)}
    </time>
  );
}

/** Every contact's way through the flow, newest first. */
export function RunsTab({ flow, stats }: { flow: Flow; stats: FlowStats | undefined }) {
  const [params, setParams] = useSearchParams();
  const filter = FILTERS.find((f) => f.value === params.get('status')) ?? FILTERS[0]!;
  const status = filter.value === 'all' ? undefined : filter.value;
  const runs = useFlowRuns(flow.id, status, flow.status === 'active' ? STATS_POLL_MS : false);

  return (
    <Card>
      <div
        role="group"
        aria-label="Run status"
        className="flex flex-wrap gap-1.5 border-b border-slate-200 px-5 py-3"
      >
        {FILTERS.map((option) => {
          const isOn = option.value === filter.value;
          const count =
            stats && option.value !== 'all'
              ? stats.runs[option.value]
              : option.value === 'all'
                ? stats?.runs.entered
                : undefined;
          return (
            <button
              key={option.value}
              type="button"
              aria-pressed={isOn}
              onClick={() =>
                setParams(option.value === 'all' ? {} : { status: option.value }, { replace: true })
              }
              className={clsx(
                'h-7 rounded-full px-3 text-sm ring-1 ring-inset transition-colors',
                isOn
                  ? 'bg-indigo-50 font-medium text-indigo-700 ring-indigo-300'
                  : 'bg-white text-slate-600 ring-slate-300 hover:bg-slate-50',
              )}
            >
              {option.label}
              {count !== undefined && (
                <span className="ml-1.5 text-xs text-slate-500 tabular-nums">
                  {formatNumber(count)}
                </span>
              )}
            </button>
          );
        })}
      </div>
      {runs.isPending ? (
        <TableSkeleton rows={4} label="Loading runs" />
      ) : runs.isError ? (
        <ErrorState error={runs.error} onRetry={() => void runs.refetch()} />
      ) : runs.items.length === 0 ? (
        status ? (
          <EmptyState
            icon={SearchX}
            title={`No ${RUN_STATUS_LABELS[status].toLowerCase()} runs`}
            description="Try another status."
            action={
              <Button variant="secondary" onClick={() => setParams({}, { replace: true })}>
                Show all runs
              </Button>
            }
          />
        ) : (
          <EmptyState
            icon={Route}
            title="No runs yet"
            description={
              flow.status === 'active'
                ? 'The flow is active: each contact who meets the trigger gets a run here, and you can follow their path step by step.'
                : 'A run starts for each contact who meets the trigger once the flow is active. Activate it from the top of the page, or try it first with Simulate in the builder.'
            }
            action={
              flow.status !== 'active' && (
                <Button variant="secondary" asChild>
                  <Link to={`/flows/${flow.id}`}>Back to the builder</Link>
                </Button>
              )
            }
          />
        )
      ) : (
        <>
          <Table aria-label="Runs">
            <THead>
              <tr>
                <TH>Contact</TH>
                <TH>Status</TH>
                <TH>Step</TH>
                <TH>Started</TH>
                <TH>Finished</TH>
                <TH>
                  <span className="sr-only">Path</span>
                </TH>
              </tr>
            </THead>
            <TBody>
              {runs.items.map((run) => (
                <tr key={run.id} className="hover:bg-slate-50/70">
                  <TD className="max-w-xs">
                    <Link
                      to={`/contacts/${run.contactId}`}
                      className="block truncate font-medium text-slate-900 hover:text-indigo-700 hover:underline"
                    >
                      {run.contactEmail ?? 'Deleted contact'}
                    </Link>
                  </TD>
                  <TD>
                    <RunStatusBadge status={run.status} />
                    {run.status === 'waiting' && run.wakeAt && (
                      <span className="mt-0.5 block text-xs text-slate-500">
                        until {formatDateTime(run.wakeAt)}
                      </span>
                    )}
                    {(run.error || run.exitReason) && (
                      <span
                        className="mt-0.5 block max-w-[16rem] truncate text-xs text-slate-500"
                        title={run.error ?? run.exitReason ?? undefined}
                      >
                        {run.error ?? run.exitReason}
                      </span>
                    )}
                  </TD>
                  <TD className="font-mono text-xs text-slate-600">{run.currentStep ?? '—'}</TD>
                  <TD>
                    <Time iso={run.startedAt} />
                  </TD>
                  <TD>
                    <Time iso={run.finishedAt} />
                  </TD>
                  <TD className="text-right">
                    <Link
                      to={`/flows/${flow.id}/runs/${run.id}`}
                      className="text-sm font-medium whitespace-nowrap text-indigo-700 hover:underline"
                      aria-label={`View path of ${run.contactEmail ?? 'run'}`}
                    >
                      View path
                    </Link>
                  </TD>
                </tr>
              ))}
            </TBody>
          </Table>
          <LoadMore {...runs} />
        </>
      )}
    </Card>
  );
}
