import type { z } from 'zod';
import type { PropertyConditionSchema } from './flow.definition.js';

/** Event property filters and dotted-path reads, shared by triggers, waits, branches and exits. */

export type PropertyCondition = z.infer<typeof PropertyConditionSchema>;

/**
 * Reads `a.b.0.c` (a leading `$.` and `[0]` indexes are accepted too) from parsed JSON.
 * Only own properties: a path never reaches a prototype.
 */
export function readPath(value: unknown, path: string): unknown {
  const parts = path
    .replace(/^\$\.?/, '')
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter((p) => p !== '');
  let current: unknown = value;
  for (const part of parts) {
    if (current === null || typeof current !== 'object') return undefined;
    if (!Object.hasOwn(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

const asNumber = (v: unknown): number | null => {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
};

/** Numbers compare as numbers, ISO dates as instants, anything else as text. */
function compare(actual: unknown, expected: unknown): number | null {
  const a = asNumber(actual);
  const b = asNumber(expected);
  if (a !== null && b !== null) return a - b;
  if (typeof actual === 'string' && typeof expected === 'string') {
    const da = Date.parse(actual);
    const db = Date.parse(expected);
    if (!Number.isNaN(da) && !Number.isNaN(db) && /^\d{4}-\d{2}-\d{2}/.test(expected))
      return da - db;
    return actual < expected ? -1 : actual > expected ? 1 : 0;
  }
  return null;
}

const same = (actual: unknown, expected: unknown) =>
  actual === expected ||
  (actual !== undefined && actual !== null && compare(actual, expected) === 0);

export function matchesCondition(subject: unknown, condition: PropertyCondition): boolean {
  const actual = readPath(subject, condition.path);
  const { value } = condition;
  switch (condition.op) {
    case 'exists':
      return actual !== undefined && actual !== null && actual !== '';
    case 'not_exists':
      return actual === undefined || actual === null || actual === '';
    case 'eq':
      return same(actual, value);
    case 'neq':
      return !same(actual, value);
    case 'in':
      return Array.isArray(value) && value.some((v) => same(actual, v));
    case 'contains':
      if (Array.isArray(actual)) return actual.some((v) => same(v, value));
      return (
        typeof actual === 'string' &&
        typeof value === 'string' &&
        actual.toLowerCase().includes(value.toLowerCase())
      );
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      if (actual === undefined || actual === null) return false;
      const c = compare(actual, value);
      if (c === null) return false;
      return condition.op === 'gt'
        ? c > 0
        : condition.op === 'gte'
          ? c >= 0
          : condition.op === 'lt'
            ? c < 0
            : c <= 0;
    }
  }
}

/** Every condition holds (an empty filter matches everything). */
export function matchesFilter(
  properties: Record<string, unknown>,
  filter: readonly PropertyCondition[],
): boolean {
  return filter.every((c) => matchesCondition(properties, c));
}
