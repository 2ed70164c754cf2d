import clsx from 'clsx';
import { Layers, RefreshCw } from 'lucide-react';
import { Alert } from '../../../components/ui/alert';
import { Badge } from '../../../components/ui/badge';
import { Card, CardBody, CardHeader } from '../../../components/ui/card';
import { EmptyState } from '../../../components/ui/empty-state';
import { ErrorState } from '../../../components/ui/error-state';
import { PageHeader } from '../../../components/ui/page-header';
import { Spinner } from '../../../components/ui/spinner';
import { Table, TBody, TD, TH, THead } from '../../../components/ui/table';
import { formatNumber, formatTime } from '../../../lib/format';
import { useCan } from '../../organizations/api';
import { REFRESH_MS, useQueueStats, type QueueCounts } from '../api';
import { DeadLettersCard } from './dead-letters-card';
import { QueueChart, STATE_COLORS } from './queue-chart';

const STATES = ['waiting', 'delayed', 'active', 'completed', 'failed'] as const;
type State = (typeof STATES)[number];

const STATE_INFO: Record<State, { label: string; hint: string; color: string }> = {
  waiting: { label: 'Waiting', hint: 'Ready to run', color: STATE_COLORS.waiting },
  delayed: { label: 'Delayed', hint: 'Scheduled or backing off', color: STATE_COLORS.delayed },
  active: { label: 'Active', hint: 'Running now', color: STATE_COLORS.active },
  completed: { label: 'Completed', hint: 'Finished successfully', color: '#94a3b8' },
  failed: { label: 'Failed', hint: 'Out of retries', color: STATE_COLORS.failed },
};

export default function QueuesPage() {
  const stats = useQueueStats();
  const isAdmin = useCan('admin');
  const queues = stats.data?.queues ?? [];
  const totals = Object.fromEntries(
    STATES.map((state) => [state, queues.reduce((sum, q) => sum + q[state], 0)]),
  ) as Record<State, number>;
  const hasWork = queues.some((q) => q.waiting + q.delayed + q.active + q.failed > 0);

  return (
    <>
      <PageHeader
        title="Queues"
        description="Background work: sending, imports, webhooks and maintenance. Figures cover the whole Herald instance."
        actions={
          stats.data && (
            <div className="flex items-center gap-3 text-sm text-slate-500">
              <Badge tone="neutral">
                {stats.data.driver === 'bullmq' ? 'Redis (BullMQ)' : 'Embedded (PostgreSQL)'}
              </Badge>
              <span className="flex items-center gap-1.5" aria-live="off">
                <RefreshCw
                  className={clsx('size-3.5', stats.isFetching && 'animate-spin')}
                  aria-hidden
                />
                Updated {formatTime(stats.dataUpdatedAt)} · every {REFRESH_MS / 1000} s
              </span>
            </div>
          )
        }
      />
      {stats.isPending ? (
        <Spinner label="Loading queues…" />
      ) : stats.isError && !stats.data ? (
        <Card>
          <ErrorState error={stats.error} onRetry={() => void stats.refetch()} />
        </Card>
      ) : (
        <div className="space-y-6">
          {stats.isError && (
            <Alert variant="warning">
              Couldn’t refresh just now; showing the figures from {formatTime(stats.dataUpdatedAt)}.
            </Alert>
          )}
          <dl className="grid grid-cols-2 gap-4 sm:grid-cols-3 lg:grid-cols-5">
            {STATES.map((state) => (
              <div
                key={state}
                className="rounded-xl border border-slate-200 bg-white px-4 py-3 shadow-xs"
              >
                <dt className="flex items-center gap-2 text-sm font-medium text-slate-600">
                  <span
                    className="size-2 rounded-full"
                    style={{ backgroundColor: STATE_INFO[state].color }}
                    aria-hidden
                  />
                  {STATE_INFO[state].label}
                </dt>
                <dd className="mt-1 text-2xl font-semibold text-slate-900 tabular-nums">
                  {formatNumber(totals[state])}
                </dd>
                <dd className="text-xs text-slate-500">{STATE_INFO[state].hint}</dd>
              </div>
            ))}
          </dl>
          {queues.length === 0 ? (
            <Card>
              <EmptyState
                icon={Layers}
                title="No queues yet"
                description="Queues appear here as soon as Herald runs its first background job."
              />
            </Card>
          ) : (
            <Card aria-labelledby="by-queue-heading">
              <CardHeader
                id="by-queue-heading"
                title="By queue"
                description={
                  hasWork
                    ? 'The chart shows work in progress; completed jobs are only in the table.'
                    : 'All queues are idle: nothing waiting, running or failed.'
                }
              />
              {hasWork && (
                <CardBody className="border-b border-slate-200">
                  <QueueChart queues={queues} />
                </CardBody>
              )}
              <QueueTable queues={queues} />
            </Card>
          )}
          {isAdmin ? (
            <DeadLettersCard queueNames={queues.map((q) => q.queue)} />
          ) : (
            <Alert variant="info">Only admins can see and retry failed jobs.</Alert>
          )}
        </div>
      )}
    </>
  );
}

function QueueTable({ queues }: { queues: QueueCounts[] }) {
  return (
    <Table>
      <THead>
        <tr>
          <TH>Queue</TH>
          {STATES.map((state) => (
            <TH key={state} className="text-right" title={STATE_INFO[state].hint}>
              {STATE_INFO[state].label}
            </TH>
          ))}
        </tr>
      </THead>
      <TBody>
        {queues.map((q) => (
          <tr key={q.queue}>
            <TD className="font-medium text-slate-900">{q.queue}</TD>
            {STATES.map((state) => (
              <TD
                key={state}
                className={clsx(
                  'text-right tabular-nums',
                  state === 'failed' && q.failed > 0 && 'font-semibold text-red-700',
                  q[state] === 0 && 'text-slate-400',
                )}
              >
                {formatNumber(q[state])}
              </TD>
            ))}
          </tr>
        ))}
      </TBody>
    </Table>
  );
}
