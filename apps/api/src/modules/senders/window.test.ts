import { describe, expect, it } from 'vitest';
import { isWithinWindow, nextWindowOpening, type Window } from './window.js';

const weekdays9to5: Window = {
  days: [1, 2, 3, 4, 5],
  start: '09:00',
  end: '17:00',
  timezone: 'America/New_York',
};

describe('sending windows', () => {
  it('is open on the listed days between start and end, in the window’s timezone', () => {
    // Wednesday 2026-03-04 14:30 UTC = 09:30 in New York (EST).
    expect(isWithinWindow(weekdays9to5, new Date('2026-03-04T14:30:00Z'))).toBe(true);
    // 13:30 UTC is 08:30 in New York: not yet.
    expect(isWithinWindow(weekdays9to5, new Date('2026-03-04T13:30:00Z'))).toBe(false);
    // 22:00 UTC is 17:00: the end is exclusive.
    expect(isWithinWindow(weekdays9to5, new Date('2026-03-04T22:00:00Z'))).toBe(false);
    // Saturday.
    expect(isWithinWindow(weekdays9to5, new Date('2026-03-07T15:00:00Z'))).toBe(false);
    // Summer time: 13:30 UTC is 09:30 EDT.
    expect(isWithinWindow(weekdays9to5, new Date('2026-07-01T13:30:00Z'))).toBe(true);
  });

  it('spans midnight when the end is before the start, belonging to the day it starts', () => {
    const nights: Window = { days: [5], start: '22:00', end: '06:00', timezone: 'UTC' };
    expect(isWithinWindow(nights, new Date('2026-03-06T23:00:00Z'))).toBe(true); // Fri 23:00
    expect(isWithinWindow(nights, new Date('2026-03-07T05:59:00Z'))).toBe(true); // Sat 05:59
    expect(isWithinWindow(nights, new Date('2026-03-07T23:00:00Z'))).toBe(false); // Sat 23:00
    expect(isWithinWindow(nights, new Date('2026-03-06T05:00:00Z'))).toBe(false); // Fri 05:00
  });

  it('tells when it next opens, across weekends and daylight-saving changes', () => {
    // Friday 18:00 New York → Monday 09:00 New York.
    expect(nextWindowOpening(weekdays9to5, new Date('2026-03-06T23:00:00Z'))?.toISOString()).toBe(
      '2026-03-09T13:00:00.000Z', // DST started on Sunday 2026-03-08: Monday 09:00 is UTC-4.
    );
    const open = new Date('2026-03-04T15:00:00Z');
    expect(nextWindowOpening(weekdays9to5, open)).toEqual(open);
    const berlin: Window = { days: [7], start: '10:30', end: '11:00', timezone: 'Europe/Berlin' };
    expect(nextWindowOpening(berlin, new Date('2026-03-30T00:00:00Z'))?.toISOString()).toBe(
      '2026-04-05T08:30:00.000Z',
    );
    expect(nextWindowOpening({ ...berlin, days: [] }, open)).toBeNull();
  });
});
