/**
 * Sending windows: the days and hours, in a timezone, when a sender (or a campaign) may send.
 * Days are ISO weekdays, 1 = Monday … 7 = Sunday. A window whose end is not after its start
 * spans midnight (22:00–06:00), and belongs to the day it starts on.
 */
export interface Window {
  days: readonly number[];
  /** HH:MM, 24-hour. */
  start: string;
  end: string;
  timezone: string;
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timezone, f);
  }
  return f;
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** Weekday (1–7) and minute of the day at `at` in `timezone`. */
function localTime(at: Date, timezone: string): { day: number; minute: number } {
  const parts = formatter(timezone).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return {
    day: WEEKDAYS[get('weekday')] ?? 1,
    minute: Number(get('hour')) * 60 + Number(get('minute')),
  };
}

export function isWithinWindow(window: Window, at: Date): boolean {
  const { day, minute } = localTime(at, window.timezone);
  const start = minutesOf(window.start);
  const end = minutesOf(window.end);
  if (end > start) return window.days.includes(day) && minute >= start && minute < end;
  // Spans midnight: the late part belongs to today, the early part to yesterday's window.
  const yesterday = day === 1 ? 7 : day - 1;
  return (
    (window.days.includes(day) && minute >= start) ||
    (window.days.includes(yesterday) && minute < end)
  );
}

/**
 * When the window next opens at or after `from` (minute precision), or `from` itself when it is
 * open; null when the window has no days. Scans minute boundaries day by day, so daylight-saving
 * shifts are handled by the timezone database rather than by arithmetic here.
 */
export function nextWindowOpening(window: Window, from: Date): Date | null {
  if (window.days.length === 0) return null;
  if (isWithinWindow(window, from)) return from;
  const start = minutesOf(window.start);
  let probe = new Date(Math.ceil(from.getTime() / 60_000) * 60_000);
  // Eight days always contain the next opening; step to each day's start time.
  for (let i = 0; i < 8 * 24 * 4; i++) {
    const { minute } = localTime(probe, window.timezone);
    const delta = (start - minute + 1440) % 1440;
    probe = new Date(probe.getTime() + (delta === 0 ? 0 : delta * 60_000));
    if (isWithinWindow(window, probe)) return probe;
    // A DST jump can land just past the start; nudge forward a quarter hour and look again.
    probe = new Date(probe.getTime() + 15 * 60_000);
  }
  return null;
}

export function isValidTimezone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
