import type { FieldError } from '../../http/errors.js';
import { isUuid } from '../../platform/ids.js';

/**
 * A segment is a rule tree: `{ all: [...] }`, `{ any: [...] }`, `{ not: {...} }` over conditions.
 * Conditions name what they test by their key:
 *   { field: 'email', op: 'ends_with', value: '@example.com' }
 *   { attribute: 'plan', op: 'eq', value: 'pro' }      typed by the field definition of `plan`
 *   { tag: 'vip', op: 'has' }                         or 'has_not'
 *   { list: '<list id>', op: 'in' }                   or 'not_in'
 *   { segment: '<segment id>', op: 'in' }             or 'not_in'
 *   { engagement: 'opened', op: 'has', campaign?: '<campaign id>', withinDays?: 30 }
 *                                                     received | opened | clicked; has | has_not;
 *                                                     without campaign: any campaign
 *   { event: 'Order Completed', op: 'at_least', count: 2, withinDays?: 30,
 *     where?: [{ property: 'plan', op: 'eq', value: 'pro' }] }
 *                                                     at_least | at_most | exactly: track events
 *                                                     counted (optionally over the last days)
 *   { event: 'Order Completed', op: 'last_before', date: '2024-05-01' }   or daysAgo: 30;
 *                                                     last_before | last_after (on or after)
 *   where filters: eq | neq | contains | gt | gte | lt | lte on properties.<key> (a.b for nested)
 * Validation walks the tree by hand so every error names the path of the bad node.
 */

export const STRING_FIELDS = [
  'email',
  'firstName',
  'lastName',
  'phone',
  'timezone',
  'locale',
  'source',
] as const;
export const DATE_FIELDS = ['createdAt', 'updatedAt'] as const;
export const CONTACT_STATUSES = [
  'subscribed',
  'unsubscribed',
  'bounced',
  'complained',
  'blocked',
] as const;

export type ValueType = 'string' | 'number' | 'boolean' | 'date';

export const OPS_BY_TYPE: Record<ValueType, readonly string[]> = {
  string: ['eq', 'neq', 'contains', 'starts_with', 'ends_with', 'in', 'exists', 'is_empty'],
  number: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between', 'in', 'exists', 'is_empty'],
  boolean: ['eq', 'neq', 'exists', 'is_empty'],
  date: [
    'eq',
    'gt',
    'gte',
    'lt',
    'lte',
    'between',
    'within_last',
    'more_than_ago',
    'exists',
    'is_empty',
  ],
};

export type Scalar = string | number | boolean;

export type Condition =
  | { kind: 'field'; field: string; type: ValueType; op: string; value: unknown }
  | { kind: 'status'; op: 'eq' | 'neq' | 'in'; value: string[] }
  | { kind: 'attribute'; key: string; type: ValueType; op: string; value: unknown }
  | { kind: 'tag'; op: 'has' | 'has_not'; tag: string }
  | { kind: 'list'; op: 'in' | 'not_in'; listId: string }
  | { kind: 'segment'; op: 'in' | 'not_in'; segmentId: string }
  | {
      kind: 'engagement';
      op: 'has' | 'has_not';
      engagement: (typeof ENGAGEMENTS)[number];
      campaignId: string | null;
      withinDays: number | null;
    }
  | EventCondition;

export const ENGAGEMENTS = ['received', 'opened', 'clicked'] as const;

export const EVENT_COUNT_OPS = ['at_least', 'at_most', 'exactly'] as const;
export const EVENT_LAST_OPS = ['last_before', 'last_after'] as const;
export const PROPERTY_OPS = ['eq', 'neq', 'contains', 'gt', 'gte', 'lt', 'lte'] as const;
const MAX_PROPERTY_FILTERS = 10;

/** A filter on the properties of the events an event condition counts. */
export interface PropertyFilter {
  /** Dot path into properties: `plan`, `order.total`. */
  path: string[];
  op: (typeof PROPERTY_OPS)[number];
  value: Scalar;
}

export type EventCondition =
  | {
      kind: 'event';
      event: string;
      where: PropertyFilter[];
      op: (typeof EVENT_COUNT_OPS)[number];
      count: number;
      withinDays: number | null;
    }
  | {
      kind: 'event';
      event: string;
      where: PropertyFilter[];
      op: (typeof EVENT_LAST_OPS)[number];
      /** An ISO date, or `daysAgo` days before now. */
      date: string | null;
      daysAgo: number | null;
    };

export type SegmentNode =
  | { kind: 'all'; children: SegmentNode[] }
  | { kind: 'any'; children: SegmentNode[] }
  | { kind: 'not'; child: SegmentNode }
  | Condition;

const MAX_NODES = 200;
const MAX_DEPTH = 10;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function isDate(v: unknown): boolean {
  return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v) && !Number.isNaN(Date.parse(v));
}

function checkValue(
  type: ValueType,
  op: string,
  value: unknown,
  path: string,
  errors: FieldError[],
) {
  const fail = (message: string) => errors.push({ path: `${path}.value`, message });
  if (op === 'exists' || op === 'is_empty') {
    if (value !== undefined) fail(`${op} takes no value`);
    return;
  }
  if (op === 'within_last' || op === 'more_than_ago') {
    if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > 36500)
      fail('must be a whole number of days');
    return;
  }
  const one = (v: unknown): boolean => {
    switch (type) {
      case 'string':
        return typeof v === 'string' && v.length <= 1000;
      case 'number':
        return typeof v === 'number' && Number.isFinite(v);
      case 'boolean':
        return typeof v === 'boolean';
      case 'date':
        return isDate(v);
    }
  };
  const what = {
    string: 'a string',
    number: 'a number',
    boolean: 'true or false',
    date: 'an ISO date (YYYY-MM-DD…)',
  }[type];
  if (op === 'between') {
    if (!Array.isArray(value) || value.length !== 2 || !value.every(one))
      fail(`must be [from, to], each ${what}`);
    return;
  }
  if (op === 'in') {
    if (!Array.isArray(value) || value.length === 0 || value.length > 1000 || !value.every(one)) {
      fail(`must be a non-empty list (at most 1000) of ${what}`);
    }
    return;
  }
  if (!one(value)) fail(`must be ${what}`);
}

export interface ParseContext {
  /** Custom field definitions: attribute key → type. Unknown attributes compare as strings. */
  fieldTypes: ReadonlyMap<string, ValueType>;
}

/** Validates a definition; returns the typed tree, or every problem with its path. */
export function parseSegmentDefinition(
  input: unknown,
  ctx: ParseContext,
): { ok: true; node: SegmentNode } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  let nodes = 0;

  const walk = (raw: unknown, path: string, depth: number): SegmentNode | undefined => {
    nodes += 1;
    if (nodes > MAX_NODES) {
      if (nodes === MAX_NODES + 1)
        errors.push({ path, message: `a segment may have at most ${MAX_NODES} rules` });
      return undefined;
    }
    if (depth > MAX_DEPTH) {
      errors.push({ path, message: `groups may nest at most ${MAX_DEPTH} deep` });
      return undefined;
    }
    if (!isObject(raw)) {
      errors.push({ path, message: 'must be an object: a group (all/any/not) or a condition' });
      return undefined;
    }
    const keys = Object.keys(raw);
    const unknownKeys = (allowed: string[]) => {
      for (const k of keys)
        if (!allowed.includes(k))
          errors.push({ path: `${path}.${k}`, message: 'is not a known key here' });
    };
    if ('all' in raw || 'any' in raw) {
      const kind = 'all' in raw ? 'all' : 'any';
      unknownKeys([kind]);
      const list = raw[kind];
      if (!Array.isArray(list) || list.length === 0) {
        errors.push({ path: `${path}.${kind}`, message: 'must be a non-empty list of rules' });
        return undefined;
      }
      const children = list.map((c, i) => walk(c, `${path}.${kind}.${i}`, depth + 1));
      return children.every(Boolean) ? { kind, children: children as SegmentNode[] } : undefined;
    }
    if ('not' in raw) {
      unknownKeys(['not']);
      const child = walk(raw.not, `${path}.not`, depth + 1);
      return child ? { kind: 'not', child } : undefined;
    }
    const op = raw.op;
    if (typeof op !== 'string') {
      errors.push({ path: `${path}.op`, message: 'is required' });
      return undefined;
    }
    const badOp = (allowed: readonly string[]) => {
      if (allowed.includes(op)) return false;
      errors.push({ path: `${path}.op`, message: `must be one of ${allowed.join(', ')}` });
      return true;
    };

    if ('field' in raw) {
      unknownKeys(['field', 'op', 'value']);
      const field = raw.field;
      if (field === 'status') {
        if (badOp(['eq', 'neq', 'in'])) return undefined;
        const values = op === 'in' ? raw.value : [raw.value];
        if (
          !Array.isArray(values) ||
          values.length === 0 ||
          !values.every((v) => (CONTACT_STATUSES as readonly unknown[]).includes(v))
        ) {
          errors.push({
            path: `${path}.value`,
            message: `must be ${op === 'in' ? 'a list of' : 'one of'} ${CONTACT_STATUSES.join(', ')}`,
          });
          return undefined;
        }
        return { kind: 'status', op: op as 'eq' | 'neq' | 'in', value: values as string[] };
      }
      const type: ValueType | undefined = (STRING_FIELDS as readonly unknown[]).includes(field)
        ? 'string'
        : (DATE_FIELDS as readonly unknown[]).includes(field)
          ? 'date'
          : undefined;
      if (!type) {
        errors.push({
          path: `${path}.field`,
          message: `must be one of status, ${[...STRING_FIELDS, ...DATE_FIELDS].join(', ')}`,
        });
        return undefined;
      }
      if (badOp(OPS_BY_TYPE[type])) return undefined;
      const before = errors.length;
      checkValue(type, op, raw.value, path, errors);
      return errors.length === before
        ? { kind: 'field', field: field as string, type, op, value: raw.value }
        : undefined;
    }
    if ('attribute' in raw) {
      unknownKeys(['attribute', 'op', 'value']);
      const key = raw.attribute;
      if (typeof key !== 'string' || !/^[A-Za-z0-9_.-]{1,100}$/.test(key)) {
        errors.push({
          path: `${path}.attribute`,
          message: 'must be an attribute key (letters, digits, _ . -)',
        });
        return undefined;
      }
      const type = ctx.fieldTypes.get(key) ?? 'string';
      if (badOp(OPS_BY_TYPE[type])) return undefined;
      const before = errors.length;
      checkValue(type, op, raw.value, path, errors);
      return errors.length === before
        ? { kind: 'attribute', key, type, op, value: raw.value }
        : undefined;
    }
    if ('tag' in raw) {
      unknownKeys(['tag', 'op']);
      if (badOp(['has', 'has_not'])) return undefined;
      if (typeof raw.tag !== 'string' || raw.tag.length === 0 || raw.tag.length > 200) {
        errors.push({ path: `${path}.tag`, message: 'must be a tag name' });
        return undefined;
      }
      return { kind: 'tag', op: op as 'has' | 'has_not', tag: raw.tag };
    }
    if ('list' in raw || 'segment' in raw) {
      const kind = 'list' in raw ? 'list' : 'segment';
      unknownKeys([kind, 'op']);
      if (badOp(['in', 'not_in'])) return undefined;
      const id = raw[kind];
      if (!isUuid(id)) {
        errors.push({ path: `${path}.${kind}`, message: `must be a ${kind} id` });
        return undefined;
      }
      return kind === 'list'
        ? { kind: 'list', op: op as 'in' | 'not_in', listId: id }
        : { kind: 'segment', op: op as 'in' | 'not_in', segmentId: id };
    }
    if ('engagement' in raw) {
      unknownKeys(['engagement', 'op', 'campaign', 'withinDays']);
      if (badOp(['has', 'has_not'])) return undefined;
      const engagement = raw.engagement;
      if (!(ENGAGEMENTS as readonly unknown[]).includes(engagement)) {
        errors.push({
          path: `${path}.engagement`,
          message: `must be one of ${ENGAGEMENTS.join(', ')}`,
        });
        return undefined;
      }
      if (raw.campaign !== undefined && !isUuid(raw.campaign)) {
        errors.push({ path: `${path}.campaign`, message: 'must be a campaign id' });
        return undefined;
      }
      const days = raw.withinDays;
      if (
        days !== undefined &&
        (!Number.isInteger(days) || (days as number) < 1 || (days as number) > 36500)
      ) {
        errors.push({ path: `${path}.withinDays`, message: 'must be a whole number of days' });
        return undefined;
      }
      return {
        kind: 'engagement',
        op: op as 'has' | 'has_not',
        engagement: engagement as (typeof ENGAGEMENTS)[number],
        campaignId: (raw.campaign as string | undefined) ?? null,
        withinDays: (days as number | undefined) ?? null,
      };
    }
    if ('event' in raw) return parseEventCondition(raw, path, errors);
    errors.push({
      path,
      message:
        'must have one of all, any, not, field, attribute, tag, list, segment, engagement, event',
    });
    return undefined;
  };

  const node = walk(input, 'definition', 0);
  return node && errors.length === 0 ? { ok: true, node } : { ok: false, errors };
}

const isWholeNumber = (v: unknown, min: number, max: number): v is number =>
  Number.isInteger(v) && (v as number) >= min && (v as number) <= max;

function parsePropertyFilters(
  raw: unknown,
  path: string,
  errors: FieldError[],
): PropertyFilter[] | undefined {
  if (raw === undefined) return [];
  if (!Array.isArray(raw) || raw.length > MAX_PROPERTY_FILTERS) {
    errors.push({ path, message: `must be a list of at most ${MAX_PROPERTY_FILTERS} filters` });
    return undefined;
  }
  const filters: PropertyFilter[] = [];
  raw.forEach((f: unknown, i) => {
    const at = `${path}.${i}`;
    if (!isObject(f)) {
      errors.push({ path: at, message: 'must be { property, op, value }' });
      return;
    }
    for (const k of Object.keys(f))
      if (!['property', 'op', 'value'].includes(k))
        errors.push({ path: `${at}.${k}`, message: 'is not a known key here' });
    const property = f.property;
    const parts = typeof property === 'string' ? property.split('.') : [];
    if (
      typeof property !== 'string' ||
      property.length > 200 ||
      parts.some((p) => p.length === 0 || p.length > 100)
    ) {
      errors.push({ path: `${at}.property`, message: 'must be a property name (a.b for nested)' });
      return;
    }
    const op = f.op;
    if (!(PROPERTY_OPS as readonly unknown[]).includes(op)) {
      errors.push({ path: `${at}.op`, message: `must be one of ${PROPERTY_OPS.join(', ')}` });
      return;
    }
    const value = f.value;
    const ordered = op === 'gt' || op === 'gte' || op === 'lt' || op === 'lte';
    const isValid = ordered
      ? (typeof value === 'number' && Number.isFinite(value)) || isDate(value)
      : op === 'contains'
        ? typeof value === 'string' && value.length > 0 && value.length <= 1000
        : (typeof value === 'string' && value.length <= 1000) ||
          typeof value === 'boolean' ||
          (typeof value === 'number' && Number.isFinite(value));
    if (!isValid) {
      errors.push({
        path: `${at}.value`,
        message: ordered
          ? 'must be a number or an ISO date'
          : op === 'contains'
            ? 'must be a non-empty string'
            : 'must be a string, number or true/false',
      });
      return;
    }
    filters.push({ path: parts, op: op as PropertyFilter['op'], value: value as Scalar });
  });
  return filters.length === raw.length ? filters : undefined;
}

function parseEventCondition(
  raw: Record<string, unknown>,
  path: string,
  errors: FieldError[],
): EventCondition | undefined {
  const before = errors.length;
  const { event, op } = raw;
  const isCount = (EVENT_COUNT_OPS as readonly unknown[]).includes(op);
  const isLast = (EVENT_LAST_OPS as readonly unknown[]).includes(op);
  const allowed = isLast
    ? ['event', 'op', 'date', 'daysAgo', 'where']
    : ['event', 'op', 'count', 'withinDays', 'where'];
  for (const k of Object.keys(raw))
    if (!allowed.includes(k))
      errors.push({ path: `${path}.${k}`, message: 'is not a known key here' });
  if (typeof event !== 'string' || event.trim().length === 0 || event.length > 200)
    errors.push({ path: `${path}.event`, message: 'must be an event name' });
  if (!isCount && !isLast) {
    errors.push({
      path: `${path}.op`,
      message: `must be one of ${[...EVENT_COUNT_OPS, ...EVENT_LAST_OPS].join(', ')}`,
    });
    return undefined;
  }
  const where = parsePropertyFilters(raw.where, `${path}.where`, errors);
  if (isCount) {
    const min = op === 'at_least' ? 1 : 0;
    if (!isWholeNumber(raw.count, min, 1_000_000))
      errors.push({ path: `${path}.count`, message: `must be a whole number from ${min}` });
    const days = raw.withinDays;
    if (days !== undefined && !isWholeNumber(days, 1, 36500))
      errors.push({ path: `${path}.withinDays`, message: 'must be a whole number of days' });
    if (errors.length > before || !where) return undefined;
    return {
      kind: 'event',
      event: (event as string).trim(),
      where,
      op: op as (typeof EVENT_COUNT_OPS)[number],
      count: raw.count as number,
      withinDays: (days as number | undefined) ?? null,
    };
  }
  const { date, daysAgo } = raw;
  if ((date === undefined) === (daysAgo === undefined))
    errors.push({ path: `${path}.date`, message: 'give either date or daysAgo' });
  else if (date !== undefined && !isDate(date))
    errors.push({ path: `${path}.date`, message: 'must be an ISO date (YYYY-MM-DD…)' });
  else if (daysAgo !== undefined && !isWholeNumber(daysAgo, 0, 36500))
    errors.push({ path: `${path}.daysAgo`, message: 'must be a whole number of days' });
  if (errors.length > before || !where) return undefined;
  return {
    kind: 'event',
    event: (event as string).trim(),
    where,
    op: op as (typeof EVENT_LAST_OPS)[number],
    date: (date as string | undefined) ?? null,
    daysAgo: (daysAgo as number | undefined) ?? null,
  };
}
