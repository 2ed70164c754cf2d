import type { ConditionDraft } from './rules';

/**
 * Event conditions: "performed Order Completed at least 2 times in the last 30 days where
 * total > 50", "last performed Signed In more than 30 days ago". The API has two operators for
 * "last performed" that take either a date or a number of days; the builder offers the four
 * combinations as operators of their own, like the date operators of contact fields.
 */

export const EVENT_OPS = [
  'at_least',
  'at_most',
  'exactly',
  'last_after_days',
  'last_before_days',
  'last_after',
  'last_before',
] as const;
export type EventOp = (typeof EVENT_OPS)[number];

export const EVENT_OP_LABELS: Record<EventOp, string> = {
  at_least: 'performed at least',
  at_most: 'performed at most',
  exactly: 'performed exactly',
  last_after_days: 'last performed in the last',
  last_before_days: 'last performed more than',
  last_after: 'last performed on or after',
  last_before: 'last performed before',
};

export const isCountOp = (op: string): boolean =>
  op === 'at_least' || op === 'at_most' || op === 'exactly';
export const isEventDaysOp = (op: string): boolean =>
  op === 'last_after_days' || op === 'last_before_days';

/** Whether a count covers every event ever tracked or only the last `withinDays` days. */
export type EventPeriod = 'ever' | 'within';

export const PROPERTY_OPS = ['eq', 'neq', 'contains', 'gt', 'gte', 'lt', 'lte'] as const;
export type PropertyOp = (typeof PROPERTY_OPS)[number];

export const PROPERTY_OP_LABELS: Record<PropertyOp, string> = {
  eq: 'is',
  neq: 'is not',
  contains: 'contains',
  gt: 'is greater than',
  gte: 'is at least',
  lt: 'is less than',
  lte: 'is at most',
};

const isOrdered = (op: PropertyOp) => op === 'gt' || op === 'gte' || op === 'lt' || op === 'lte';

/** The API's limit on filters per event condition. */
export const MAX_PROPERTY_FILTERS = 10;
const MAX_COUNT = 1_000_000;
const MAX_DAYS = 36_500;

/** "where total is greater than 50": a filter on the properties of the events counted. */
export interface PropertyFilterDraft {
  id: string;
  /** Property name as typed; `order.total` for nested properties. */
  property: string;
  op: PropertyOp;
  value: string;
}

let lastFilterId = 0;
export function newPropertyFilter(
  overrides: Partial<PropertyFilterDraft> = {},
): PropertyFilterDraft {
  return { id: `filter-${++lastFilterId}`, property: '', op: 'eq', value: '', ...overrides };
}

/** Fields an event condition needs besides `op` and `value` (the count, days or date). */
export interface EventDraftFields {
  event: string;
  period: EventPeriod;
  /** Days for period "within", as typed. */
  withinDays: string;
  where: PropertyFilterDraft[];
}

type EventDraft = Pick<ConditionDraft, 'op' | 'value'> & EventDraftFields;

const isDateOp = (op: string) => !isCountOp(op) && !isEventDaysOp(op);
const isWholeNumber = (text: string, min: number, max: number) =>
  /^\d+$/.test(text.trim()) && Number(text) >= min && Number(text) <= max;
const isNumber = (text: string) => text.trim() !== '' && Number.isFinite(Number(text));
const isIsoDate = (text: string) =>
  /^\d{4}-\d{2}-\d{2}/.test(text.trim()) && !Number.isNaN(Date.parse(text.trim()));

/** The value an operator starts with: one time, 30 days, or a date still to pick. */
function defaultValue(op: string): string {
  if (isCountOp(op)) return '1';
  return isEventDaysOp(op) ? '30' : '';
}

/** Keeps the count, days or date when the new operator takes the same kind of value. */
export function changeEventOp<D extends EventDraft>(draft: D, op: string): D {
  const family = (o: string) => (isCountOp(o) ? 'count' : isEventDaysOp(o) ? 'days' : 'date');
  const isSame = family(op) === family(draft.op);
  return { ...draft, op, value: isSame ? draft.value : defaultValue(op) };
}

/**
 * Which input an event problem is about, so only that one is marked invalid: the event name,
 * the count/days/date (`value`), the window's days, or a filter's `property` or `value`.
 */
export type EventProblemInput =
  'event' | 'value' | 'withinDays' | { filter: string; input: 'property' | 'value' };

export interface EventProblem {
  input: EventProblemInput;
  message: string;
  /**
   * A count or number of days is typed but wrong ("1.5 times"): worth saying at once, not on
   * save. Names and filters pass through wrong states while being typed, so they wait.
   */
  isMistake: boolean;
}

function filterProblem(filter: PropertyFilterDraft): Omit<EventProblem, 'isMistake'> | null {
  const property = filter.property.trim();
  const at = (input: 'property' | 'value', message: string) => ({
    input: { filter: filter.id, input },
    message,
  });
  if (!property) return at('property', 'Name the event property to filter on, e.g. total.');
  if (property.split('.').some((part) => part.trim() === ''))
    return at(
      'property',
      `Write nested properties as order.total, without empty parts (“${property}”).`,
    );
  if (isOrdered(filter.op)) {
    return isNumber(filter.value) || isIsoDate(filter.value)
      ? null
      : at('value', `Compare “${property}” with a number or a date (YYYY-MM-DD).`);
  }
  return filter.value.trim() ? null : at('value', `Enter a value for “${property}”.`);
}

/** Why an event condition can't be sent yet, and where; null when it can. */
export function findEventProblem(draft: EventDraft): EventProblem | null {
  const problem = problemOf(draft);
  if (!problem) return null;
  const { input } = problem;
  const isNumberInput = (input === 'value' && !isDateOp(draft.op)) || input === 'withinDays';
  return { ...problem, isMistake: isNumberInput && draft[input].trim() !== '' };
}

function problemOf(draft: EventDraft): Omit<EventProblem, 'isMistake'> | null {
  const event = draft.event.trim();
  if (!event) return { input: 'event', message: 'Enter an event name, e.g. Order Completed.' };
  if (event.length > 200)
    return { input: 'event', message: 'Event names are at most 200 characters.' };
  if (isCountOp(draft.op)) {
    const min = draft.op === 'at_least' ? 1 : 0;
    if (!isWholeNumber(draft.value, min, MAX_COUNT))
      return {
        input: 'value',
        message: `Enter how many times: a whole number, ${min} or more.`,
      };
    if (draft.period === 'within' && !isWholeNumber(draft.withinDays, 1, MAX_DAYS))
      return { input: 'withinDays', message: 'Enter a number of days, 1 or more.' };
  } else if (isEventDaysOp(draft.op)) {
    if (!isWholeNumber(draft.value, 0, MAX_DAYS))
      return { input: 'value', message: 'Enter a number of days.' };
  } else if (!isIsoDate(draft.value)) return { input: 'value', message: 'Pick a date.' };
  for (const filter of draft.where) {
    const problem = filterProblem(filter);
    if (problem) return problem;
  }
  return null;
}

/** Why an event condition can't be sent yet, in the builder's words; null when it can. */
export const eventProblem = (draft: EventDraft): string | null =>
  findEventProblem(draft)?.message ?? null;

/** Numbers compare as numbers and true/false as booleans; anything else is text (or a date). */
function propertyValue(filter: PropertyFilterDraft): string | number | boolean {
  const text = filter.value.trim();
  if (filter.op === 'contains') return text;
  if (isNumber(text)) return Number(text);
  if (!isOrdered(filter.op) && (text === 'true' || text === 'false')) return text === 'true';
  return text;
}

/** A finished event draft → `{ event, op, count | date | daysAgo, withinDays?, where? }`. */
export function eventJson(draft: EventDraft): Record<string, unknown> {
  const event = draft.event.trim();
  const where = draft.where.map((filter) => ({
    property: filter.property.trim(),
    op: filter.op,
    value: propertyValue(filter),
  }));
  const filters = where.length > 0 ? { where } : {};
  if (isCountOp(draft.op)) {
    const period = draft.period === 'within' ? { withinDays: Number(draft.withinDays) } : {};
    return { event, op: draft.op, count: Number(draft.value), ...period, ...filters };
  }
  if (isEventDaysOp(draft.op)) {
    const op = draft.op === 'last_after_days' ? 'last_after' : 'last_before';
    return { event, op, daysAgo: Number(draft.value), ...filters };
  }
  return { event, op: draft.op, date: draft.value, ...filters };
}

const text = (value: unknown): string =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : '';

/** An event condition from a saved definition → the draft fields that edit it. */
export function parseEventCondition(
  raw: Record<string, unknown>,
): Pick<ConditionDraft, 'op' | 'value'> & EventDraftFields {
  const op = text(raw.op);
  const rawWhere: unknown[] = Array.isArray(raw.where) ? raw.where : [];
  const where = rawWhere.map((filter) => {
    const f = (typeof filter === 'object' && filter !== null ? filter : {}) as Record<
      string,
      unknown
    >;
    const filterOp = (PROPERTY_OPS as readonly unknown[]).includes(f.op)
      ? (f.op as PropertyOp)
      : 'eq';
    return newPropertyFilter({ property: text(f.property), op: filterOp, value: text(f.value) });
  });
  const common = {
    event: text(raw.event),
    period: 'ever' as EventPeriod,
    withinDays: '30',
    where,
  };
  if (op === 'last_before' || op === 'last_after') {
    return raw.daysAgo !== undefined
      ? { ...common, op: `${op}_days`, value: text(raw.daysAgo) }
      : { ...common, op, value: text(raw.date).slice(0, 10) };
  }
  const hasWindow = raw.withinDays !== undefined;
  return {
    ...common,
    op: isCountOp(op) ? op : 'at_least',
    value: text(raw.count),
    period: hasWindow ? 'within' : 'ever',
    withinDays: hasWindow ? text(raw.withinDays) : '30',
  };
}
