import clsx from 'clsx';
import { Plus, Search, SearchX, Send, X } from 'lucide-react';
import { useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Button } from '../../../components/ui/button';
import { Card } from '../../../components/ui/card';
import { EmptyState } from '../../../components/ui/empty-state';
import { ErrorState } from '../../../components/ui/error-state';
import { Input } from '../../../components/ui/input';
import { LoadMore } from '../../../components/ui/load-more';
import { PageHeader } from '../../../components/ui/page-header';
import { TableSkeleton } from '../../../components/ui/spinner';
import { Table, TBody, TD, TH, THead } from '../../../components/ui/table';
import { formatDateTime, formatNumber, formatRelative, pluralize } from '../../../lib/format';
import { useDebouncedValue } from '../../../lib/use-debounced-value';
import { useCan } from '../../organizations/api';
import { useAllTemplates, type TemplateSummary } from '../../templates/api';
import { useCampaigns, type Campaign } from '../api';
import { hasStarted, STATUS_FILTERS } from '../lifecycle';
import { useCampaignLiveUpdates } from '../live-updates';
import { formatRate } from '../metrics';
import { CampaignStatusBadge } from './campaign-status-badge';

/** Search and status live in the URL, so a filtered list can be bookmarked and shared. */
function readFilters(params: URLSearchParams) {
  const filter = STATUS_FILTERS.find((f) => f.value === params.get('status')) ?? STATUS_FILTERS[0]!;
  return { search: params.get('q') || undefined, filter };
}

export function CampaignsPage() {
  const [params, setParams] = useSearchParams();
  const { search: query, filter } = useMemo(() => readFilters(params), [params]);
  const campaigns = useCampaigns({ search: query, statuses: filter.statuses });
  const templates = useAllTemplates();
  const templatesById = useMemo(
    () => new Map((templates.data ?? []).map((template) => [template.id, template])),
    [templates.data],
  );
  const canEdit = useCan('editor');
  const [search, setSearch] = useState(query ?? '');
  const typed = useDebouncedValue(search.trim(), 300);
  const hasFilters = Boolean(query) || filter.value !== 'all';
  useCampaignLiveUpdates();

  const setFilters = (next: { search?: string | undefined; status?: string }) => {
    const out = new URLSearchParams();
    const q = 'search' in next ? next.search : query;
    const status = next.status ?? filter.value;
    if (q) out.set('q', q);
    if (status !== 'all') out.set('status', status);
    setParams(out, { replace: true });
  };

  useEffect(() => {
    if ((typed || undefined) !== query) setFilters({ search: typed || undefined });
  }, [typed]);

  const createButton = (
    <Button asChild>
      <Link to="/campaigns/new">
        <Plus className="size-4" aria-hidden />
        New campaign
      </Link>
    </Button>
  );
  const isEmptyAccount = !hasFilters && !campaigns.isPending && campaigns.items.length === 0;

  return (
    <>
      <PageHeader
        title="Campaigns"
        description="One-off sends such as newsletters and announcements: choose who gets it and what they get, send it now or on a schedule, and watch the results come in."
        actions={canEdit && !isEmptyAccount ? createButton : undefined}
      />
      <Card>
        {!isEmptyAccount && !campaigns.isError && (
          <div className="space-y-3 border-b border-slate-200 px-5 py-3">
            <div className="relative">
              <Search
                className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-slate-400"
                aria-hidden
              />
              <Input
                type="search"
                aria-label="Search campaigns"
                placeholder="Search by name"
                className="pl-9"
                value={search}
                onChange={(event) => setSearch(event.target.value)}
              />
            </div>
            <div role="group" aria-label="Status" className="flex flex-wrap gap-1.5">
              {STATUS_FILTERS.map((option) => {
                const isOn = option.value === filter.value;
                return (
                  <button
                    key={option.value}
                    type="button"
                    aria-pressed={isOn}
                    onClick={() => setFilters({ status: option.value })}
                    className={clsx(
                      'h-7 rounded-full px-3 text-sm ring-1 ring-inset transition-colors',
                      isOn
                        ? 'bg-indigo-50 font-medium text-indigo-700 ring-indigo-300'
                        : 'bg-white text-slate-600 ring-slate-300 hover:bg-slate-50',
                    )}
                  >
                    {option.label}
                  </button>
                );
              })}
            </div>
          </div>
        )}
        {campaigns.isPending ? (
          <TableSkeleton rows={4} label="Loading campaigns" />
        ) : campaigns.isError ? (
          <ErrorState error={campaigns.error} onRetry={() => void campaigns.refetch()} />
        ) : campaigns.items.length === 0 ? (
          hasFilters ? (
            <EmptyState
              icon={SearchX}
              title="No campaigns match"
              description="Try another search or status. Search looks at campaign names."
              action={
                <Button
                  variant="secondary"
                  onClick={() => {
                    setSearch('');
                    setParams({}, { replace: true });
                  }}
                >
                  <X className="size-4" aria-hidden />
                  Clear filters
                </Button>
              }
            />
          ) : (
            <EmptyState
              icon={Send}
              title="No campaigns yet"
              description={
                canEdit
                  ? 'A campaign sends one email to a list or segment. Choose who gets it, pick a template, then send it now or schedule it, and watch it go out live.'
                  : 'Editors create and send campaigns. Once they have, their results show here.'
              }
              action={
                canEdit && (
                  <Button asChild>
                    <Link to="/campaigns/new">
                      <Plus className="size-4" aria-hidden />
                      Create your first campaign
                    </Link>
                  </Button>
                )
              }
            />
          )
        ) : (
          <>
            <Table>
              <THead>
                <tr>
                  <TH>Campaign</TH>
                  <TH>Status</TH>
                  <TH className="text-right">Recipients</TH>
                  <TH className="text-right">Sent</TH>
                  <TH className="text-right">Opens</TH>
                  <TH className="text-right">Clicks</TH>
                  <TH>When</TH>
                </tr>
              </THead>
              <TBody>
                {campaigns.items.map((campaign) => (
                  <CampaignRow
                    key={campaign.id}
                    campaign={campaign}
                    template={templatesById.get(campaign.templateId ?? '')}
                  />
                ))}
              </TBody>
            </Table>
            <LoadMore {...campaigns} />
          </>
        )}
      </Card>
    </>
  );
}

/** "2 lists, 1 segment", for a campaign that has no recipients yet. */
function describeAudience(campaign: Campaign): string {
  const { audience } = campaign;
  if (audience.followUp) return 'Follow-up';
  const parts = [
    audience.listIds.length > 0 && pluralize(audience.listIds.length, 'list'),
    audience.segmentIds.length > 0 && pluralize(audience.segmentIds.length, 'segment'),
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : 'Not chosen';
}

function When({ campaign }: { campaign: Campaign }) {
  const [label, iso] =
    campaign.status === 'draft'
      ? ['Edited', campaign.updatedAt]
      : campaign.status === 'scheduled'
        ? ['Sends', campaign.sendAt]
        : campaign.status === 'sending' || campaign.status === 'paused'
          ? ['Started', campaign.startedAt]
          : [campaign.status === 'sent' ? 'Sent' : 'Ended', campaign.finishedAt];
  if (!iso) return <span className="text-slate-400">—</span>;
  return (
    <span className="whitespace-nowrap">
      {label}{' '}
      <time dateTime={iso} title={formatDateTime(iso)}>
        {campaign.status === 'scheduled' ? formatDateTime(iso) : formatRelative(iso)}
      </time>
    </span>
  );
}

function CampaignRow({
  campaign,
  template,
}: {
  campaign: Campaign;
  template: TemplateSummary | undefined;
}) {
  const isStarted = hasStarted(campaign.status) && campaign.progress.recipients > 0;
  const { progress, engagement } = campaign;
  const subject = campaign.templateId ? template?.subject : campaign.subject;
  const href =
    campaign.status === 'draft' ? `/campaigns/${campaign.id}/edit` : `/campaigns/${campaign.id}`;
  const rate = (unique: number, value: number) =>
    !isStarted ? (
      <span className="text-slate-400">—</span>
    ) : (
      <>
        <span className="font-medium text-slate-900">{formatRate(value)}</span>
        <span className="block text-xs text-slate-500">{formatNumber(unique)}</span>
      </>
    );
  return (
    <tr className="hover:bg-slate-50/70">
      <TD className="max-w-sm">
        <Link
          to={href}
          className="block truncate rounded font-medium text-slate-900 hover:text-indigo-700 hover:underline"
          title={campaign.name}
        >
          {campaign.name}
        </Link>
        <p className="truncate text-sm text-slate-500" title={subject ?? undefined}>
          {subject || 'No content yet'}
        </p>
      </TD>
      <TD>
        <div className="flex flex-col items-start gap-1">
          <CampaignStatusBadge status={campaign.status} />
          {(campaign.status === 'sending' || campaign.status === 'paused') && (
            <span className="text-xs text-slate-500 tabular-nums">{progress.percent} %</span>
          )}
        </div>
      </TD>
      <TD className="text-right whitespace-nowrap tabular-nums">
        {isStarted ? (
          formatNumber(progress.recipients)
        ) : (
          <span className="text-slate-500">{describeAudience(campaign)}</span>
        )}
      </TD>
      <TD className="text-right tabular-nums">
        {isStarted ? formatNumber(progress.sent) : <span className="text-slate-400">—</span>}
      </TD>
      <TD className="text-right tabular-nums">{rate(engagement.opened, engagement.openRate)}</TD>
      <TD className="text-right tabular-nums">{rate(engagement.clicked, engagement.clickRate)}</TD>
      <TD>
        <When campaign={campaign} />
      </TD>
    </tr>
  );
}
