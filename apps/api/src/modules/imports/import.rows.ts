import { fastUuidV7 } from '../../platform/ids.js';
import type { CsvRecord } from './csv/reader.js';
import type { ColumnMapping } from './csv/mapping.js';
import {
  coerceAttribute,
  normalizeEmail,
  normalizeLocale,
  normalizeStatus,
  normalizeTimezone,
  parseTags,
  type ContactStatus,
} from './csv/values.js';

/** One valid row, ready for the staging table. */
export interface StagedRow {
  contactId: string;
  line: number;
  email: string;
  emailLower: string;
  firstName: string | null;
  lastName: string | null;
  phone: string | null;
  timezone: string | null;
  locale: string | null;
  status: ContactStatus | null;
  tags: string[] | null;
  attributes: Record<string, unknown> | null;
}

export interface RejectedRow {
  line: number;
  reason: string;
  raw: string;
}

const MAX_TEXT = 500;
const MAX_RAW = 2000;

const clip = (value: string) => (value.length > MAX_TEXT ? value.slice(0, MAX_TEXT) : value);

/**
 * Turns one CSV record into a staged row or a rejection with a reason a person can act on.
 * Blank cells mean "no value": they never overwrite what a contact already has.
 */
export function convertRecord(
  record: CsvRecord,
  columns: readonly ColumnMapping[],
  headerLength: number,
  delimiter: string,
  /** Tags every row gets (the import's options). */
  extraTags: readonly string[] = [],
): StagedRow | RejectedRow {
  const raw = () => record.cells.join(delimiter).slice(0, MAX_RAW);
  const reject = (reason: string): RejectedRow => ({ line: record.line, reason, raw: raw() });
  if (record.error) return reject(record.error);
  if (record.cells.length !== headerLength) {
    return reject(
      `expected ${headerLength} cells, found ${record.cells.length} (${record.cells.length < headerLength ? 'too few' : 'too many'})`,
    );
  }
  const row: StagedRow = {
    contactId: fastUuidV7(),
    line: record.line,
    email: '',
    emailLower: '',
    firstName: null,
    lastName: null,
    phone: null,
    timezone: null,
    locale: null,
    status: null,
    tags: null,
    attributes: null,
  };
  for (const column of columns) {
    const cell = (record.cells[column.index] ?? '').trim();
    const target = column.target;
    if (target.kind === 'ignore' || cell === '') continue;
    if (target.kind === 'attribute') {
      let value: unknown = clip(cell);
      if (target.type) {
        const coerced = coerceAttribute(cell, target.type);
        if (!coerced.ok) return reject(`${column.header}: ${coerced.reason}`);
        value = coerced.value;
      }
      (row.attributes ??= {})[target.key] = value;
      continue;
    }
    switch (target.field) {
      case 'email': {
        const result = normalizeEmail(cell);
        if (!result.ok) return reject(`invalid email "${cell.slice(0, 100)}": ${result.reason}`);
        row.email = result.email;
        row.emailLower = result.email.toLowerCase();
        break;
      }
      case 'firstName':
        row.firstName = clip(cell);
        break;
      case 'lastName':
        row.lastName = clip(cell);
        break;
      case 'phone':
        row.phone = clip(cell);
        break;
      case 'timezone': {
        const result = normalizeTimezone(cell);
        if (!result.ok) return reject(`${column.header}: ${result.reason}`);
        row.timezone = result.timezone;
        break;
      }
      case 'locale': {
        const result = normalizeLocale(cell);
        if (!result.ok) return reject(`${column.header}: ${result.reason}`);
        row.locale = result.locale;
        break;
      }
      case 'status': {
        const result = normalizeStatus(cell);
        if (!result.ok) return reject(`${column.header}: ${result.reason}`);
        row.status = result.status;
        break;
      }
      case 'tags': {
        const tags = parseTags(cell);
        if (tags.length > 0) row.tags = [...(row.tags ?? []), ...tags];
        break;
      }
    }
  }
  if (!row.email) return reject('missing email');
  if (extraTags.length > 0) row.tags = [...new Set([...(row.tags ?? []), ...extraTags])];
  else if (row.tags) row.tags = [...new Set(row.tags)];
  return row;
}

// COPY text format: backslash escapes for the characters that frame rows and columns.
const copyText = (value: string) =>
  value.replace(
    /[\\\t\n\r]/g,
    (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!,
  );
const copyNullable = (value: string | null) => (value === null ? '\\N' : copyText(value));
const arrayLiteral = (values: string[]) =>
  `{${values.map((v) => `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`;

export const COPY_COLUMNS =
  'line, contact_id, email, email_lower, first_name, last_name, phone, timezone, locale, status, tags, attributes';

/** One COPY text line for an import's staging table, in COPY_COLUMNS order. */
export function copyLine(row: StagedRow): string {
  return (
    [
      String(row.line),
      row.contactId,
      copyText(row.email),
      copyText(row.emailLower),
      copyNullable(row.firstName),
      copyNullable(row.lastName),
      copyNullable(row.phone),
      copyNullable(row.timezone),
      copyNullable(row.locale),
      copyNullable(row.status),
      row.tags ? copyText(arrayLiteral(row.tags)) : '\\N',
      row.attributes ? copyText(JSON.stringify(row.attributes)) : '\\N',
    ].join('\t') + '\n'
  );
}
