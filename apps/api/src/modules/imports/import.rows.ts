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
  // Runs once per row of a million-row file: no closures or intermediate arrays on the way.
  if (record.error) return reject(record, delimiter, record.error);
  if (record.cells.length !== headerLength) {
    return reject(
      record,
      delimiter,
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
  for (let c = 0; c < columns.length; c++) {
    const column = columns[c]!;
    const target = column.target;
    if (target.kind === 'ignore') continue;
    const cell = (record.cells[column.index] ?? '').trim();
    if (cell === '') continue;
    if (target.kind === 'attribute') {
      let value: unknown = clip(cell);
      if (target.type) {
        const coerced = coerceAttribute(cell, target.type);
        if (!coerced.ok) return reject(record, delimiter, `${column.header}: ${coerced.reason}`);
        value = coerced.value;
      }
      (row.attributes ??= {})[target.key] = value;
      continue;
    }
    switch (target.field) {
      case 'email': {
        const result = normalizeEmail(cell);
        if (!result.ok)
          return reject(
            record,
            delimiter,
            `invalid email "${cell.slice(0, 100)}": ${result.reason}`,
          );
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
        if (!result.ok) return reject(record, delimiter, `${column.header}: ${result.reason}`);
        row.timezone = result.timezone;
        break;
      }
      case 'locale': {
        const result = normalizeLocale(cell);
        if (!result.ok) return reject(record, delimiter, `${column.header}: ${result.reason}`);
        row.locale = result.locale;
        break;
      }
      case 'status': {
        const result = normalizeStatus(cell);
        if (!result.ok) return reject(record, delimiter, `${column.header}: ${result.reason}`);
        row.status = result.status;
        break;
      }
      case 'tags': {
        const tags = parseTags(cell);
        if (tags.length > 0) row.tags = row.tags ? [...row.tags, ...tags] : tags;
        break;
      }
    }
  }
  if (!row.email) return reject(record, delimiter, 'missing email');
  if (extraTags.length > 0) row.tags = [...new Set([...(row.tags ?? []), ...extraTags])];
  else if (row.tags && row.tags.length > 1) row.tags = uniqueTags(row.tags);
  return row;
}

function reject(record: CsvRecord, delimiter: string, reason: string): RejectedRow {
  return { line: record.line, reason, raw: record.cells.join(delimiter).slice(0, MAX_RAW) };
}

/** Tags from one cell are already unique; only several tag columns can repeat one. */
function uniqueTags(tags: string[]): string[] {
  const unique = new Set(tags);
  return unique.size === tags.length ? tags : [...unique];
}

/**
 * Folds a later row for the same address into an earlier one, as if the rows were imported one
 * after the other: a later non-blank cell overrides, tags accumulate, attributes merge key by
 * key, and the contact keeps the id and spelling of the row that created it.
 */
export function mergeRows(earlier: StagedRow, later: StagedRow): StagedRow {
  return {
    contactId: earlier.contactId,
    line: later.line,
    email: earlier.email,
    emailLower: earlier.emailLower,
    firstName: later.firstName ?? earlier.firstName,
    lastName: later.lastName ?? earlier.lastName,
    phone: later.phone ?? earlier.phone,
    timezone: later.timezone ?? earlier.timezone,
    locale: later.locale ?? earlier.locale,
    status: later.status ?? earlier.status,
    tags:
      earlier.tags && later.tags
        ? uniqueTags([...earlier.tags, ...later.tags])
        : (later.tags ?? earlier.tags),
    attributes:
      earlier.attributes && later.attributes
        ? { ...earlier.attributes, ...later.attributes }
        : (later.attributes ?? earlier.attributes),
  };
}

/**
 * Groups staged rows into chunks with one row per address, merging repeats within a chunk
 * (repeats across chunks meet in the database, where the later row updates the earlier one).
 */
export async function* chunkRows(
  batches: AsyncIterable<StagedRow[]>,
  /** Big enough to amortise round trips, small enough that reading and applying overlap. */
  size: number,
): AsyncGenerator<{ rows: StagedRow[]; duplicates: number }> {
  let rows = new Map<string, StagedRow>();
  let duplicates = 0;
  for await (const batch of batches) {
    for (const row of batch) {
      const earlier = rows.get(row.emailLower);
      if (earlier) duplicates += 1;
      rows.set(row.emailLower, earlier ? mergeRows(earlier, row) : row);
    }
    if (rows.size >= size) {
      yield { rows: [...rows.values()], duplicates };
      rows = new Map();
      duplicates = 0;
    }
  }
  if (rows.size > 0 || duplicates > 0) yield { rows: [...rows.values()], duplicates };
}
