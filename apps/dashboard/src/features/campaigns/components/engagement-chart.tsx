import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { CampaignStats, Granularity } from '../api';
import { DAY_MS, fillSeries, HOUR_MS } from '../metrics';

const SERIES_COLORS = { opens: '#6366f1', clicks: '#10b981' } as const;

const hourFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** Engagement over time: opens and clicks by people, per hour or per day. */
export function EngagementChart({
  points,
  granularity,
}: {
  points: CampaignStats['series']['points'];
  granularity: Granularity;
}) {
  const step = granularity === 'hour' ? HOUR_MS : DAY_MS;
  const first = points[0] ? new Date(points[0].at).getTime() : Date.now();
  // The first two days hour by hour (or a month day by day), up to now: a campaign sent this
  // morning shows its quiet hours since, not one lonely bar.
  const until = Math.min(Date.now(), first + (granularity === 'hour' ? 47 : 30) * step);
  const data = fillSeries(points, step, (at) => ({ at, sent: 0, opens: 0, clicks: 0 }), {
    until,
  }).map((point) => ({ ...point, time: new Date(point.at).getTime() }));
  const tick = (time: number) =>
    granularity === 'hour' ? hourFormat.format(time) : dayFormat.format(time);
  return (
    <div className="h-64" role="img" aria-label={`Opens and clicks per ${granularity}`}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
          <CartesianGrid vertical={false} stroke="#e2e8f0" />
          <XAxis
            dataKey="time"
            tickFormatter={tick}
            tick={{ fontSize: 12, fill: '#475569' }}
            tickLine={false}
            axisLine={false}
            minTickGap={24}
          />
          <YAxis
            allowDecimals={false}
            tick={{ fontSize: 12, fill: '#64748b' }}
            tickLine={false}
            axisLine={false}
          />
          <Tooltip
            cursor={{ fill: '#f1f5f9' }}
            labelFormatter={(time) => fullFormat.format(Number(time))}
            contentStyle={{ borderRadius: 8, borderColor: '#e2e8f0', fontSize: 13 }}
          />
          <Legend
            itemSorter={null}
            iconType="circle"
            iconSize={8}
            wrapperStyle={{ fontSize: 13 }}
          />
          <Bar
            dataKey="opens"
            name="Opens"
            fill={SERIES_COLORS.opens}
            maxBarSize={32}
            isAnimationActive={false}
          />
          <Bar
            dataKey="clicks"
            name="Clicks"
            fill={SERIES_COLORS.clicks}
            maxBarSize={32}
            isAnimationActive={false}
          />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
