import type { AttributeType } from './mapping.js';

export type Checked<K extends string, T> =
  ({ ok: true } & { [key in K]: T }) | { ok: false; reason: string };

export type ContactStatus = 'subscribed' | 'unsubscribed' | 'bounced' | 'complained' | 'blocked';

export type AttributeValue = string | number | boolean;

export interface CoerceOptions {
  /**
   * How to read a date like 03/05/2024 whose day and month are both ≤ 12. Without it such
   * dates are rejected as ambiguous. Dates with dots (03.05.2024) are always day-first.
   */
  dateOrder?: 'dmy' | 'mdy';
}

const fail = (reason: string) => ({ ok: false as const, reason });

// Every helper rejects a blank cell with reason 'empty'; the import decides whether a blank
// optional column means "leave unchanged".

/**
 * Cleans an address as pasted from spreadsheets and mail clients (`<a@b.c>`, `"a@b.c"`,
 * `Jane <a@b.c>`, `mailto:a@b.c`) and validates it. Only the domain is lowercased: the local
 * part is case-sensitive by RFC 5321, and uniqueness is compared case-insensitively elsewhere.
 */
export function normalizeEmail(raw: string): Checked<'email', string> {
  const plain = plainAsciiEmail(raw);
  if (plain !== null) return { ok: true, email: plain };
  let value = raw.trim();
  for (let previous = ''; previous !== value;) {
    previous = value;
    const named = /^[^<>]*<([^<>]*)>$/.exec(value);
    if (named) value = named[1]!.trim();
    if (/^(["']).*\1$/s.test(value) && value.length >= 2) value = value.slice(1, -1).trim();
    if (/^mailto:/i.test(value)) value = value.slice('mailto:'.length).trim();
  }

  if (value === '') return fail('empty');
  if (value.length > 254) return fail('longer than 254 characters');
  if (/\s/.test(value)) return fail('contains spaces');
  const at = value.indexOf('@');
  if (at === -1) return fail('missing @');
  if (value.indexOf('@', at + 1) !== -1) return fail('more than one @');
  const local = value.slice(0, at);
  const domain = value.slice(at + 1).toLowerCase();
  if (local === '') return fail('nothing before @');
  if (domain === '') return fail('nothing after @');
  if (local.length > 64) return fail('part before @ is longer than 64 characters');
  if (value.includes('..')) return fail('double dot');
  if (local.startsWith('.') || local.endsWith('.')) {
    return fail('part before @ starts or ends with a dot');
  }
  const badLocal = /[^\p{L}\p{M}\p{N}!#$%&'*+/=?^_`{|}~.-]/u.exec(local);
  if (badLocal) return fail(`invalid character "${badLocal[0]}" before @`);
  if (domain.startsWith('.') || domain.endsWith('.')) {
    return fail('domain starts or ends with a dot');
  }
  const labels = domain.split('.');
  if (labels.length < 2) return fail('domain has no dot');
  for (const label of labels) {
    if (label.length > 63) return fail(`domain label "${label}" is longer than 63 characters`);
    if (!/^[\p{L}\p{N}](?:[\p{L}\p{M}\p{N}-]*[\p{L}\p{M}\p{N}])?$/u.test(label)) {
      return fail(`invalid domain label "${label}"`);
    }
  }
  const tld = labels[labels.length - 1]!;
  if (!/^(?:\p{L}[\p{L}\p{M}]+|xn--[a-z0-9-]+)$/u.test(tld)) {
    return fail(`invalid top-level domain "${tld}"`);
  }
  return { ok: true, email: `${local}@${domain}` };
}

// Character classes of the plain-ASCII fast path, by char code.
const LOCAL_CHARS = new Uint8Array(128);
const DOMAIN_CHARS = new Uint8Array(128);
for (const c of "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~.-")
  LOCAL_CHARS[c.charCodeAt(0)] = 1;
for (const c of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-')
  DOMAIN_CHARS[c.charCodeAt(0)] = 1;
const isAlnum = (c: number) =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/**
 * Nearly every address in a real file is plain ASCII (`jane.doe+x@mail.example.com`). This one
 * pass over the char codes accepts exactly those, with the same rules as the full check below,
 * and returns null for anything else — non-ASCII, wrappers like `<…>` or `mailto:`, and every
 * invalid address — so the full check alone decides those and words the reason. A CSV import
 * spends most of its per-row time here otherwise (unicode-property regexes, measured).
 */
function plainAsciiEmail(value: string): string | null {
  const length = value.length;
  if (length === 0 || length > 254) return null;
  let at = -1;
  let previous = 0;
  for (let i = 0; i < length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 128) return null;
    if (c === 64) {
      if (at !== -1) return null;
      at = i;
    } else if (at === -1 ? LOCAL_CHARS[c] !== 1 : DOMAIN_CHARS[c] !== 1) return null;
    if (c === 46 && previous === 46) return null;
    previous = c;
  }
  if (at < 1 || at > 64 || at === length - 1) return null;
  if (value.charCodeAt(0) === 46 || value.charCodeAt(at - 1) === 46) return null;
  // Domain labels: 1–63 characters, letters/digits/hyphens, no hyphen at either end.
  let labelStart = at + 1;
  let labels = 0;
  for (let i = at + 1; i <= length; i++) {
    if (i < length && value.charCodeAt(i) !== 46) continue;
    const labelLength = i - labelStart;
    if (labelLength === 0 || labelLength > 63) return null;
    if (!isAlnum(value.charCodeAt(labelStart)) || !isAlnum(value.charCodeAt(i - 1))) return null;
    labels += 1;
    if (i === length) {
      // Top-level domain: letters only here; `xn--` ones take the full check.
      if (labelLength < 2) return null;
      for (let j = labelStart; j < i; j++) if (!isLetter(value.charCodeAt(j))) return null;
    }
    labelStart = i + 1;
  }
  if (labels < 2) return null;
  const domain = value.slice(at + 1);
  const lower = domain.toLowerCase();
  return lower === domain ? value : value.slice(0, at + 1) + lower;
}

/**
 * Converts a cell to a custom field's type. Numbers: `1234.5`, `-3`, `1e3`, grouped
 * `1,234,567.89` or `1.234.567,89`, decimal comma `1,5`; `1,234` is rejected as ambiguous.
 * Booleans: yes/no, true/false, 1/0, y/n. Dates: `YYYY-MM-DD` → `YYYY-MM-DD`; ISO date-times
 * (`T` or space, optional offset; none means UTC) → ISO string in UTC; `YYYY/MM/DD` (or with - or . and unpadded);
 * `DD.MM.YYYY`; `DD/MM/YYYY` or `MM/DD/YYYY` when only one reading is a real date, otherwise
 * by `options.dateOrder`. Strings are trimmed.
 */
export function coerceAttribute(
  raw: string,
  type: AttributeType,
  options: CoerceOptions = {},
): Checked<'value', AttributeValue> {
  const value = raw.trim();
  if (value === '') return fail('empty');
  switch (type) {
    case 'string':
      return { ok: true, value };
    case 'number':
      return coerceNumber(value);
    case 'boolean':
      return coerceBoolean(value);
    case 'date':
      return coerceDate(value, options.dateOrder);
  }
}

function coerceNumber(value: string): Checked<'value', number> {
  let text = value;
  if (/^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/.test(text) && !/^[+-]?\d{1,3},\d{3}$/.test(text)) {
    text = text.replaceAll(',', '');
  } else if (/^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$/.test(text) && /,|\..*\./.test(text)) {
    text = text.replaceAll('.', '').replace(',', '.');
  } else if (/^[+-]?\d+,\d+$/.test(text)) {
    if (/^[+-]?\d{1,3},\d{3}$/.test(text)) {
      return fail(`ambiguous number "${value}": thousands separator or decimal comma`);
    }
    text = text.replace(',', '.');
  }
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) return fail('not a number');
  const number = Number(text);
  if (!Number.isFinite(number)) return fail('number out of range');
  return { ok: true, value: number };
}

const BOOLEANS = new Map<string, boolean>([
  ['yes', true],
  ['y', true],
  ['true', true],
  ['1', true],
  ['no', false],
  ['n', false],
  ['false', false],
  ['0', false],
]);

function coerceBoolean(value: string): Checked<'value', boolean> {
  const parsed = BOOLEANS.get(value.toLowerCase());
  if (parsed === undefined) return fail('not a yes/no value (use yes, no, true, false, 1 or 0)');
  return { ok: true, value: parsed };
}

const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/i;
const YEAR_FIRST = /^(\d{4})([/.-])(\d{1,2})\2(\d{1,2})$/;
const YEAR_LAST = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

function coerceDate(value: string, dateOrder?: 'dmy' | 'mdy'): Checked<'value', string> {
  const iso = ISO_DATE_TIME.exec(value);
  if (iso) {
    const [, y, mo, d, h, mi, s, fraction, offset] = iso;
    if (h === undefined) return buildDate(+y!, +mo!, +d!);
    const ms = fraction ? Math.round(Number(`0.${fraction}`) * 1000) : 0;
    return buildDateTime(+y!, +mo!, +d!, +h, +mi!, s ? +s : 0, ms, offset);
  }
  const yearFirst = YEAR_FIRST.exec(value);
  if (yearFirst) return buildDate(+yearFirst[1]!, +yearFirst[3]!, +yearFirst[4]!);
  const yearLast = YEAR_LAST.exec(value);
  if (yearLast) {
    const [, a, separator, b, y, h, mi, s] = yearLast;
    const first = +a!;
    const second = +b!;
    let order = dateOrder;
    if (separator === '.' || first === second || first > 12) order = 'dmy';
    else if (second > 12) order = 'mdy';
    if (order === undefined) {
      return fail(`ambiguous date "${value}": day/month or month/day; set the date order`);
    }
    const [day, month] = order === 'dmy' ? [first, second] : [second, first];
    if (h === undefined) return buildDate(+y!, month, day);
    return buildDateTime(+y!, month, day, +h, +mi!, s ? +s : 0, 0, undefined);
  }
  if (/^\d{1,2}[/.-]\d{1,2}[/.-]\d{2}$/.test(value)) return fail('year must have four digits');
  return fail('not a date (use YYYY-MM-DD)');
}

function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function buildDate(year: number, month: number, day: number): Checked<'value', string> {
  if (!isRealDate(year, month, day)) return fail('no such date');
  const pad = (n: number) => String(n).padStart(2, '0');
  return { ok: true, value: `${String(year).padStart(4, '0')}-${pad(month)}-${pad(day)}` };
}

function buildDateTime(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  ms: number,
  offset: string | undefined,
): Checked<'value', string> {
  if (!isRealDate(year, month, day)) return fail('no such date');
  if (hour > 23 || minute > 59 || second > 59) return fail('no such time');
  let offsetMinutes = 0;
  if (offset !== undefined && offset.toUpperCase() !== 'Z') {
    const digits = offset.replace(':', '');
    const sign = digits.startsWith('-') ? -1 : 1;
    offsetMinutes = sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
  }
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMinutes * 60_000;
  return { ok: true, value: new Date(utc).toISOString() };
}

/**
 * Splits a tags cell on `,` `;` `|`. Mailchimp quotes each tag (`"VIP","Customer"`), so
 * surrounding quotes are dropped. Duplicates are removed case-insensitively, keeping the first
 * spelling; a blank cell gives no tags.
 */
export function parseTags(raw: string): string[] {
  // Most cells are a few plain tags (`vip,beta`): no quotes, no padding, nothing repeated.
  if (!/[";|]/.test(raw)) {
    const parts = raw.split(',');
    if (
      parts.every(isPlainTag) &&
      (parts.length === 1 || new Set(parts.map((p) => p.toLowerCase())).size === parts.length)
    )
      return parts;
  }
  const tags: string[] = [];
  const seen = new Set<string>();
  for (const part of raw.split(/[,;|]/)) {
    const tag = part
      .trim()
      .replace(/^"(.*)"$/s, '$1')
      .trim();
    const key = tag.toLowerCase();
    if (tag === '' || seen.has(key)) continue;
    seen.add(key);
    tags.push(tag);
  }
  return tags;
}

const isPlainTag = (part: string) => part !== '' && part.trim() === part;

/** Bounded so a file full of distinct garbage cannot grow it without limit. */
const timezoneCache = new Map<string, Checked<'timezone', string>>();
const TIMEZONE_CACHE_SIZE = 2000;

/**
 * Accepts IANA names in any letter case and returns ICU's canonical spelling
 * (`america/new_york` → `America/New_York`, `US/Eastern` → `America/New_York`). UTC offsets
 * are rejected: they lose daylight-saving rules, so they are not time zones.
 */
export function normalizeTimezone(raw: string): Checked<'timezone', string> {
  const value = raw.trim();
  if (value === '') return fail('empty');
  const cached = timezoneCache.get(value);
  if (cached) return cached;
  let result: Checked<'timezone', string>;
  if (/^(?:utc|gmt)?\s*[+-]\d/i.test(value)) {
    result = fail(`"${value}" is a UTC offset, not a time zone like Europe/Berlin`);
  } else {
    try {
      const timezone = new Intl.DateTimeFormat('en', { timeZone: value }).resolvedOptions()
        .timeZone;
      result = { ok: true, timezone };
    } catch {
      result = fail(`unknown time zone "${value}"`);
    }
  }
  if (timezoneCache.size >= TIMEZONE_CACHE_SIZE) timezoneCache.clear();
  timezoneCache.set(value, result);
  return result;
}

/**
 * Language tag in canonical form: `de_DE` → `de-DE`, `EN` → `en`. Only tags that start with a
 * two- or three-letter language code pass, so "English" is rejected instead of becoming a
 * private tag.
 */
export function normalizeLocale(raw: string): Checked<'locale', string> {
  const value = raw.trim().replaceAll('_', '-');
  if (value === '') return fail('empty');
  if (!/^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$/i.test(value)) {
    return fail(`"${raw.trim()}" is not a language code like en or de-DE`);
  }
  try {
    return { ok: true, locale: Intl.getCanonicalLocales(value)[0]! };
  } catch {
    return fail(`"${raw.trim()}" is not a valid language code`);
  }
}

/** Status words of common tools, keyed by lowercase letters only ("Opted-out" → optedout). */
const STATUSES = new Map<string, ContactStatus>([
  ['subscribed', 'subscribed'],
  ['subscriber', 'subscribed'],
  ['active', 'subscribed'],
  ['optedin', 'subscribed'],
  ['optin', 'subscribed'],
  ['confirmed', 'subscribed'],
  ['unsubscribed', 'unsubscribed'],
  ['unsubscribe', 'unsubscribed'],
  ['optedout', 'unsubscribed'],
  ['optout', 'unsubscribed'],
  ['bounced', 'bounced'],
  ['bounce', 'bounced'],
  ['hardbounce', 'bounced'],
  ['hardbounced', 'bounced'],
  ['cleaned', 'bounced'],
  ['complained', 'complained'],
  ['complaint', 'complained'],
  ['spam', 'complained'],
  ['spamcomplaint', 'complained'],
  ['markedasspam', 'complained'],
  ['blocked', 'blocked'],
  ['blocklisted', 'blocked'],
  ['blacklisted', 'blocked'],
  ['banned', 'blocked'],
]);

/**
 * Maps a status cell to Herald's statuses. Mailchimp's "pending" (double opt-in never
 * confirmed) is deliberately not subscribed: it is rejected so no one is mailed without consent.
 */
export function normalizeStatus(raw: string): Checked<'status', ContactStatus> {
  const value = raw.trim();
  if (value === '') return fail('empty');
  const status = STATUSES.get(value.toLowerCase().replace(/[^a-z]/g, ''));
  if (status === undefined) {
    return fail(
      `unknown status "${value}" (use subscribed, unsubscribed, bounced, complained or blocked)`,
    );
  }
  return { ok: true, status };
}
