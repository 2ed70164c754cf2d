import { Users } from 'lucide-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { Badge } from '../../../components/ui/badge';
import { Card, CardHeader } from '../../../components/ui/card';
import { EmptyState } from '../../../components/ui/empty-state';
import { ErrorState } from '../../../components/ui/error-state';
import { LoadMore } from '../../../components/ui/load-more';
import { Select, type SelectOption } from '../../../components/ui/select';
import { TableSkeleton } from '../../../components/ui/spinner';
import { Table, TBody, TD, TH, THead } from '../../../components/ui/table';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { useCampaignMessages, type CampaignMessage, type MessageStatus } from '../api';

const MESSAGE_STATUS: Record<
  MessageStatus,
  { label: string; tone: 'neutral' | 'brand' | 'success' | 'warning' | 'danger'; hint: string }
> = {
  queued: { label: 'Queued', tone: 'neutral', hint: 'Waiting its turn, or a retry' },
  sending: { label: 'Sending', tone: 'brand', hint: 'On its way right now' },
  sent: { label: 'Sent', tone: 'success', hint: 'Accepted by the receiving server' },
  failed: { label: 'Failed', tone: 'danger', hint: 'Refused or out of retries' },
  bounced: { label: 'Bounced', tone: 'warning', hint: 'The address doesn’t exist' },
  cancelled: { label: 'Cancelled', tone: 'neutral', hint: 'Not sent: the campaign was cancelled' },
};

type Filter = MessageStatus | 'all';

/** "250 2.0.0 Ok": the server's reply, with its code once (replies usually start with it). */
function replyOf({ lastCode, lastReply }: CampaignMessage): string | null {
  if (!lastReply) return lastCode === null ? null : String(lastCode);
  return lastCode === null || lastReply.startsWith(String(lastCode))
    ? lastReply
    : `${lastCode} ${lastReply}`;
}

const FILTERS: SelectOption<Filter>[] = [
  { value: 'all', label: 'All statuses' },
  ...(Object.keys(MESSAGE_STATUS) as MessageStatus[]).map((status) => ({
    value: status,
    label: MESSAGE_STATUS[status].label,
    description: MESSAGE_STATUS[status].hint,
  })),
];

/** Who the campaign went to, message by message, with the receiving server's last answer. */
export function RecipientsCard({
  campaignId,
  pollMs,
}: {
  campaignId: string;
  pollMs: number | false;
}) {
  const [filter, setFilter] = useState<Filter>('all');
  const messages = useCampaignMessages(campaignId, filter === 'all' ? undefined : filter, pollMs);
  return (
    <Card aria-labelledby="recipients-heading">
      <CardHeader
        id="recipients-heading"
        title="Recipients"
        description="Each message, its attempts and what the receiving server last said."
        actions={
          <Select
            aria-label="Show recipients"
            size="sm"
            className="w-44"
            value={filter}
            onValueChange={setFilter}
            options={FILTERS}
          />
        }
      />
      {messages.isPending ? (
        <TableSkeleton rows={4} label="Loading recipients" />
      ) : messages.isError ? (
        <ErrorState error={messages.error} onRetry={() => void messages.refetch()} />
      ) : messages.items.length === 0 ? (
        <EmptyState
          icon={Users}
          title={filter === 'all' ? 'No recipients yet' : 'No recipients with this status'}
          description={
            filter === 'all'
              ? 'Recipients are listed once sending starts and the audience is taken.'
              : 'Choose another status, or all of them.'
          }
        />
      ) : (
        <>
          <Table aria-label="Recipients">
            <THead>
              <tr>
                <TH>Email</TH>
                <TH>Status</TH>
                <TH className="text-right">Attempts</TH>
                <TH>Last reply</TH>
                <TH>Sent</TH>
                <TH>Engagement</TH>
              </tr>
            </THead>
            <TBody>
              {messages.items.map((message) => {
                const info = MESSAGE_STATUS[message.status];
                const reply = replyOf(message);
                return (
                  <tr key={message.id}>
                    <TD className="max-w-64">
                      {message.email && message.contactId ? (
                        <Link
                          to={`/contacts/${message.contactId}`}
                          className="block truncate rounded font-medium text-slate-900 hover:text-indigo-700 hover:underline"
                          title={message.email}
                        >
                          {message.email}
                        </Link>
                      ) : (
                        <span className="text-slate-500 italic">
                          {message.email ?? 'Erased contact'}
                        </span>
                      )}
                    </TD>
                    <TD>
                      <span title={info.hint}>
                        <Badge tone={info.tone}>{info.label}</Badge>
                      </span>
                    </TD>
                    <TD className="text-right tabular-nums">{message.attempts}</TD>
                    <TD className="max-w-72">
                      {reply ? (
                        <span
                          className="block truncate font-mono text-xs text-slate-600"
                          title={reply}
                        >
                          {reply}
                        </span>
                      ) : (
                        <span className="text-slate-400">—</span>
                      )}
                    </TD>
                    <TD className="whitespace-nowrap">
                      {message.sentAt ? (
                        <time dateTime={message.sentAt} title={formatDateTime(message.sentAt)}>
                          {formatRelative(message.sentAt)}
                        </time>
                      ) : message.status === 'queued' && message.attempts > 0 ? (
                        <span className="text-slate-500">
                          Retry {formatRelative(message.nextAttemptAt)}
                        </span>
                      ) : (
                        <span className="text-slate-400">—</span>
                      )}
                    </TD>
                    <TD>
                      <div className="flex flex-wrap gap-1">
                        {message.openCount > 0 && (
                          <Badge tone="brand">
                            Opened{message.openCount > 1 ? ` ×${message.openCount}` : ''}
                          </Badge>
                        )}
                        {message.clickCount > 0 && (
                          <Badge tone="success">
                            Clicked{message.clickCount > 1 ? ` ×${message.clickCount}` : ''}
                          </Badge>
                        )}
                        {message.unsubscribedAt && <Badge tone="warning">Unsubscribed</Badge>}
                        {!message.openCount && !message.clickCount && !message.unsubscribedAt && (
                          <span className="text-slate-400">—</span>
                        )}
                      </div>
                    </TD>
                  </tr>
                );
              })}
            </TBody>
          </Table>
          <LoadMore {...messages} />
        </>
      )}
    </Card>
  );
}
