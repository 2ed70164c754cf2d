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
import type { QueueCounts } from '../api';

export const STATE_COLORS = {
  waiting: '#6366f1',
  delayed: '#f59e0b',
  active: '#10b981',
  failed: '#ef4444',
} as const;

const LABELS: Record<keyof typeof STATE_COLORS, string> = {
  waiting: 'Waiting',
  delayed: 'Delayed',
  active: 'Active',
  failed: 'Failed',
};

/** Work in progress per queue; completed jobs are left out so they don't dwarf the backlog. */
export function QueueChart({ queues }: { queues: QueueCounts[] }) {
  return (
    <div
      className="h-64"
      role="img"
      aria-label="Waiting, delayed, active and failed jobs per queue"
    >
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={queues} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
          <CartesianGrid vertical={false} stroke="#e2e8f0" />
          <XAxis
            dataKey="queue"
            tick={{ fontSize: 12, fill: '#475569' }}
            tickLine={false}
            axisLine={false}
          />
          <YAxis
            allowDecimals={false}
            tick={{ fontSize: 12, fill: '#64748b' }}
            tickLine={false}
            axisLine={false}
          />
          <Tooltip
            cursor={{ fill: '#f1f5f9' }}
            contentStyle={{ borderRadius: 8, borderColor: '#e2e8f0', fontSize: 13 }}
          />
          <Legend
            itemSorter={null}
            iconType="circle"
            iconSize={8}
            wrapperStyle={{ fontSize: 13 }}
          />
          {(Object.keys(STATE_COLORS) as (keyof typeof STATE_COLORS)[]).map((state) => (
            <Bar
              key={state}
              dataKey={state}
              name={LABELS[state]}
              stackId="jobs"
              fill={STATE_COLORS[state]}
              maxBarSize={48}
              isAnimationActive={false}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
