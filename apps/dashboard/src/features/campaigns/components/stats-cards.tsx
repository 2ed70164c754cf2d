import { Bot } from 'lucide-react';
import type { ReactNode } from 'react';
import { formatNumber, pluralize } from '../../../lib/format';
import type { CampaignStats } from '../api';
import { formatRate } from '../metrics';

/** The campaign's numbers; opens and clicks by people, with scanners' counted apart. */
export function StatsCards({
  stats,
  trackOpens,
  trackClicks,
}: {
  stats: CampaignStats;
  trackOpens: boolean;
  trackClicks: boolean;
}) {
  const share = (n: number) =>
    stats.recipients > 0 ? `${formatRate(n / stats.recipients)} of recipients` : undefined;
  const machine = [
    stats.opens.machine > 0 && pluralize(stats.opens.machine, 'open'),
    stats.clicks.machine > 0 && pluralize(stats.clicks.machine, 'click'),
  ].filter(Boolean);
  return (
    <div className="space-y-3">
      <dl className="grid grid-cols-2 gap-4 md:grid-cols-3 2xl:grid-cols-6">
        <Stat label="Recipients" value={stats.recipients}>
          {stats.pending > 0 ? `${formatNumber(stats.pending)} still to send` : 'All handled'}
        </Stat>
        <Stat label="Sent" value={stats.sent}>
          {share(stats.sent) ?? 'Accepted by the receiving server'}
        </Stat>
        <Stat
          label="Failed or bounced"
          value={stats.failed + stats.bounced}
          tone={stats.failed + stats.bounced > 0 ? 'danger' : undefined}
        >
          {formatNumber(stats.failed)} failed · {formatNumber(stats.bounced)} bounced
        </Stat>
        <Stat label="Unique opens" value={trackOpens ? stats.opens.unique : null}>
          {trackOpens
            ? `${formatRate(stats.rates.open)} open rate · ${formatNumber(stats.opens.total)} in all`
            : 'Open tracking is off'}
        </Stat>
        <Stat label="Unique clicks" value={trackClicks ? stats.clicks.unique : null}>
          {trackClicks
            ? `${formatRate(stats.rates.click)} click rate · ${formatRate(stats.rates.clickToOpen)} of openers`
            : 'Click tracking is off'}
        </Stat>
        <Stat label="Unsubscribes" value={stats.unsubscribes}>
          {formatRate(stats.rates.unsubscribe)}
          {stats.complaints > 0 && ` · ${pluralize(stats.complaints, 'complaint')}`}
        </Stat>
      </dl>
      {machine.length > 0 && (
        <p className="flex items-start gap-2 text-sm text-slate-600">
          <Bot className="mt-0.5 size-4 shrink-0 text-slate-400" aria-hidden />
          <span>
            Not counted above: {machine.join(' and ')} by machines (security scanners and privacy
            proxies that fetch every image and link as mail arrives).
          </span>
        </p>
      )}
    </div>
  );
}

function Stat({
  label,
  value,
  tone,
  children,
}: {
  label: string;
  value: number | null;
  tone?: 'danger' | undefined;
  children: ReactNode;
}) {
  return (
    <div className="rounded-xl border border-slate-200 bg-white px-4 py-3 shadow-xs">
      <dt className="text-sm font-medium text-slate-600">{label}</dt>
      <dd
        className={
          tone === 'danger'
            ? 'mt-1 text-2xl font-semibold text-red-700 tabular-nums'
            : 'mt-1 text-2xl font-semibold text-slate-900 tabular-nums'
        }
      >
        {value === null ? '—' : formatNumber(value)}
      </dd>
      <dd className="mt-0.5 text-xs text-slate-500">{children}</dd>
    </div>
  );
}
