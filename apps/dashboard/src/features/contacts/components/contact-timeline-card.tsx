import { Activity as ActivityIcon, ArrowRightLeft, UserPlus, Zap } from 'lucide-react';
import { Card, CardHeader } from '../../../components/ui/card';
import { ErrorState } from '../../../components/ui/error-state';
import { LoadMore } from '../../../components/ui/load-more';
import { TableSkeleton } from '../../../components/ui/spinner';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { useTimeline, type Activity, type ContactStatus } from '../api';
import { STATUS_INFO } from '../contact-status';

const statusLabel = (value: unknown) =>
  typeof value === 'string' && value in STATUS_INFO
    ? STATUS_INFO[value as ContactStatus].label.toLowerCase()
    : String(value);

const SOURCES: Record<string, string> = {
  api: 'through the API',
  dashboard: 'in the dashboard',
  import: 'by a CSV import',
  bulk: 'by a bulk action',
  suppression: 'because the address is suppressed',
  unsubscribe: 'through the unsubscribe link',
  events: 'by the event API',
};
const sourceText = (value: unknown) =>
  typeof value === 'string' ? (SOURCES[value] ?? `(${value})`) : '';

/** An event from the event API (identify, track, page…). */
function describeEvent(data: Record<string, unknown>): string {
  const name = typeof data.name === 'string' ? `“${data.name}”` : '';
  switch (data.eventType) {
    case 'track':
      return `Did ${name}`;
    case 'page':
      return name ? `Viewed page ${name}` : 'Viewed a page';
    case 'screen':
      return name ? `Viewed screen ${name}` : 'Viewed a screen';
    case 'identify':
      return 'Identified by the event API';
    case 'alias':
      return 'Linked another id (alias)';
    default:
      return `Event ${String(data.eventType)} ${name}`.trim();
  }
}

function describe(activity: Activity): { icon: typeof UserPlus; text: string } {
  const { data } = activity;
  switch (activity.type) {
    case 'created':
      return {
        icon: UserPlus,
        text: `Added ${sourceText(data.source)} as ${statusLabel(data.status)}`,
      };
    case 'status_changed':
      return {
        icon: ArrowRightLeft,
        text: `Status changed from ${statusLabel(data.from)} to ${statusLabel(data.to)} ${sourceText(data.source)}`,
      };
    case 'event':
      return { icon: Zap, text: describeEvent(data) };
    default:
      return { icon: ActivityIcon, text: activity.type.replace(/_/g, ' ') };
  }
}

export function ContactTimelineCard({ contactId }: { contactId: string }) {
  const timeline = useTimeline(contactId);
  return (
    <Card aria-labelledby="timeline-heading">
      <CardHeader
        id="timeline-heading"
        title="Activity"
        description="What happened with this contact, newest first."
      />
      {timeline.isPending ? (
        <TableSkeleton rows={2} label="Loading activity" />
      ) : timeline.isError ? (
        <ErrorState error={timeline.error} onRetry={() => void timeline.refetch()} />
      ) : timeline.items.length === 0 ? (
        <p className="px-5 py-4 text-sm text-slate-500">No activity yet.</p>
      ) : (
        <>
          <ol className="px-5 py-4">
            {timeline.items.map((activity, index) => {
              const { icon: Icon, text } = describe(activity);
              const isLast = index === timeline.items.length - 1;
              return (
                <li key={activity.id} className="relative flex gap-3 pb-5 last:pb-0">
                  {!isLast && (
                    <span
                      className="absolute top-8 bottom-0 left-4 w-px bg-slate-200"
                      aria-hidden
                    />
                  )}
                  <span className="flex size-8 shrink-0 items-center justify-center rounded-full bg-slate-100 text-slate-500">
                    <Icon className="size-4" aria-hidden />
                  </span>
                  <div className="min-w-0 pt-1">
                    <p className="text-sm text-slate-800">{text}</p>
                    <time
                      dateTime={activity.createdAt}
                      title={formatDateTime(activity.createdAt)}
                      className="text-xs text-slate-500"
                    >
                      {formatRelative(activity.createdAt)}
                    </time>
                  </div>
                </li>
              );
            })}
          </ol>
          <LoadMore {...timeline} />
        </>
      )}
    </Card>
  );
}
