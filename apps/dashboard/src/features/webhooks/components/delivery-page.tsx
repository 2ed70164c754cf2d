import { ArrowLeft, Inbox, RotateCw } from 'lucide-react';
import { Link, useParams } from 'react-router';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { Card, CardBody, CardHeader } from '../../../components/ui/card';
import { CopyButton } from '../../../components/ui/copy-field';
import { EmptyState } from '../../../components/ui/empty-state';
import { ErrorState } from '../../../components/ui/error-state';
import { PageHeader } from '../../../components/ui/page-header';
import { Spinner } from '../../../components/ui/spinner';
import { useToast } from '../../../components/ui/toast';
import { ApiError, describeError } from '../../../lib/api-error';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { useCan } from '../../organizations/api';
import { useDelivery, useReplayDelivery, type DeliveryDetail } from '../api';
import { DeliveryStatusBadge } from './delivery-log';

/** One delivery: its payload and every attempt, with a replay button. */
export function DeliveryPage() {
  const { id = '', deliveryId = '' } = useParams();
  const delivery = useDelivery(id, deliveryId);
  const back = (
    <Link
      to={`/settings/webhooks/${id}`}
      className="mb-3 inline-flex items-center gap-1.5 rounded text-sm font-medium text-slate-600 hover:text-slate-900"
    >
      <ArrowLeft className="size-4" aria-hidden />
      Endpoint
    </Link>
  );

  if (delivery.isPending) return <Spinner label="Loading delivery…" />;
  if (delivery.isError) {
    const isMissing =
      delivery.error instanceof ApiError && [400, 404].includes(delivery.error.status);
    return (
      <>
        {back}
        <Card>
          {isMissing ? (
            <EmptyState
              icon={Inbox}
              title="This delivery doesn’t exist"
              description="Its endpoint may have been deleted, or the link is incomplete."
            />
          ) : (
            <ErrorState error={delivery.error} onRetry={() => void delivery.refetch()} />
          )}
        </Card>
      </>
    );
  }
  return (
    <>
      {back}
      <Delivery endpointId={id} delivery={delivery.data} />
    </>
  );
}

function Delivery({ endpointId, delivery }: { endpointId: string; delivery: DeliveryDetail }) {
  const isAdmin = useCan('admin');
  const replay = useReplayDelivery(endpointId);
  const notify = useToast();
  const payload = JSON.stringify(delivery.payload, null, 2);

  return (
    <>
      <PageHeader
        title={<span className="font-mono">{delivery.eventType}</span>}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <DeliveryStatusBadge delivery={delivery} />
            <span>Created {formatDateTime(delivery.createdAt)}</span>
            {delivery.status === 'failed' && delivery.nextAttemptAt && (
              <span>· next attempt {formatRelative(delivery.nextAttemptAt)}</span>
            )}
          </span>
        }
        actions={
          isAdmin && (
            <Button
              isLoading={replay.isPending}
              onClick={() =>
                replay.mutate(delivery.id, {
                  onSuccess: (result) =>
                    result.attempt.isSuccess
                      ? notify(`Delivered: HTTP ${result.attempt.statusCode}.`)
                      : notify(`Not delivered: ${result.attempt.error ?? 'no answer'}.`, 'error'),
                  onError: (error) => notify(describeError(error), 'error'),
                })
              }
            >
              <RotateCw className="size-4" aria-hidden />
              Replay now
            </Button>
          )
        }
      />
      <Card className="mb-6">
        <dl className="grid gap-x-6 gap-y-2 px-5 py-4 text-sm sm:grid-cols-[auto_minmax(0,1fr)]">
          <dt className="text-slate-500">webhook-id</dt>
          <dd className="font-mono text-xs leading-5 break-all text-slate-700">
            {delivery.eventId}
          </dd>
          <dt className="text-slate-500">Attempts</dt>
          <dd className="text-slate-900">{delivery.attempts.length}</dd>
          {delivery.deliveredAt && (
            <>
              <dt className="text-slate-500">Delivered</dt>
              <dd className="text-slate-900">{formatDateTime(delivery.deliveredAt)}</dd>
            </>
          )}
        </dl>
      </Card>
      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader
            title="Payload"
            description="The request body (JSON)."
            actions={<CopyButton value={payload} label="Copy" />}
          />
          <pre className="max-h-[32rem] overflow-auto px-5 py-4 font-mono text-xs leading-5 text-slate-800">
            {payload}
          </pre>
        </Card>
        <Card>
          <CardHeader title="Attempts" description="Newest last." />
          {delivery.attempts.length === 0 ? (
            <CardBody>
              <p className="text-sm text-slate-600">Not tried yet.</p>
            </CardBody>
          ) : (
            <ol className="divide-y divide-slate-100">
              {delivery.attempts.map((attempt, index) => (
                <li key={attempt.id} className="space-y-2 px-5 py-4">
                  <div className="flex flex-wrap items-center justify-between gap-2 text-sm">
                    <span className="font-medium text-slate-900">
                      Attempt {index + 1}
                      {attempt.statusCode !== null && (
                        <span
                          className={
                            attempt.statusCode < 300 ? ' text-emerald-700' : ' text-red-700'
                          }
                        >
                          {' '}
                          · HTTP {attempt.statusCode}
                        </span>
                      )}
                    </span>
                    <span className="text-xs text-slate-500">
                      {formatDateTime(attempt.createdAt)} · {attempt.durationMs} ms
                    </span>
                  </div>
                  {/* "HTTP 503" says nothing the heading does not; other errors say why. */}
                  {attempt.error &&
                    !(attempt.statusCode !== null && /^HTTP \d+$/.test(attempt.error)) && (
                      <Alert variant="error">
                        <span className="break-words">{attempt.error}</span>
                      </Alert>
                    )}
                  {attempt.responseBody && (
                    <div>
                      <p className="text-xs font-medium text-slate-500">Response</p>
                      <pre className="mt-1 max-h-40 overflow-auto rounded-md bg-slate-50 p-2 font-mono text-xs break-words whitespace-pre-wrap text-slate-700">
                        {attempt.responseBody}
                      </pre>
                    </div>
                  )}
                  <details className="text-xs">
                    <summary className="cursor-pointer text-slate-500 hover:text-slate-700">
                      Request headers
                    </summary>
                    <dl className="mt-1 grid grid-cols-[auto_minmax(0,1fr)] gap-x-3 gap-y-1 font-mono">
                      {Object.entries(attempt.requestHeaders).map(([name, value]) => (
                        <div key={name} className="contents">
                          <dt className="text-slate-500">{name}</dt>
                          <dd className="break-all text-slate-700">{value}</dd>
                        </div>
                      ))}
                    </dl>
                  </details>
                </li>
              ))}
            </ol>
          )}
        </Card>
      </div>
    </>
  );
}
