import { Activity, ChevronDown, ChevronRight, KeyRound, Search } from 'lucide-react';
import { Fragment, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { Card } from '../../../components/ui/card';
import { EmptyState } from '../../../components/ui/empty-state';
import { ErrorState } from '../../../components/ui/error-state';
import { Input } from '../../../components/ui/input';
import { LoadMore } from '../../../components/ui/load-more';
import { PageHeader } from '../../../components/ui/page-header';
import { Select } from '../../../components/ui/select';
import { TableSkeleton } from '../../../components/ui/spinner';
import { Table, TBody, TD, TH, THead } from '../../../components/ui/table';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { useDebouncedValue } from '../../../lib/use-debounced-value';
import { ContactPicker, type PickedContact } from '../../contacts/components/contact-picker';
import { useCan } from '../../organizations/api';
import {
  EVENT_TYPES,
  useEvents,
  type EventFilters,
  type EventType,
  type TrackedEvent,
} from '../api';
import { SendFirstEvent } from './send-first-event';

const ANY = 'any';

const TYPE_LABELS: Record<EventType, string> = {
  track: 'Track',
  identify: 'Identify',
  page: 'Page view',
  screen: 'Screen view',
  group: 'Group',
  alias: 'Alias',
};

function title(event: TrackedEvent): string {
  if (event.name) return event.name;
  if (event.type === 'identify') return 'Identified';
  if (event.type === 'alias') return `Alias of ${String(event.anonymousId ?? '')}`;
  if (event.type === 'group') return `Joined ${String(event.properties.groupId ?? 'a group')}`;
  return TYPE_LABELS[event.type];
}

/** "plan: pro · amount: 12.99 · …" — enough to recognise an event without opening it. */
function preview(properties: Record<string, unknown>): string {
  return Object.entries(properties)
    .slice(0, 4)
    .map(([key, value]) => {
      const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
      return `${key}: ${text.length > 40 ? `${text.slice(0, 40)}…` : text}`;
    })
    .join(' · ');
}

function Who({ event }: { event: TrackedEvent }) {
  if (event.contactId) {
    return (
      <Link
        to={`/contacts/${event.contactId}`}
        className="block max-w-64 truncate font-medium text-slate-900 hover:text-indigo-700 hover:underline"
      >
        {event.contactEmail ?? 'Deleted contact'}
      </Link>
    );
  }
  const id = event.userId ? `userId ${event.userId}` : `anonymous ${event.anonymousId ?? ''}`;
  return (
    <span className="block max-w-64 min-w-0">
      <span className="block text-slate-500">Not linked to a contact yet</span>
      <span className="block truncate font-mono text-xs text-slate-400" title={id}>
        {id}
      </span>
    </span>
  );
}

function Details({ event }: { event: TrackedEvent }) {
  const ids = {
    messageId: event.messageId,
    userId: event.userId,
    anonymousId: event.anonymousId,
    receivedAt: event.receivedAt,
  };
  const block = (label: string, value: unknown) => (
    <div className="min-w-0">
      <p className="text-xs font-medium tracking-wide text-slate-500 uppercase">{label}</p>
      <pre className="mt-1 max-h-64 overflow-auto rounded-md bg-white p-2 font-mono text-xs text-slate-800 ring-1 ring-slate-200">
        {JSON.stringify(value, null, 2)}
      </pre>
    </div>
  );
  return (
    <div className="grid gap-3 md:grid-cols-3">
      {block(event.type === 'identify' ? 'Traits' : 'Properties', event.properties)}
      {block('Context', event.context ?? {})}
      {block('Ids', ids)}
    </div>
  );
}

function EventsTable({ isAdmin }: { isAdmin: boolean }) {
  const [name, setName] = useState('');
  const [type, setType] = useState<EventType | typeof ANY>(ANY);
  const [contact, setContact] = useState<PickedContact | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const typedName = useDebouncedValue(name.trim(), 300);
  const filters: EventFilters = {
    name: typedName || undefined,
    type: type === ANY ? undefined : type,
    contactId: contact?.id,
  };
  const events = useEvents(filters);
  const isFiltered = Boolean(filters.name || filters.type || filters.contactId);
  useEffect(() => setOpen(null), [typedName, type, contact]);
  const clear = () => {
    setName('');
    setType(ANY);
    setContact(null);
  };

  // Before the first event there is nothing to filter: the card is the how-to.
  const isEmpty = !isFiltered && !events.isPending && !events.isError && events.items.length === 0;

  return (
    <Card>
      <div
        className="flex flex-wrap items-center gap-2 border-b border-slate-200 px-5 py-3"
        hidden={isEmpty}
      >
        <div className="relative w-full min-w-48 sm:w-auto sm:flex-1">
          <Search
            className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-slate-400"
            aria-hidden
          />
          <Input
            type="search"
            aria-label="Event name"
            placeholder="Event name, e.g. Order Completed"
            className="pl-9"
            value={name}
            onChange={(event) => setName(event.target.value)}
          />
        </div>
        <Select
          aria-label="Type"
          className="min-w-32 flex-1 sm:w-40 sm:flex-none"
          value={type}
          onValueChange={setType}
          options={[
            { value: ANY, label: 'All types' },
            ...EVENT_TYPES.map((t) => ({ value: t, label: TYPE_LABELS[t] })),
          ]}
        />
        <div className="w-full sm:w-72">
          <ContactPicker
            aria-label="Contact"
            placeholder="Any contact"
            value={contact}
            onChange={setContact}
            clearLabel="Show every contact’s events"
          />
        </div>
        {isFiltered && (
          <Button variant="ghost" size="sm" onClick={clear}>
            Clear filters
          </Button>
        )}
      </div>
      {events.isPending ? (
        <TableSkeleton label="Loading events" />
      ) : events.isError ? (
        <ErrorState error={events.error} onRetry={() => void events.refetch()} />
      ) : events.items.length === 0 ? (
        isFiltered ? (
          <EmptyState
            icon={Activity}
            title="No events match these filters"
            description="Event names match exactly, including capitals. Try another name, type or contact."
            action={
              <Button variant="secondary" onClick={clear}>
                Clear filters
              </Button>
            }
          />
        ) : (
          <div className="px-6 py-10">
            <EmptyState
              icon={Activity}
              title="No events yet"
              className="py-0"
              description="Your website, app or backend sends events with a write key, through Segment’s SDKs or plain HTTP. Events name contacts by userId or email; a new email becomes a new contact."
              action={
                isAdmin ? (
                  <Button asChild variant="secondary">
                    <Link to="/settings/write-keys">
                      <KeyRound className="size-4" aria-hidden />
                      Create a write key
                    </Link>
                  </Button>
                ) : undefined
              }
            />
            <div className="mx-auto mt-8 max-w-3xl">
              <SendFirstEvent />
            </div>
          </div>
        )
      ) : (
        <>
          <Table>
            <THead>
              <tr>
                <TH className="w-40">When</TH>
                <TH>Event</TH>
                <TH>Contact</TH>
                <TH>Properties</TH>
              </tr>
            </THead>
            <TBody>
              {events.items.map((event) => {
                const isOpen = open === event.id;
                return (
                  <Fragment key={event.id}>
                    <tr className={isOpen ? 'bg-slate-50' : undefined}>
                      <TD className="whitespace-nowrap">
                        <time dateTime={event.occurredAt} className="block text-slate-900">
                          {formatRelative(event.occurredAt)}
                        </time>
                        <span className="block text-xs text-slate-500">
                          {formatDateTime(event.occurredAt)}
                        </span>
                      </TD>
                      <TD>
                        <button
                          type="button"
                          className="flex max-w-72 min-w-0 items-center gap-1.5 text-left"
                          aria-expanded={isOpen}
                          onClick={() => setOpen(isOpen ? null : event.id)}
                        >
                          {isOpen ? (
                            <ChevronDown className="size-4 shrink-0 text-slate-400" aria-hidden />
                          ) : (
                            <ChevronRight className="size-4 shrink-0 text-slate-400" aria-hidden />
                          )}
                          <span className="truncate font-medium text-slate-900 hover:text-indigo-700">
                            {title(event)}
                          </span>
                        </button>
                        <Badge className="mt-1 ml-5.5">{TYPE_LABELS[event.type]}</Badge>
                      </TD>
                      <TD>
                        <Who event={event} />
                      </TD>
                      <TD className="max-w-80 truncate text-xs text-slate-500">
                        {preview(event.properties) || '—'}
                      </TD>
                    </tr>
                    {isOpen && (
                      <tr className="bg-slate-50">
                        <td colSpan={4} className="px-5 pb-4">
                          <Details event={event} />
                        </td>
                      </tr>
                    )}
                  </Fragment>
                );
              })}
            </TBody>
          </Table>
          <LoadMore {...events} />
        </>
      )}
    </Card>
  );
}

export function EventsPage() {
  const isAdmin = useCan('admin');
  return (
    <>
      <PageHeader
        title="Events"
        description="What your product reports about your contacts through the event API (identify, track, page…), newest first. Segments and flows can use them."
        actions={
          isAdmin ? (
            <Button asChild variant="secondary">
              <Link to="/settings/write-keys">
                <KeyRound className="size-4" aria-hidden />
                Write keys
              </Link>
            </Button>
          ) : undefined
        }
      />
      <EventsTable isAdmin={isAdmin} />
    </>
  );
}
