import { Inbox } from 'lucide-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { Badge } from '../../../components/ui/badge';
import { Card, CardHeader } from '../../../components/ui/card';
import { EmptyState } from '../../../components/ui/empty-state';
import { ErrorState } from '../../../components/ui/error-state';
import { LoadMore } from '../../../components/ui/load-more';
import { SegmentedControl } from '../../../components/ui/segmented-control';
import { TableSkeleton } from '../../../components/ui/spinner';
import { Table, TBody, TD, TH, THead } from '../../../components/ui/table';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { useDeliveries, type Delivery, type DeliveryStatus, type Webhook } from '../api';
import { STATUS_LABELS, STATUS_TONES } from '../event-types';

type Filter = 'all' | DeliveryStatus;

const FILTERS: { value: Filter; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'succeeded', label: STATUS_LABELS.succeeded },
  { value: 'failed', label: STATUS_LABELS.failed },
  { value: 'dead', label: STATUS_LABELS.dead },
];

export function DeliveryStatusBadge({ delivery }: { delivery: Pick<Delivery, 'status'> }) {
  return <Badge tone={STATUS_TONES[delivery.status]}>{STATUS_LABELS[delivery.status]}</Badge>;
}

/** What the last attempt got back: a status code, or why there was none. */
export function LastResult({ delivery }: { delivery: Delivery }) {
  if (delivery.attempts === 0) return <span className="text-slate-400">Not tried yet</span>;
  if (delivery.lastStatusCode !== null)
    return (
      <span className={delivery.lastStatusCode < 300 ? 'text-slate-700' : 'text-red-700'}>
        HTTP {delivery.lastStatusCode}
      </span>
    );
  return (
    <span className="text-red-700" title={delivery.lastError ?? undefined}>
      {(delivery.lastError ?? 'No answer').split(':')[0]!.replace(/_/g, ' ')}
    </span>
  );
}

export function DeliveryLog({ webhook, isAdmin }: { webhook: Webhook; isAdmin: boolean }) {
  const [filter, setFilter] = useState<Filter>('all');
  const deliveries = useDeliveries(webhook.id, filter === 'all' ? undefined : filter);

  return (
    <Card aria-labelledby="delivery-log-title">
      <CardHeader
        id="delivery-log-title"
        title="Delivery log"
        description="Every event sent to this endpoint. Failed attempts are retried after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h."
        actions={
          <SegmentedControl
            label="Show deliveries"
            size="sm"
            value={filter}
            onValueChange={setFilter}
            options={FILTERS}
          />
        }
      />
      {deliveries.isPending ? (
        <TableSkeleton label="Loading deliveries" />
      ) : deliveries.isError ? (
        <ErrorState error={deliveries.error} onRetry={() => void deliveries.refetch()} />
      ) : deliveries.items.length === 0 ? (
        <EmptyState
          icon={Inbox}
          title={filter === 'all' ? 'Nothing sent yet' : 'No deliveries like that'}
          description={
            filter === 'all'
              ? isAdmin
                ? 'Events show here as they happen. Send a test event to see one now.'
                : 'Events show here as they happen.'
              : 'Try another filter.'
          }
        />
      ) : (
        <>
          <Table>
            <THead>
              <tr>
                <TH>Event</TH>
                <TH>Status</TH>
                <TH>Response</TH>
                <TH>Attempts</TH>
                <TH>Time</TH>
              </tr>
            </THead>
            <TBody>
              {deliveries.items.map((delivery) => (
                <tr key={delivery.id} className="hover:bg-slate-50">
                  <TD>
                    <Link
                      to={`/settings/webhooks/${webhook.id}/deliveries/${delivery.id}`}
                      className="font-mono text-xs font-medium text-slate-900 hover:text-indigo-700"
                    >
                      {delivery.eventType}
                    </Link>
                  </TD>
                  <TD>
                    <DeliveryStatusBadge delivery={delivery} />
                    {delivery.status === 'failed' && delivery.nextAttemptAt && (
                      <span className="ml-2 text-xs text-slate-500">
                        next {formatRelative(delivery.nextAttemptAt)}
                      </span>
                    )}
                  </TD>
                  <TD className="whitespace-nowrap">
                    <LastResult delivery={delivery} />
                    {delivery.lastDurationMs !== null && (
                      <span className="ml-2 text-xs text-slate-500">
                        {delivery.lastDurationMs} ms
                      </span>
                    )}
                  </TD>
                  <TD>{delivery.attempts}</TD>
                  <TD className="whitespace-nowrap">
                    <time dateTime={delivery.createdAt} title={formatDateTime(delivery.createdAt)}>
                      {formatRelative(delivery.createdAt)}
                    </time>
                  </TD>
                </tr>
              ))}
            </TBody>
          </Table>
          <LoadMore {...deliveries} />
        </>
      )}
    </Card>
  );
}
