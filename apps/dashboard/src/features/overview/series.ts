import type { OverviewDay } from './api';

const DAY_MS = 86_400_000;

/**
 * One point per day for the last `days` days up to `now` (UTC days, as the API groups them),
 * zero where nothing happened: a quiet week shows as a flat line, not as a gap drawn across.
 */
export function everyDay(series: readonly OverviewDay[], days: number, now: number): OverviewDay[] {
  const byDay = new Map(series.map((point) => [new Date(point.day).getTime(), point]));
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  return Array.from({ length: days }, (_, index) => {
    const at = today - (days - 1 - index) * DAY_MS;
    return (
      byDay.get(at) ?? {
        day: new Date(at).toISOString(),
        sent: 0,
        opens: 0,
        clicks: 0,
        unsubscribes: 0,
      }
    );
  });
}
