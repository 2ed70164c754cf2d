import { Area, AreaChart, ResponsiveContainer, Tooltip, XAxis } from 'recharts';
import { formatNumber } from '../../../lib/format';
import type { OverviewDay } from '../api';

const dayFormat = new Intl.DateTimeFormat(undefined, {
  dateStyle: 'medium',
  timeZone: 'UTC',
});

/** One figure per day as a small area chart, with the day and value on hover. */
export default function Sparkline({
  days,
  metric,
  label,
  color,
}: {
  days: OverviewDay[];
  metric: 'sent' | 'opens' | 'clicks' | 'unsubscribes';
  label: string;
  color: string;
}) {
  return (
    <div className="h-16" role="img" aria-label={`${label} per day`}>
      <ResponsiveContainer width="100%" height="100%">
        <AreaChart data={days} margin={{ top: 4, right: 0, bottom: 0, left: 0 }}>
          <XAxis dataKey="day" hide />
          <Tooltip
            cursor={{ stroke: '#cbd5e1' }}
            labelFormatter={(day) => dayFormat.format(new Date(String(day)))}
            formatter={(value) => [formatNumber(Number(value)), label]}
            contentStyle={{ borderRadius: 8, borderColor: '#e2e8f0', fontSize: 12 }}
          />
          <Area
            type="monotone"
            dataKey={metric}
            stroke={color}
            fill={color}
            fillOpacity={0.15}
            strokeWidth={2}
            isAnimationActive={false}
          />
        </AreaChart>
      </ResponsiveContainer>
    </div>
  );
}
