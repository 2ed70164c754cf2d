import { toValue, type FilterImplOptions, type Liquid } from 'liquidjs';
import type { DisplayTimezone } from './context.js';

/**
 * Date filters in the recipient's timezone. The built-in filters format in the engine's fixed
 * zone; these wrappers default to a zone set per render (a Context register, invisible to
 * templates), so one engine serves every recipient.
 *
 * They also keep dates cheap in bulk: given a zone name, LiquidJS calls toLocaleString twice
 * per date, and every %B or %A builds a new Intl.DateTimeFormat (together ~0.5 ms on a small
 * server). Here the offset comes from one cached formatter per zone and is handed to LiquidJS
 * as minutes; plain %a %A %b %B %h %Z are filled in before LiquidJS sees the format. Names
 * are English, as the engines' locale is en-US.
 */

export const TIMEZONE_REGISTER = 'herald:timezone';

type FilterHandler = Extract<FilterImplOptions, (...args: never[]) => unknown>;
type FilterThis = ThisParameterType<FilterHandler>;

/** A date without a time names a calendar day, not an instant: shown in UTC, it never moves. */
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

export function registerDateFilters(engine: Liquid): void {
  const impl = engine.filters.date;
  if (typeof impl !== 'function') throw new Error('LiquidJS has no built-in date filter');
  const builtin: FilterHandler = impl;

  function date(this: FilterThis, value: unknown, format?: unknown, timezone?: unknown): unknown {
    const raw: unknown = toValue(value);
    const ms = instantOf(raw);
    const zone: unknown =
      typeof raw === 'string' && DATE_ONLY.test(raw)
        ? 0
        : (timezone ?? this.context.getRegister<DisplayTimezone>(TIMEZONE_REGISTER, 0));
    // Anything unusual (not a date, a zone of another type) gets LiquidJS's own behaviour.
    if (ms === null || (typeof zone !== 'string' && typeof zone !== 'number')) {
      return builtin.call(this, raw, format, zone) as unknown;
    }
    const offset = typeof zone === 'string' ? offsetMinutes(zone, ms) : zone;
    const pattern: unknown = toValue(format);
    const text =
      pattern === null || pattern === undefined ? this.context.opts.dateFormat : String(pattern);
    const named = fillNames(text, new Date(ms - offset * 60_000), zone);
    return builtin.call(this, ms / 1000, named, offset) as unknown;
  }

  engine.registerFilter('date', date);
  engine.registerFilter('date_to_xmlschema', function (this: FilterThis, value: unknown) {
    return date.call(this, value, '%Y-%m-%dT%H:%M:%S%:z');
  });
  engine.registerFilter('date_to_rfc822', function (this: FilterThis, value: unknown) {
    return date.call(this, value, '%a, %d %b %Y %H:%M:%S %z');
  });
  const toString = (month: string) =>
    function (this: FilterThis, value: unknown, type?: unknown, style?: unknown) {
      const format =
        type !== 'ordinal'
          ? `%d ${month} %Y`
          : style === 'US'
            ? `${month} %-d%q, %Y`
            : `%-d%q ${month} %Y`;
      return date.call(this, value, format);
    };
  engine.registerFilter('date_to_string', toString('%b'));
  engine.registerFilter('date_to_long_string', toString('%B'));
}

/** Milliseconds since the epoch, read the way LiquidJS reads dates; null when not a date. */
function instantOf(raw: unknown): number | null {
  let ms: number;
  if (raw === 'now' || raw === 'today') ms = Date.now();
  else if (typeof raw === 'number') ms = raw * 1000;
  else if (typeof raw === 'string') ms = /^\d+$/.test(raw) ? Number(raw) * 1000 : Date.parse(raw);
  else if (raw instanceof Date) ms = raw.getTime();
  else return null;
  return Number.isFinite(ms) ? ms : null;
}

/** `wall` holds the local date and time in its UTC fields. */
function fillNames(format: string, wall: Date, zone: string | number): string {
  return format.replace(/%%|%([aAbBhZ])/g, (match, code?: string) => {
    const month = MONTHS[wall.getUTCMonth()]!;
    const weekday = WEEKDAYS[wall.getUTCDay()]!;
    switch (code) {
      case 'a':
        return weekday.slice(0, 3);
      case 'A':
        return weekday;
      case 'b':
      case 'h':
        return month.slice(0, 3);
      case 'B':
        return month;
      case 'Z':
        return typeof zone === 'string' ? zone : match;
      default:
        return match;
    }
  });
}

const ZONE_CACHE_SIZE = 1_000;
const zoneFormats = new Map<string, Intl.DateTimeFormat>();

/** Minutes to add to local time to get UTC at that instant (the sign of Date#getTimezoneOffset). */
function offsetMinutes(timeZone: string, ms: number): number {
  let format = zoneFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    if (zoneFormats.size >= ZONE_CACHE_SIZE) zoneFormats.clear();
    zoneFormats.set(timeZone, format);
  }
  const fields: Record<string, number> = {};
  for (const part of format.formatToParts(ms)) fields[part.type] = Number(part.value);
  const wall = Date.UTC(
    fields.year!,
    fields.month! - 1,
    fields.day!,
    fields.hour!,
    fields.minute!,
    fields.second!,
  );
  return Math.round((Math.floor(ms / 1000) * 1000 - wall) / 60_000);
}
