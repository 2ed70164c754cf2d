import { z } from 'zod';
import { isUuid } from '../platform/ids.js';
import { AppError } from './errors.js';

export const PageQuerySchema = z.strictObject({
  cursor: z
    .string()
    .max(500)
    .optional()
    .describe('Opaque cursor from a previous page’s nextCursor'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type PageQuery = z.infer<typeof PageQuerySchema>;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const pageSchema = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

/** Keyset cursors are the sort key of the last row, opaque to clients. */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** What each part of a cursor must be; most cursors end with a row id. */
export type CursorPart = 'uuid' | 'timestamp' | 'string' | 'any' | ((value: string) => boolean);

const partIsValid = (kind: CursorPart, value: unknown) => {
  if (typeof kind === 'function') return typeof value === 'string' && kind(value);
  switch (kind) {
    case 'uuid':
      return isUuid(value);
    case 'timestamp':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value));
    case 'string':
      return typeof value === 'string';
    case 'any':
      return typeof value === 'string' || typeof value === 'number';
  }
};

/**
 * Decodes a cursor and checks every part, so a forged one is a 400 rather than a value the
 * database chokes on. `shape` as a number means that many parts, the last one a row id.
 */
export function decodeCursor(
  cursor: string | undefined,
  shape: number | CursorPart[],
): (string | number)[] | undefined {
  if (cursor === undefined) return undefined;
  const kinds: CursorPart[] =
    typeof shape === 'number' ? [...Array<CursorPart>(shape - 1).fill('any'), 'uuid'] : shape;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === kinds.length &&
      value.every((v, i) => partIsValid(kinds[i]!, v))
    ) {
      return value as (string | number)[];
    }
  } catch {
    // fall through to the error below
  }
  throw new AppError('invalid_cursor', 'The cursor is not one this API handed out.');
}

/** Fetch limit+1 rows; the extra one tells whether there is a next page. */
export function toPage<T>(
  rows: T[],
  limit: number,
  keyOf: (row: T) => (string | number)[],
): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(keyOf(last)) : null };
}
