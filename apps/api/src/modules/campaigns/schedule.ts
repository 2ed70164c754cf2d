/**
 * `sendAt` as people write it: an instant with an offset (`2027-03-01T09:00:00Z`), or a wall-clock
 * time (`2027-03-01T09:00`) meant in a timezone. Null when it is neither.
 */
export function zonedLocalToUtc(value: string, timezone: string): Date | null {
  if (/(?:Z|[+-]\d{2}:?\d{2})$/i.test(value)) {
    const at = Date.parse(value);
    return Number.isNaN(at) ? null : new Date(at);
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map((part) => Number(part ?? 0));
  const wall = Date.UTC(y!, mo! - 1, d!, h!, mi!, s!);
  if (Number.isNaN(wall)) return null;
  // The zone's offset at the guessed instant, then once more at the corrected one (DST edges).
  let guess = wall - offsetMs(wall, timezone);
  guess = wall - offsetMs(guess, timezone);
  return new Date(guess);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** How far the zone's wall clock is ahead of UTC at `at`. */
function offsetMs(at: number, timezone: string): number {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timezone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(new Date(at)).map((p) => [p.type, p.value]));
  const wall = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return wall - Math.floor(at / 1000) * 1000;
}
