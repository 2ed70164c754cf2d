import { ArrowLeft, ExternalLink, LineChart, Link2, Pencil, Send } from 'lucide-react';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { Button } from '../../../components/ui/button';
import { Card, CardBody, CardHeader } from '../../../components/ui/card';
import { EmptyState } from '../../../components/ui/empty-state';
import { ErrorState } from '../../../components/ui/error-state';
import { PageHeader } from '../../../components/ui/page-header';
import { SegmentedControl } from '../../../components/ui/segmented-control';
import { Spinner } from '../../../components/ui/spinner';
import { Table, TBody, TD, TH, THead } from '../../../components/ui/table';
import { ApiError } from '../../../lib/api-error';
import { formatDateTime, formatNumber } from '../../../lib/format';
import { useCan } from '../../organizations/api';
import { useTemplate, useTemplateVersion } from '../../templates/api';
import {
  useCampaign,
  useCampaignStats,
  type Campaign,
  type CampaignStats,
  type Granularity,
} from '../api';
import { hasStarted, isSettled } from '../lifecycle';
import { useCampaignLiveUpdates } from '../live-updates';
import { CampaignActions } from './campaign-actions';
import { CampaignStatusBadge } from './campaign-status-badge';
import { EngagementChart } from './engagement-chart';
import { ProgressCard } from './progress-card';
import { RecipientsCard } from './recipients-card';
import { StatsCards } from './stats-cards';

/** One campaign: live progress while it sends, then its results. */
export default function CampaignPage() {
  const { id = '' } = useParams();
  const { isLive, pollMs } = useCampaignLiveUpdates();
  const campaign = useCampaign(id, pollMs);

  const back = (
    <Link
      to="/campaigns"
      className="mb-3 inline-flex items-center gap-1.5 rounded text-sm font-medium text-slate-600 hover:text-slate-900"
    >
      <ArrowLeft className="size-4" aria-hidden />
      Campaigns
    </Link>
  );

  if (campaign.isPending) return <Spinner label="Loading campaign…" />;
  if (campaign.isError && !campaign.data) {
    const isMissing =
      campaign.error instanceof ApiError && [400, 404].includes(campaign.error.status);
    return (
      <>
        {back}
        <Card>
          {isMissing ? (
            <EmptyState
              icon={Send}
              title="This campaign doesn’t exist"
              description="It may have been deleted, or the link is incomplete."
              action={
                <Button asChild>
                  <Link to="/campaigns">Go to campaigns</Link>
                </Button>
              }
            />
          ) : (
            <ErrorState error={campaign.error} onRetry={() => void campaign.refetch()} />
          )}
        </Card>
      </>
    );
  }
  return (
    <>
      {back}
      <CampaignView
        campaign={campaign.data}
        readAt={campaign.dataUpdatedAt}
        isLive={isLive}
        pollMs={pollMs}
      />
    </>
  );
}

function CampaignView({
  campaign,
  readAt,
  isLive,
  pollMs,
}: {
  campaign: Campaign;
  readAt: number;
  isLive: boolean;
  pollMs: number;
}) {
  const canEdit = useCan('editor');
  const [granularity, setGranularity] = useState<Granularity>('hour');
  const isStarted = hasStarted(campaign.status);
  const isMoving = !isSettled(campaign.status);
  const stats = useCampaignStats(campaign.id, granularity, {
    enabled: isStarted,
    pollMs: isMoving ? pollMs : false,
  });
  // A started campaign sends the template version fixed at its start, not today's.
  const template = useTemplate(
    campaign.templateVersion === null ? (campaign.templateId ?? undefined) : undefined,
  );
  const version = useTemplateVersion(campaign.templateId ?? '', campaign.templateVersion);
  const subject = campaign.templateId ? (version.data ?? template.data)?.subject : campaign.subject;

  return (
    <>
      <PageHeader
        title={<span className="break-words">{campaign.name}</span>}
        description={
          <span className="flex flex-wrap items-center gap-x-3 gap-y-1">
            <CampaignStatusBadge status={campaign.status} />
            {subject && <span className="min-w-0 break-words">Subject: {subject}</span>}
          </span>
        }
        actions={canEdit && <CampaignActions campaign={campaign} />}
      />
      {campaign.status === 'draft' ? (
        <Card>
          <EmptyState
            icon={Pencil}
            title="This campaign is a draft"
            description="Finish choosing its audience, content and senders, then launch it from the last step."
            action={
              canEdit && (
                <Button asChild>
                  <Link to={`/campaigns/${campaign.id}/edit`}>Continue editing</Link>
                </Button>
              )
            }
          />
        </Card>
      ) : (
        <div className="space-y-6">
          <ProgressCard campaign={campaign} readAt={readAt} isLive={isLive} />
          {isStarted &&
            (stats.isPending ? (
              <Spinner label="Loading statistics…" />
            ) : stats.isError && !stats.data ? (
              <Card>
                <ErrorState error={stats.error} onRetry={() => void stats.refetch()} />
              </Card>
            ) : stats.data ? (
              <>
                <StatsCards
                  stats={stats.data}
                  trackOpens={campaign.trackOpens}
                  trackClicks={campaign.trackClicks}
                />
                <Card aria-labelledby="engagement-heading">
                  <CardHeader
                    id="engagement-heading"
                    title="Opens and clicks over time"
                    description={`By people, per ${granularity}; machines’ are left out.`}
                    actions={
                      <SegmentedControl
                        label="Group by"
                        size="sm"
                        value={granularity}
                        onValueChange={setGranularity}
                        options={[
                          { value: 'hour', label: 'Hourly' },
                          { value: 'day', label: 'Daily' },
                        ]}
                      />
                    }
                  />
                  <CardBody>
                    {stats.data.series.points.some((p) => p.opens + p.clicks > 0) ? (
                      <EngagementChart
                        points={stats.data.series.points}
                        granularity={stats.data.series.granularity}
                      />
                    ) : (
                      <EmptyState
                        icon={LineChart}
                        title="No opens or clicks yet"
                        description={
                          campaign.trackOpens || campaign.trackClicks
                            ? 'They show here as recipients read the email. Most come in the first day.'
                            : 'Tracking is off for this campaign, so there is nothing to chart.'
                        }
                        className="py-8"
                      />
                    )}
                  </CardBody>
                </Card>
                <LinksCard stats={stats.data} trackClicks={campaign.trackClicks} />
              </>
            ) : null)}
          {isStarted && (
            <RecipientsCard campaignId={campaign.id} pollMs={isMoving ? pollMs : false} />
          )}
          <DetailsCard campaign={campaign} />
        </div>
      )}
    </>
  );
}

function LinksCard({ stats, trackClicks }: { stats: CampaignStats; trackClicks: boolean }) {
  return (
    <Card aria-labelledby="links-heading">
      <CardHeader
        id="links-heading"
        title="Links"
        description="Clicks on each link in the email, by people."
      />
      {!trackClicks ? (
        <p className="px-5 py-4 text-sm text-slate-500">Click tracking is off for this campaign.</p>
      ) : stats.links.length === 0 ? (
        <EmptyState
          icon={Link2}
          title="No links tracked yet"
          description="Links are listed as the email goes out; the unsubscribe link isn’t one of them."
          className="py-8"
        />
      ) : (
        <Table aria-label="Links">
          <THead>
            <tr>
              <TH>Link</TH>
              <TH className="text-right">Clicks</TH>
              <TH className="text-right">Unique</TH>
            </tr>
          </THead>
          <TBody>
            {stats.links.map((link) => (
              <tr key={link.id}>
                <TD className="max-w-xl">
                  <a
                    href={link.url}
                    target="_blank"
                    rel="noopener noreferrer"
                    className="flex items-center gap-1.5 rounded text-slate-800 hover:text-indigo-700 hover:underline"
                    title={link.url}
                  >
                    <span className="truncate">{link.url}</span>
                    <ExternalLink className="size-3.5 shrink-0 text-slate-400" aria-hidden />
                  </a>
                </TD>
                <TD className="text-right tabular-nums">{formatNumber(link.clicks)}</TD>
                <TD className="text-right tabular-nums">{formatNumber(link.uniqueClicks)}</TD>
              </tr>
            ))}
          </TBody>
        </Table>
      )}
    </Card>
  );
}

/** How the campaign was set up, for reading back later. */
function DetailsCard({ campaign }: { campaign: Campaign }) {
  const tracked = [campaign.trackOpens && 'opens', campaign.trackClicks && 'clicks'].filter(
    Boolean,
  );
  const rows = [
    ['Created', formatDateTime(campaign.createdAt)],
    campaign.sendAt && ['Send time', formatDateTime(campaign.sendAt)],
    ['Tracking', tracked.length > 0 ? `Tracks ${tracked.join(' and ')}` : 'Nothing tracked'],
    campaign.templateVersion !== null && ['Template version', `v${campaign.templateVersion}`],
    campaign.fromName && ['From name', campaign.fromName],
    campaign.replyTo && ['Reply-to', campaign.replyTo],
  ].filter((row): row is [string, string] => Array.isArray(row));
  return (
    <Card aria-labelledby="details-heading">
      <CardHeader id="details-heading" title="Details" />
      <dl className="grid gap-x-6 gap-y-2 px-5 py-4 text-sm sm:grid-cols-[10rem_minmax(0,1fr)]">
        {rows.map(([label, value]) => (
          <div key={label} className="contents">
            <dt className="text-slate-500">{label}</dt>
            <dd className="break-words text-slate-900">{value}</dd>
          </div>
        ))}
      </dl>
    </Card>
  );
}
