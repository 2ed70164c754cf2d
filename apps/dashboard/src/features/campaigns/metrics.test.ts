import { describe, expect, it } from 'vitest';
import { can, isSettled } from './lifecycle';
import { fillSeries, formatRate, formatSendRate, HOUR_MS, sendRate } from './metrics';

describe('campaign metrics', () => {
  it('formats rates the way people read them', () => {
    expect(formatRate(1 / 3)).toBe('33.3 %');
    expect(formatRate(0)).toBe('0 %');
    expect(formatRate(1)).toBe('100 %');
    expect(formatRate(0.0001)).toBe('< 0.1 %');
    expect(formatSendRate(12.34)).toBe('12.3 messages/s');
    expect(formatSendRate(0.01)).toBe('< 0.1 messages/s');
  });

  it('measures messages per second over the recent readings', () => {
    const t = 1_000_000;
    expect(sendRate([], t)).toBeNull();
    expect(sendRate([{ at: t, finished: 10 }], t)).toBeNull();
    const steady = [
      { at: t - 4000, finished: 0 },
      { at: t - 2000, finished: 20 },
      { at: t, finished: 40 },
    ];
    expect(sendRate(steady, t)).toBe(10);
    // Readings older than the window drop out.
    const old = [{ at: t - 60_000, finished: 0 }, ...steady.map((s) => ({ ...s }))];
    expect(sendRate(old, t)).toBe(10);
    // No new reading for a while: the rate falls instead of freezing at its last value.
    expect(sendRate(steady, t + 4000)).toBe(5);
    const sparse = [
      { at: t - 15_000, finished: 0 },
      { at: t, finished: 30 },
    ];
    expect(sendRate(sparse, t)).toBe(2);
  });

  it('fills quiet hours with zeros so the chart keeps time evenly', () => {
    const zero = (at: string) => ({ at, opens: 0 });
    const points = [
      { at: '2027-03-01T09:00:00.000Z', opens: 3 },
      { at: '2027-03-01T12:00:00.000Z', opens: 1 },
    ];
    expect(fillSeries(points, HOUR_MS, zero)).toEqual([
      { at: '2027-03-01T09:00:00.000Z', opens: 3 },
      { at: '2027-03-01T10:00:00.000Z', opens: 0 },
      { at: '2027-03-01T11:00:00.000Z', opens: 0 },
      { at: '2027-03-01T12:00:00.000Z', opens: 1 },
    ]);
    expect(fillSeries(points.slice(0, 1), HOUR_MS, zero)).toEqual(points.slice(0, 1));
    // Carried on to a later moment (now), in whole steps.
    const until = Date.parse('2027-03-01T14:30:00.000Z');
    expect(fillSeries(points, HOUR_MS, zero, { until }).map((p) => p.at.slice(11, 13))).toEqual([
      '09',
      '10',
      '11',
      '12',
      '13',
      '14',
    ]);
    // Too many steps to fill: the points as they came.
    expect(fillSeries(points, 60_000, zero, { maxPoints: 10 })).toEqual(points);
  });

  it('offers only the actions the API allows in each status', () => {
    expect(can('sending', 'pause')).toBe(true);
    expect(can('paused', 'pause')).toBe(false);
    expect(can('paused', 'resume')).toBe(true);
    expect(can('sent', 'cancel')).toBe(false);
    expect(can('draft', 'followUp')).toBe(false);
    expect(can('sending', 'delete')).toBe(false);
    expect(can('scheduled', 'edit')).toBe(true);
    expect(isSettled('sending')).toBe(false);
    expect(isSettled('sent')).toBe(true);
  });
});
