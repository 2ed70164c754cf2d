import type { Campaign } from './api';

/** Messages finished one way or another: sent, failed, bounced or cancelled. */
export function finished(progress: Campaign['progress']): number {
  return progress.sent + progress.failed + progress.bounced + progress.cancelled;
}

const percentFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

/** A 0–1 rate as "33.3 %"; tiny non-zero rates as "< 0.1 %" rather than a misleading 0. */
export function formatRate(rate: number): string {
  if (rate > 0 && rate < 0.0005) return '< 0.1 %';
  return `${percentFormat.format(rate * 100)} %`;
}

export interface ProgressSample {
  /** Milliseconds since the epoch. */
  at: number;
  finished: number;
}

/**
 * Messages per second over the last `windowMs`, from progress readings taken as they came in
 * (each realtime batch, or each poll). Null until two readings at least a second apart exist.
 */
export function sendRate(
  samples: readonly ProgressSample[],
  now: number,
  windowMs = 10_000,
): number | null {
  const recent = samples.filter((sample) => sample.at >= now - windowMs);
  // With one reading inside the window (a slow poll), the one before it is the baseline.
  const baseline =
    recent.length < 2 ? samples.filter((sample) => sample.at < now - windowMs).at(-1) : undefined;
  const points = baseline ? [baseline, ...recent] : recent;
  const first = points[0];
  const last = points.at(-1);
  if (!first || !last || last.at - first.at < 1000) return null;
  const elapsed = (Math.max(now, last.at) - first.at) / 1000;
  return Math.max(0, last.finished - first.finished) / elapsed;
}

const rateFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

/** "12.5 messages/s", "< 0.1 messages/s". */
export function formatSendRate(rate: number): string {
  if (rate > 0 && rate < 0.05) return '< 0.1 messages/s';
  return `${rateFormat.format(rate)} messages/s`;
}

export interface SeriesPoint {
  at: string;
  [series: string]: number | string;
}

/**
 * A series with the empty hours (or days) between its points filled with zeros, so a chart's
 * x-axis keeps time evenly and a quiet hour shows as zero instead of a line across it.
 * Left as it is when filling would take more than `maxPoints`.
 */
export function fillSeries<P extends SeriesPoint>(
  points: readonly P[],
  stepMs: number,
  zero: (at: string) => P,
  { until, maxPoints = 24 * 62 }: { until?: number | undefined; maxPoints?: number } = {},
): P[] {
  if (points.length === 0) return [];
  const byTime = new Map(points.map((point) => [new Date(point.at).getTime(), point]));
  const first = new Date(points[0]!.at).getTime();
  const lastPoint = new Date(points.at(-1)!.at).getTime();
  // Up to `until` (the current hour, say), so the axis shows the time since the last event too.
  const last =
    until === undefined
      ? lastPoint
      : Math.max(lastPoint, first + Math.floor((until - first) / stepMs) * stepMs);
  if ((last - first) / stepMs > maxPoints) return [...points];
  const filled: P[] = [];
  for (let at = first; at <= last; at += stepMs) {
    filled.push(byTime.get(at) ?? zero(new Date(at).toISOString()));
  }
  return filled;
}

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
