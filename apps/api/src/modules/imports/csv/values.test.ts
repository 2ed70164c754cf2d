import { describe, expect, it } from 'vitest';
import {
  coerceAttribute,
  normalizeEmail,
  normalizeLocale,
  normalizeStatus,
  normalizeTimezone,
  parseTags,
} from './values.js';

describe('normalizeEmail', () => {
  it.each([
    ['jane@example.com', 'jane@example.com'],
    ['  Jane.Doe@Example.COM ', 'Jane.Doe@example.com'],
    ['<jane@example.com>', 'jane@example.com'],
    ['Jane Doe <jane@EXAMPLE.com>', 'jane@example.com'],
    ['"jane@example.com"', 'jane@example.com'],
    ["'jane@example.com'", 'jane@example.com'],
    ['"<jane@example.com>"', 'jane@example.com'],
    ['mailto:jane@example.com', 'jane@example.com'],
    ["o'brien+news@sub.example.co.uk", "o'brien+news@sub.example.co.uk"],
    ['zoë@bücher.de', 'zoë@bücher.de'],
    ['x@xn--bcher-kva.de', 'x@xn--bcher-kva.de'],
  ])('accepts %j as %j', (raw, email) => {
    expect(normalizeEmail(raw)).toEqual({ ok: true, email });
  });

  it.each([
    ['', 'empty'],
    ['  <>  ', 'empty'],
    ['jane.example.com', 'missing @'],
    ['jane@@example.com', 'more than one @'],
    ['jane@doe@example.com', 'more than one @'],
    ['@example.com', 'nothing before @'],
    ['jane@', 'nothing after @'],
    ['jane doe@example.com', 'contains spaces'],
    ['jane@exam ple.com', 'contains spaces'],
    ['jane..doe@example.com', 'double dot'],
    ['jane@example..com', 'double dot'],
    ['.jane@example.com', 'part before @ starts or ends with a dot'],
    ['jane.@example.com', 'part before @ starts or ends with a dot'],
    ['ja(ne)@example.com', 'invalid character "(" before @'],
    ['jane@localhost', 'domain has no dot'],
    ['jane@.example.com', 'domain starts or ends with a dot'],
    ['jane@example.com.', 'domain starts or ends with a dot'],
    ['jane@-example.com', 'invalid domain label "-example"'],
    ['jane@exa_mple.com', 'invalid domain label "exa_mple"'],
    ['jane@example.c', 'invalid top-level domain "c"'],
    ['jane@example.123', 'invalid top-level domain "123"'],
    [`${'a'.repeat(65)}@example.com`, 'part before @ is longer than 64 characters'],
    [`jane@${'a'.repeat(64)}.com`, `domain label "${'a'.repeat(64)}" is longer than 63 characters`],
    [`jane@${'abcdefghi.'.repeat(25)}com`, 'longer than 254 characters'],
  ])('rejects %j: %s', (raw, reason) => {
    expect(normalizeEmail(raw)).toEqual({ ok: false, reason });
  });
});

describe('coerceAttribute', () => {
  it('trims strings and rejects blank cells for every type', () => {
    expect(coerceAttribute('  Acme Inc ', 'string')).toEqual({ ok: true, value: 'Acme Inc' });
    for (const type of ['string', 'number', 'boolean', 'date'] as const) {
      expect(coerceAttribute('  ', type)).toEqual({ ok: false, reason: 'empty' });
    }
  });

  it.each([
    ['42', 42],
    ['-3.5', -3.5],
    ['+7', 7],
    ['.5', 0.5],
    ['1e3', 1000],
    ['1,234,567.89', 1234567.89],
    ['1,234.5', 1234.5],
    ['1.234.567,89', 1234567.89],
    ['1.234,5', 1234.5],
    ['1.234', 1.234],
    ['1,5', 1.5],
    ['-12,75', -12.75],
  ])('reads the number %j', (raw, value) => {
    expect(coerceAttribute(raw, 'number')).toEqual({ ok: true, value });
  });

  it.each([
    ['abc', 'not a number'],
    ['12abc', 'not a number'],
    ['NaN', 'not a number'],
    ['Infinity', 'not a number'],
    ['1,2,3', 'not a number'],
    ['1e999', 'number out of range'],
    ['1,234', 'ambiguous number "1,234": thousands separator or decimal comma'],
  ])('rejects the number %j: %s', (raw, reason) => {
    expect(coerceAttribute(raw, 'number')).toEqual({ ok: false, reason });
  });

  it('reads yes/no values in any case', () => {
    for (const raw of ['yes', 'YES', 'true', 'True', '1', 'y', 'Y']) {
      expect(coerceAttribute(raw, 'boolean'), raw).toEqual({ ok: true, value: true });
    }
    for (const raw of ['no', 'No', 'false', 'FALSE', '0', 'n', 'N']) {
      expect(coerceAttribute(raw, 'boolean'), raw).toEqual({ ok: true, value: false });
    }
    expect(coerceAttribute('maybe', 'boolean')).toEqual({
      ok: false,
      reason: 'not a yes/no value (use yes, no, true, false, 1 or 0)',
    });
  });

  it.each([
    ['2024-03-05', '2024-03-05'],
    ['2024/03/05', '2024-03-05'],
    ['2024-3-5', '2024-03-05'],
    ['2024-02-29', '2024-02-29'],
    ['2019-03-07 18:55:31', '2019-03-07T18:55:31.000Z'],
    ['2024-03-05T10:15', '2024-03-05T10:15:00.000Z'],
    ['2024-03-05T10:15:30.25Z', '2024-03-05T10:15:30.250Z'],
    ['2024-03-05T10:15:30+02:00', '2024-03-05T08:15:30.000Z'],
    ['2024-03-05T00:30:00-0130', '2024-03-05T02:00:00.000Z'],
    ['25/12/2024', '2024-12-25'],
    ['12/25/2024', '2024-12-25'],
    ['05/05/2024', '2024-05-05'],
    ['05.03.2024', '2024-03-05'],
    ['5.3.2024', '2024-03-05'],
    ['25-12-2024', '2024-12-25'],
    ['25/12/2024 14:30', '2024-12-25T14:30:00.000Z'],
  ])('reads the date %j as %j', (raw, value) => {
    expect(coerceAttribute(raw, 'date')).toEqual({ ok: true, value });
  });

  it('rejects day/month-ambiguous dates unless the order is given', () => {
    expect(coerceAttribute('03/05/2024', 'date')).toEqual({
      ok: false,
      reason: 'ambiguous date "03/05/2024": day/month or month/day; set the date order',
    });
    expect(coerceAttribute('03/05/2024', 'date', { dateOrder: 'dmy' })).toEqual({
      ok: true,
      value: '2024-05-03',
    });
    expect(coerceAttribute('03/05/2024', 'date', { dateOrder: 'mdy' })).toEqual({
      ok: true,
      value: '2024-03-05',
    });
    // An unambiguous date ignores a contradicting order rather than failing.
    expect(coerceAttribute('25/12/2024', 'date', { dateOrder: 'mdy' })).toEqual({
      ok: true,
      value: '2024-12-25',
    });
  });

  it.each([
    ['2023-02-29', 'no such date'],
    ['2024-13-01', 'no such date'],
    ['2024-04-31', 'no such date'],
    ['2024-00-10', 'no such date'],
    ['31/31/2024', 'no such date'],
    ['05.13.2024', 'no such date'],
    ['2024-03-05 24:00', 'no such time'],
    ['2024-03-05T10:60', 'no such time'],
    ['5/3/24', 'year must have four digits'],
    ['yesterday', 'not a date (use YYYY-MM-DD)'],
    ['1709596800', 'not a date (use YYYY-MM-DD)'],
  ])('rejects the date %j: %s', (raw, reason) => {
    expect(coerceAttribute(raw, 'date')).toEqual({ ok: false, reason });
  });
});

describe('parseTags', () => {
  it('splits on , ; and |, trims, drops empties and de-duplicates case-insensitively', () => {
    expect(parseTags(' vip, Newsletter ;beta|| VIP ; newsletter ,')).toEqual([
      'vip',
      'Newsletter',
      'beta',
    ]);
  });

  it("unwraps Mailchimp's quoted tags", () => {
    expect(parseTags('"Customer","VIP Club"')).toEqual(['Customer', 'VIP Club']);
  });

  it('returns no tags for a blank cell', () => {
    expect(parseTags('')).toEqual([]);
    expect(parseTags(' ; , ')).toEqual([]);
  });
});

describe('normalizeTimezone', () => {
  it('accepts IANA names in any case and returns the canonical spelling', () => {
    expect(normalizeTimezone('Europe/Berlin')).toEqual({ ok: true, timezone: 'Europe/Berlin' });
    expect(normalizeTimezone(' america/new_york ')).toEqual({
      ok: true,
      timezone: 'America/New_York',
    });
    expect(normalizeTimezone('UTC')).toEqual({ ok: true, timezone: 'UTC' });
  });

  it('rejects unknown names, offsets and blanks with a reason', () => {
    expect(normalizeTimezone('Mars/Olympus')).toEqual({
      ok: false,
      reason: 'unknown time zone "Mars/Olympus"',
    });
    for (const offset of ['+02:00', 'UTC+2', 'GMT-05:00']) {
      expect(normalizeTimezone(offset)).toEqual({
        ok: false,
        reason: `"${offset}" is a UTC offset, not a time zone like Europe/Berlin`,
      });
    }
    expect(normalizeTimezone(' ')).toEqual({ ok: false, reason: 'empty' });
  });
});

describe('normalizeLocale', () => {
  it('canonicalizes language tags', () => {
    expect(normalizeLocale('de_DE')).toEqual({ ok: true, locale: 'de-DE' });
    expect(normalizeLocale('EN')).toEqual({ ok: true, locale: 'en' });
    expect(normalizeLocale('pt-br')).toEqual({ ok: true, locale: 'pt-BR' });
  });

  it('rejects language names and junk', () => {
    expect(normalizeLocale('English')).toEqual({
      ok: false,
      reason: '"English" is not a language code like en or de-DE',
    });
    expect(normalizeLocale('')).toEqual({ ok: false, reason: 'empty' });
  });
});

describe('normalizeStatus', () => {
  it.each([
    ['subscribed', 'subscribed'],
    ['Active', 'subscribed'],
    ['opted-in', 'subscribed'],
    ['UNSUBSCRIBED', 'unsubscribed'],
    ['Opted Out', 'unsubscribed'],
    ['opt-out', 'unsubscribed'],
    ['cleaned', 'bounced'],
    ['Hard bounce', 'bounced'],
    ['complained', 'complained'],
    ['Spam complaint', 'complained'],
    ['blocked', 'blocked'],
    ['blacklisted', 'blocked'],
  ])('maps %j to %s', (raw, status) => {
    expect(normalizeStatus(raw)).toEqual({ ok: true, status });
  });

  it('rejects unknown statuses, including unconfirmed double opt-in', () => {
    expect(normalizeStatus('pending')).toEqual({
      ok: false,
      reason:
        'unknown status "pending" (use subscribed, unsubscribed, bounced, complained or blocked)',
    });
    expect(normalizeStatus('')).toEqual({ ok: false, reason: 'empty' });
  });
});
