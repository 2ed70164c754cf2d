import { KeyRound, Lock, ScrollText, Sparkles, UserRound } from 'lucide-react';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { Button } from '../../../components/ui/button';
import { Card } from '../../../components/ui/card';
import { EmptyState } from '../../../components/ui/empty-state';
import { ErrorState } from '../../../components/ui/error-state';
import { LoadMore } from '../../../components/ui/load-more';
import { PageHeader } from '../../../components/ui/page-header';
import { Select } from '../../../components/ui/select';
import { TableSkeleton } from '../../../components/ui/spinner';
import { Table, TBody, TD, TH, THead } from '../../../components/ui/table';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { useApiKeys } from '../../api-keys/api';
import { useSession } from '../../auth/session-hooks';
import { useMembers } from '../../members/api';
import { useCan } from '../../organizations/api';
import { useAuditLog, type AuditEntry, type AuditFilters } from '../api';
import { AUDIT_AREAS, campaignLink, describeEntry } from '../audit-actions';

const ANYONE = 'anyone';
const EVERYTHING = 'everything';

const ACTOR_ICONS = { user: UserRound, apiKey: KeyRound, system: Sparkles } as const;

function Actor({ actor }: { actor: AuditEntry['actor'] }) {
  const Icon = ACTOR_ICONS[actor.type];
  return (
    <div className="flex max-w-60 min-w-0 items-center gap-2">
      <Icon className="size-4 shrink-0 text-slate-400" aria-hidden />
      <span className="min-w-0">
        <span className="block truncate font-medium text-slate-900" title={actor.label}>
          {actor.label}
        </span>
        {actor.type !== 'user' && (
          <span className="block text-xs text-slate-500">
            {actor.type === 'apiKey' ? 'API key' : 'Automatic'}
          </span>
        )}
      </span>
    </div>
  );
}

const actorOption = (actor: AuditEntry['actor']) =>
  actor.type === 'system'
    ? { value: 'system', label: 'Herald (automatic)' }
    : {
        value: `${actor.type}:${actor.id ?? ''}`,
        label: actor.type === 'apiKey' ? `API key “${actor.label}”` : actor.label,
      };

/**
 * Who the log can be filtered by: the members and API keys there are, and whoever the log has
 * shown so far (a removed member, a revoked key, a key created a moment ago).
 */
function useActorOptions(entries: AuditEntry[]) {
  const members = useMembers();
  const keys = useApiKeys(true);
  const [seen, setSeen] = useState(() => new Map<string, { value: string; label: string }>());
  useEffect(() => {
    const fresh = entries.map((e) => actorOption(e.actor)).filter((o) => !seen.has(o.value));
    if (fresh.length > 0) setSeen(new Map([...seen, ...fresh.map((o) => [o.value, o] as const)]));
  }, [entries]);
  const options = new Map<string, { value: string; label: string }>();
  for (const m of members.items)
    options.set(`user:${m.userId}`, { value: `user:${m.userId}`, label: m.name || m.email });
  for (const k of keys.items)
    options.set(`apiKey:${k.id}`, { value: `apiKey:${k.id}`, label: `API key “${k.name}”` });
  for (const [value, option] of seen) if (!options.has(value)) options.set(value, option);
  options.delete('system');
  return [
    { value: ANYONE, label: 'Anyone' },
    ...options.values(),
    { value: 'system', label: 'Herald (automatic)' },
  ];
}

function toFilters(area: string, actor: string): AuditFilters {
  const filters: AuditFilters = {};
  const chosen = AUDIT_AREAS.find((a) => a.value === area);
  if (chosen) filters.action = [...chosen.actions];
  if (actor === 'system') filters.actorType = 'system';
  else if (actor !== ANYONE) {
    const [type, id] = actor.split(':') as ['user' | 'apiKey', string];
    filters.actorType = type;
    filters.actorId = id;
  }
  return filters;
}

function AuditLogTable() {
  const [area, setArea] = useState<string>(EVERYTHING);
  const [actor, setActor] = useState<string>(ANYONE);
  const log = useAuditLog(toFilters(area, actor), true);
  const actors = useActorOptions(log.items);
  const isFiltered = area !== EVERYTHING || actor !== ANYONE;
  const clear = () => {
    setArea(EVERYTHING);
    setActor(ANYONE);
  };

  return (
    <Card>
      <div className="flex flex-wrap items-center gap-2 border-b border-slate-200 px-5 py-3">
        <Select
          aria-label="Activity"
          className="min-w-44 flex-1 sm:w-56 sm:flex-none"
          value={area}
          onValueChange={setArea}
          options={[
            { value: EVERYTHING, label: 'All activity' },
            ...AUDIT_AREAS.map((a) => ({ value: a.value, label: a.label })),
          ]}
        />
        <Select
          aria-label="Done by"
          className="min-w-44 flex-1 sm:w-56 sm:flex-none"
          value={actor}
          onValueChange={setActor}
          options={actors}
        />
        {isFiltered && (
          <Button variant="ghost" size="sm" onClick={clear}>
            Clear filters
          </Button>
        )}
      </div>
      {log.isPending ? (
        <TableSkeleton label="Loading the audit log" />
      ) : log.isError ? (
        <ErrorState error={log.error} onRetry={() => void log.refetch()} />
      ) : log.items.length === 0 ? (
        isFiltered ? (
          <EmptyState
            icon={ScrollText}
            title="Nothing matches these filters"
            description="Try another kind of activity or person, or show everything."
            action={
              <Button variant="secondary" onClick={clear}>
                Clear filters
              </Button>
            }
          />
        ) : (
          <EmptyState
            icon={ScrollText}
            title="Nothing recorded yet"
            description="Starting or cancelling a campaign, inviting people and changing roles, API keys, senders, contact exports and erasures will appear here, with who did them and when."
          />
        )
      ) : (
        <>
          <Table>
            <THead>
              <tr>
                <TH className="w-40">When</TH>
                <TH className="w-64">Who</TH>
                <TH>What</TH>
                <TH className="w-36">From</TH>
              </tr>
            </THead>
            <TBody>
              {log.items.map((entry) => {
                const link = campaignLink(entry);
                return (
                  <tr key={entry.id}>
                    <TD className="whitespace-nowrap">
                      <time dateTime={entry.createdAt} className="block text-slate-900">
                        {formatRelative(entry.createdAt)}
                      </time>
                      <span className="block text-xs text-slate-500">
                        {formatDateTime(entry.createdAt)}
                      </span>
                    </TD>
                    <TD>
                      <Actor actor={entry.actor} />
                    </TD>
                    <TD className="text-slate-800">
                      {link ? (
                        <Link to={link} className="hover:text-indigo-700 hover:underline">
                          {describeEntry(entry)}
                        </Link>
                      ) : (
                        describeEntry(entry)
                      )}
                    </TD>
                    <TD className="font-mono text-xs whitespace-nowrap text-slate-500">
                      {entry.ip ?? '—'}
                    </TD>
                  </tr>
                );
              })}
            </TBody>
          </Table>
          <LoadMore {...log} />
        </>
      )}
    </Card>
  );
}

export function AuditLogPage() {
  const isAdmin = useCan('admin');
  const session = useSession();
  return (
    <>
      <PageHeader
        title="Audit log"
        description="Who changed what in this organization: campaigns started and cancelled, members and roles, API keys, senders, contact exports and erasures."
      />
      {isAdmin ? (
        <AuditLogTable />
      ) : (
        <Card>
          <EmptyState
            icon={Lock}
            title="Only admins can see the audit log"
            description={`Ask an admin or owner of ${session?.organization.name ?? 'this organization'} if you need to know who changed something.`}
          />
        </Card>
      )}
    </>
  );
}
