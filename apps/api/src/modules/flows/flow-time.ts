import { isValidTimezone, nextWindowOpening } from '../senders/window.js';

/** Calendar arithmetic in a timezone, for waits and date-attribute triggers. */

const dateFormatters = new Map<string, Intl.DateTimeFormat>();
function partsFormatter(timezone: string): Intl.DateTimeFormat {
  let f = dateFormatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    if (dateFormatters.size > 500) dateFormatters.clear();
    dateFormatters.set(timezone, f);
  }
  return f;
}

function localParts(at: Date, timezone: string) {
  const parts = partsFormatter(timezone).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  };
}

/** The contact's timezone when it is a real one, else the fallback. */
export function timezoneFor(contactTimezone: string | null | undefined, fallback: string): string {
  return contactTimezone && isValidTimezone(contactTimezone) ? contactTimezone : fallback;
}

/** YYYY-MM-DD of `at` on the calendar of `timezone`. */
export function localDate(at: Date, timezone: string): string {
  const p = localParts(at, timezone);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** YYYY-MM-DD shifted by whole days. */
export function addDays(date: string, days: number): string {
  const t = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** The instant the clock in `timezone` shows `hhmm` on `date` (YYYY-MM-DD). */
export function zonedTime(date: string, hhmm: string, timezone: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm] = hhmm.split(':').map(Number) as [number, number];
  const wanted = Date.UTC(y, m - 1, d, hh, mm);
  // The zone's offset at a guess, applied twice so an instant near a DST change settles.
  let guess = wanted;
  for (let i = 0; i < 2; i++) {
    const p = localParts(new Date(guess), timezone);
    const shown = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
    guess += wanted - shown;
  }
  return new Date(guess);
}

/** The next time (at or after `from`) the clock in `timezone` shows `at`, on one of `days`. */
export function nextTimeOfDay(
  from: Date,
  at: string,
  timezone: string,
  days: readonly number[] = [1, 2, 3, 4, 5, 6, 7],
): Date {
  const minutes = Number(at.slice(0, 2)) * 60 + Number(at.slice(3, 5)) + 1;
  const end = `${String(Math.floor(minutes / 60) % 24).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
  return nextWindowOpening({ days, start: at, end, timezone }, from) ?? from;
}

/** A date attribute's calendar date: `2024-05-31` or the date part of an ISO timestamp. */
export function attributeDate(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const match = /^(\d{4}-\d{2}-\d{2})/.exec(value);
  if (!match || Number.isNaN(Date.parse(`${match[1]}T00:00:00Z`))) return null;
  return match[1]!;
}
