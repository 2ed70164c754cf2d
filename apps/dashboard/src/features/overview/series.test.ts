import { describe, expect, it } from 'vitest';
import { everyDay } from './series';

describe('overview series', () => {
  it('has one point per day up to today, zero on the quiet ones', () => {
    const now = Date.parse('2027-03-10T15:30:00Z');
    const days = everyDay(
      [
        { day: '2027-03-08T00:00:00.000Z', sent: 5, opens: 2, clicks: 1, unsubscribes: 0 },
        { day: '2027-03-10T00:00:00.000Z', sent: 0, opens: 1, clicks: 0, unsubscribes: 1 },
      ],
      4,
      now,
    );
    expect(days.map((d) => [d.day.slice(0, 10), d.sent, d.opens])).toEqual([
      ['2027-03-07', 0, 0],
      ['2027-03-08', 5, 2],
      ['2027-03-09', 0, 0],
      ['2027-03-10', 0, 1],
    ]);
  });
});
