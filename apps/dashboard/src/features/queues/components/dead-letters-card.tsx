import { CircleCheck, RotateCcw } from 'lucide-react';
import { useState } from 'react';
import { Button } from '../../../components/ui/button';
import { Card, CardHeader } from '../../../components/ui/card';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog';
import { EmptyState } from '../../../components/ui/empty-state';
import { ErrorState } from '../../../components/ui/error-state';
import { LoadMore } from '../../../components/ui/load-more';
import { Select } from '../../../components/ui/select';
import { TableSkeleton } from '../../../components/ui/spinner';
import { Table, TBody, TD, TH, THead } from '../../../components/ui/table';
import { useToast } from '../../../components/ui/toast';
import { describeError } from '../../../lib/api-error';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { useDiscardFailedJob, useFailedJobs, useRetryFailedJob, type FailedJob } from '../api';
import { FailedJobDialog } from './failed-job-dialog';

const ALL = '__all__';

export function DeadLettersCard({ queueNames }: { queueNames: string[] }) {
  const [queue, setQueue] = useState(ALL);
  const failed = useFailedJobs(queue === ALL ? undefined : queue, true);
  const retry = useRetryFailedJob();
  const discard = useDiscardFailedJob();
  const notify = useToast();
  const [inspecting, setInspecting] = useState<FailedJob | null>(null);
  const [discarding, setDiscarding] = useState<FailedJob | null>(null);

  const options = [
    { value: ALL, label: 'All queues' },
    ...queueNames.map((name) => ({ value: name, label: name })),
  ];

  return (
    <Card aria-labelledby="dead-letters-heading">
      <CardHeader
        id="dead-letters-heading"
        title="Failed jobs"
        description="Jobs that used up every retry. Fix the cause, then retry them, or discard them."
        actions={
          <Select
            size="sm"
            aria-label="Filter by queue"
            className="w-44"
            value={queue}
            onValueChange={setQueue}
            options={options}
          />
        }
      />
      {failed.isPending ? (
        <TableSkeleton label="Loading failed jobs" />
      ) : failed.isError ? (
        <ErrorState error={failed.error} onRetry={() => void failed.refetch()} />
      ) : failed.items.length === 0 ? (
        <EmptyState
          icon={CircleCheck}
          title="No failed jobs"
          description={
            queue === ALL
              ? 'Everything that ran either succeeded or is still being retried. Jobs that run out of retries will show up here.'
              : `Nothing in “${queue}” has run out of retries.`
          }
        />
      ) : (
        <>
          <Table>
            <THead>
              <tr>
                <TH>Queue</TH>
                <TH>Job</TH>
                <TH>Error</TH>
                <TH className="text-right">Attempts</TH>
                <TH>Failed</TH>
                <TH>
                  <span className="sr-only">Actions</span>
                </TH>
              </tr>
            </THead>
            <TBody>
              {failed.items.map((job) => (
                <tr key={job.id}>
                  <TD className="whitespace-nowrap">{job.queue}</TD>
                  <TD className="font-mono text-xs whitespace-nowrap text-slate-900">{job.name}</TD>
                  <TD className="max-w-xs">
                    <button
                      type="button"
                      onClick={() => setInspecting(job)}
                      className="block max-w-full truncate rounded text-left text-red-700 hover:underline"
                      title="Show the full error and payload"
                    >
                      {job.error.split('\n')[0] || 'No error message'}
                    </button>
                  </TD>
                  <TD className="text-right tabular-nums">{job.attempts}</TD>
                  <TD className="whitespace-nowrap">
                    <time dateTime={job.failedAt} title={formatDateTime(job.failedAt)}>
                      {formatRelative(job.failedAt)}
                    </time>
                  </TD>
                  <TD>
                    <div className="flex justify-end gap-1">
                      <Button
                        variant="secondary"
                        size="sm"
                        isLoading={retry.isPending && retry.variables === job.id}
                        aria-label={`Retry ${job.name}`}
                        onClick={() =>
                          retry.mutate(job.id, {
                            onSuccess: () => notify(`${job.name} queued to run again.`),
                            onError: (error) => notify(describeError(error), 'error'),
                          })
                        }
                      >
                        <RotateCcw className="size-3.5" aria-hidden />
                        Retry
                      </Button>
                      <Button
                        variant="danger-ghost"
                        size="sm"
                        aria-label={`Discard ${job.name}`}
                        onClick={() => setDiscarding(job)}
                      >
                        Discard
                      </Button>
                    </div>
                  </TD>
                </tr>
              ))}
            </TBody>
          </Table>
          <LoadMore {...failed} />
        </>
      )}
      <FailedJobDialog job={inspecting} onClose={() => setInspecting(null)} />
      <ConfirmDialog
        open={discarding !== null}
        onOpenChange={(open) => !open && setDiscarding(null)}
        title="Discard this failed job?"
        description={`${discarding?.name ?? 'The job'} will not run again and its error is deleted.`}
        confirmLabel="Discard job"
        onConfirm={async () => {
          if (!discarding) return;
          await discard.mutateAsync(discarding.id);
          notify(`${discarding.name} discarded.`);
        }}
      />
    </Card>
  );
}
