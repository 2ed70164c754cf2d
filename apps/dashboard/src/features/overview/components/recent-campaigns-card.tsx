import { ArrowRight } from 'lucide-react';
import { Link } from 'react-router';
import { Card, CardHeader } from '../../../components/ui/card';
import { formatDateTime, formatNumber, formatRelative } from '../../../lib/format';
import { CampaignStatusBadge } from '../../campaigns/components/campaign-status-badge';
import type { RecentCampaign } from '../api';

/** The latest campaigns, each a link to its page (or, for a draft, to its wizard). */
export function RecentCampaignsCard({ campaigns }: { campaigns: RecentCampaign[] }) {
  return (
    <Card aria-labelledby="recent-heading">
      <CardHeader id="recent-heading" title="Recent campaigns" />
      <ul className="divide-y divide-slate-100">
        {campaigns.map((campaign) => {
          const at = campaign.finishedAt ?? campaign.startedAt ?? campaign.createdAt;
          return (
            <li key={campaign.id} className="px-5 py-3">
              <div className="flex items-center justify-between gap-3">
                <Link
                  to={
                    campaign.status === 'draft'
                      ? `/campaigns/${campaign.id}/edit`
                      : `/campaigns/${campaign.id}`
                  }
                  className="min-w-0 truncate text-sm font-medium text-slate-900 hover:text-indigo-700 hover:underline"
                  title={campaign.name}
                >
                  {campaign.name}
                </Link>
                <CampaignStatusBadge status={campaign.status} />
              </div>
              <p className="mt-0.5 text-xs text-slate-500">
                {campaign.recipients > 0
                  ? `${formatNumber(campaign.sent)} of ${formatNumber(campaign.recipients)} sent · `
                  : ''}
                <time dateTime={at} title={formatDateTime(at)}>
                  {formatRelative(at)}
                </time>
              </p>
            </li>
          );
        })}
      </ul>
      <div className="border-t border-slate-100 px-5 py-3">
        <Link
          to="/campaigns"
          className="inline-flex items-center gap-1.5 rounded text-sm font-medium text-indigo-700 hover:text-indigo-600"
        >
          All campaigns
          <ArrowRight className="size-3.5" aria-hidden />
        </Link>
      </div>
    </Card>
  );
}
