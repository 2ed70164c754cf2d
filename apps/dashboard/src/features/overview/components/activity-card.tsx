import { Plus, Send } from 'lucide-react';
import { lazy, Suspense } from 'react';
import { Link } from 'react-router';
import { Button } from '../../../components/ui/button';
import { Card, CardHeader } from '../../../components/ui/card';
import { EmptyState } from '../../../components/ui/empty-state';
import { formatNumber } from '../../../lib/format';
import type { Overview } from '../api';
import { everyDay } from '../series';

// Recharts loads with the first chart, not with the overview's own code.
const Sparkline = lazy(() => import('./sparkline'));

const METRICS = [
  { key: 'sent', label: 'Sent', color: '#6366f1' },
  { key: 'opens', label: 'Opens', color: '#0ea5e9' },
  { key: 'clicks', label: 'Clicks', color: '#10b981' },
  { key: 'unsubscribes', label: 'Unsubscribes', color: '#f59e0b' },
] as const;

/** Sends and engagement per day across every campaign, or the way to a first campaign. */
export function ActivityCard({ overview, canEdit }: { overview: Overview; canEdit: boolean }) {
  const hasCampaigns = overview.recentCampaigns.length > 0;
  const days = everyDay(overview.series, overview.days, Date.now());
  return (
    <Card aria-labelledby="activity-heading">
      <CardHeader
        id="activity-heading"
        title={`Last ${overview.days} days`}
        description={
          hasCampaigns
            ? 'Opens and clicks by people across all campaigns; machines’ are left out.'
            : undefined
        }
      />
      {!hasCampaigns ? (
        <EmptyState
          icon={Send}
          title="No campaigns yet"
          description="Your sends, opens, clicks and unsubscribes show here, day by day, once your first campaign goes out."
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
      ) : (
        <dl className="grid gap-px bg-slate-100 sm:grid-cols-2 xl:grid-cols-4">
          {METRICS.map((metric) => (
            <div key={metric.key} className="bg-white px-5 py-4">
              <dt className="flex items-center gap-2 text-sm font-medium text-slate-600">
                <span
                  className="size-2 rounded-full"
                  style={{ backgroundColor: metric.color }}
                  aria-hidden
                />
                {metric.label}
              </dt>
              <dd className="mt-1 text-2xl font-semibold text-slate-900 tabular-nums">
                {formatNumber(overview.totals[metric.key])}
              </dd>
              <dd className="mt-2">
                <Suspense fallback={<div className="h-16" />}>
                  <Sparkline
                    days={days}
                    metric={metric.key}
                    label={metric.label}
                    color={metric.color}
                  />
                </Suspense>
              </dd>
            </div>
          ))}
        </dl>
      )}
    </Card>
  );
}
