import type { ContactStatus } from '../contacts/api';
import {
  ENGAGEMENT_OPS,
  ENGAGEMENT_OP_LABELS,
  engagementJson,
  engagementProblem,
  isEditableEngagement,
  parseEngagementCondition,
  type EngagementDraftFields,
  type EngagementOp,
} from './engagement-rules';
import {
  EVENT_OPS,
  EVENT_OP_LABELS,
  PROPERTY_OPS,
  changeEventOp,
  eventJson,
  eventProblem,
  parseEventCondition,
  type EventDraftFields,
  type EventOp,
} from './event-rules';

/**
 * The segment builder edits a tree of drafts: every input holds text, as typed. Drafts become the
 * API's definition JSON (`{ all: [...] }`, `{ field, op, value }`…) only when sent, and a saved
 * definition becomes drafts again when a segment is opened.
 */

export type ValueType = 'string' | 'number' | 'boolean' | 'date';
/**
 * "advanced" holds a saved condition the builder can't edit (made through the API, or by a newer
 * version): it is shown as JSON and sent back unchanged, never turned into another rule.
 */
export type SubjectKind =
  'field' | 'attribute' | 'tag' | 'list' | 'segment' | 'event' | 'engagement' | 'advanced';
/** What a condition compares, which decides its operators and value input. */
export type ConditionType =
  ValueType | 'status' | 'tag' | 'list' | 'segment' | 'event' | 'engagement' | 'advanced';
export type Match = 'all' | 'any';

/**
 * Event name and property filters are used by subject "event" only; the period by "event" and
 * "engagement"; engagement and campaign by "engagement".
 */
export interface ConditionDraft extends EventDraftFields, EngagementDraftFields {
  id: string;
  kind: 'condition';
  negate: boolean;
  subject: SubjectKind;
  /** Contact field (subject "field"). */
  field: string;
  /** Attribute key (subject "attribute"). */
  attribute: string;
  op: string;
  /**
   * The value as typed: text, number, date, "true"/"false", days, a comma list, a tag, an id;
   * for an event, how many times, days ago or a date.
   */
  value: string;
  /** The upper bound of "between". */
  value2: string;
  /** Statuses for "status is any of". */
  statuses: ContactStatus[];
  /** The saved condition, as it was (subject "advanced"). */
  advanced: unknown;
}

export interface GroupDraft {
  id: string;
  kind: 'group';
  negate: boolean;
  match: Match;
  children: RuleDraft[];
}

export type RuleDraft = GroupDraft | ConditionDraft;

export const CONTACT_FIELDS: readonly { field: string; label: string; type: ConditionType }[] = [
  { field: 'email', label: 'Email', type: 'string' },
  { field: 'firstName', label: 'First name', type: 'string' },
  { field: 'lastName', label: 'Last name', type: 'string' },
  { field: 'phone', label: 'Phone', type: 'string' },
  { field: 'timezone', label: 'Time zone', type: 'string' },
  { field: 'locale', label: 'Language', type: 'string' },
  { field: 'source', label: 'Source', type: 'string' },
  { field: 'status', label: 'Status', type: 'status' },
  { field: 'createdAt', label: 'Created', type: 'date' },
  { field: 'updatedAt', label: 'Last updated', type: 'date' },
];

export const OPS_BY_TYPE: Record<ConditionType, readonly string[]> = {
  string: ['eq', 'neq', 'contains', 'starts_with', 'ends_with', 'in', 'exists', 'is_empty'],
  number: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between', 'in', 'exists', 'is_empty'],
  boolean: ['eq', 'neq', 'exists', 'is_empty'],
  date: [
    'within_last',
    'more_than_ago',
    'eq',
    'gt',
    'gte',
    'lt',
    'lte',
    'between',
    'exists',
    'is_empty',
  ],
  status: ['eq', 'neq', 'in'],
  tag: ['has', 'has_not'],
  list: ['in', 'not_in'],
  segment: ['in', 'not_in'],
  event: EVENT_OPS,
  engagement: ENGAGEMENT_OPS,
  advanced: [],
};

const OP_LABELS: Record<string, string> = {
  eq: 'is',
  neq: 'is not',
  contains: 'contains',
  starts_with: 'starts with',
  ends_with: 'ends with',
  in: 'is any of',
  exists: 'has a value',
  is_empty: 'is empty',
  gt: 'is greater than',
  gte: 'is at least',
  lt: 'is less than',
  lte: 'is at most',
  between: 'is between',
  within_last: 'is in the last',
  more_than_ago: 'is more than',
  has: 'has tag',
  has_not: 'doesn’t have tag',
  not_in: 'is not in',
};

const DATE_OP_LABELS: Record<string, string> = {
  eq: 'is on',
  gt: 'is after',
  gte: 'is on or after',
  lt: 'is before',
  lte: 'is on or before',
};

export function opLabel(type: ConditionType, op: string): string {
  if (type === 'event') return EVENT_OP_LABELS[op as EventOp] ?? op;
  if (type === 'engagement') return ENGAGEMENT_OP_LABELS[op as EngagementOp] ?? op;
  if (type === 'date' && DATE_OP_LABELS[op]) return DATE_OP_LABELS[op];
  if (type === 'list' || type === 'segment') return op === 'in' ? 'is in' : 'is not in';
  return OP_LABELS[op] ?? op;
}

export const NO_VALUE_OPS = new Set(['exists', 'is_empty']);
export const DAYS_OPS = new Set(['within_last', 'more_than_ago']);

let lastId = 0;
export const newId = (): string => `rule-${++lastId}`;

export function conditionType(
  draft: ConditionDraft,
  fieldTypes: ReadonlyMap<string, ValueType>,
): ConditionType {
  switch (draft.subject) {
    case 'field':
      return CONTACT_FIELDS.find((f) => f.field === draft.field)?.type ?? 'string';
    case 'attribute':
      // The API compares attributes without a field definition as text.
      return fieldTypes.get(draft.attribute) ?? 'string';
    default:
      return draft.subject;
  }
}

export function newCondition(overrides: Partial<ConditionDraft> = {}): ConditionDraft {
  return {
    id: newId(),
    kind: 'condition',
    negate: false,
    subject: 'field',
    field: 'email',
    attribute: '',
    op: 'eq',
    value: '',
    value2: '',
    statuses: [],
    event: '',
    period: 'ever',
    withinDays: '30',
    where: [],
    engagement: 'opened',
    campaignId: '',
    advanced: null,
    ...overrides,
  };
}

export function newGroup(match: Match = 'all', children?: RuleDraft[]): GroupDraft {
  return { id: newId(), kind: 'group', negate: false, match, children: children ?? [] };
}

/** A fresh condition for a new subject: its type's first operator and a sensible empty value. */
export function resetForType(draft: ConditionDraft, type: ConditionType): ConditionDraft {
  if (type === 'event')
    return changeEventOp({ ...draft, op: '', value2: '', statuses: [] }, 'at_least');
  if (type === 'engagement')
    return {
      ...draft,
      op: 'has',
      value: '',
      value2: '',
      statuses: [],
      engagement: 'opened',
      campaignId: '',
      period: 'ever',
      withinDays: '30',
    };
  return {
    ...draft,
    op: OPS_BY_TYPE[type][0]!,
    value: type === 'boolean' ? 'true' : type === 'status' ? 'subscribed' : '',
    value2: '',
    statuses: [],
  };
}

/** Keeps what still makes sense when only the operator changes. */
export function changeOp(draft: ConditionDraft, type: ConditionType, op: string): ConditionDraft {
  if (type === 'event') return changeEventOp(draft, op);
  if (type === 'engagement' || type === 'advanced') return { ...draft, op };
  const wasDays = DAYS_OPS.has(draft.op);
  const isDays = DAYS_OPS.has(op);
  let value = wasDays === isDays ? draft.value : '';
  if (type === 'status' && op !== 'in' && !value) value = draft.statuses[0] ?? 'subscribed';
  const statuses =
    type === 'status' && op === 'in' && draft.statuses.length === 0 && draft.value
      ? [draft.value as ContactStatus]
      : draft.statuses;
  return { ...draft, op, value, statuses };
}

export const splitList = (text: string): string[] =>
  text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');

const isNumber = (text: string) => text.trim() !== '' && Number.isFinite(Number(text));

/** Why a condition can't be sent yet, in words for the person building it; null when it can. */
export function conditionProblem(draft: ConditionDraft, type: ConditionType): string | null {
  if (draft.subject === 'attribute' && !draft.attribute.trim()) return 'Choose an attribute.';
  if (type === 'event') return eventProblem(draft);
  if (type === 'engagement') return engagementProblem(draft);
  if (type === 'advanced') return null;
  if (type === 'tag') return draft.value.trim() ? null : 'Enter a tag.';
  if (type === 'list') return draft.value ? null : 'Choose a list.';
  if (type === 'segment') return draft.value ? null : 'Choose a segment.';
  if (type === 'status') {
    if (draft.op === 'in') return draft.statuses.length > 0 ? null : 'Pick at least one status.';
    return draft.value ? null : 'Pick a status.';
  }
  if (NO_VALUE_OPS.has(draft.op)) return null;
  if (DAYS_OPS.has(draft.op)) {
    return /^\d+$/.test(draft.value.trim()) && Number(draft.value) <= 36500
      ? null
      : 'Enter a number of days.';
  }
  if (draft.op === 'between') {
    if (!draft.value.trim() || !draft.value2.trim()) return 'Enter both ends of the range.';
    if (type === 'number' && !(isNumber(draft.value) && isNumber(draft.value2)))
      return 'Enter two numbers.';
    return null;
  }
  if (draft.op === 'in') {
    const items = splitList(draft.value);
    if (items.length === 0) return 'Enter one or more values, separated by commas.';
    if (type === 'number' && !items.every(isNumber)) return 'Enter numbers, separated by commas.';
    return null;
  }
  if (type === 'number') return isNumber(draft.value) ? null : 'Enter a number.';
  if (type === 'date') return draft.value ? null : 'Pick a date.';
  if (type === 'boolean') return null;
  return draft.value !== '' ? null : 'Enter a value.';
}

function convert(text: string, type: ConditionType): unknown {
  if (type === 'number') return Number(text);
  if (type === 'boolean') return text === 'true';
  return text;
}

function conditionJson(draft: ConditionDraft, type: ConditionType): unknown {
  switch (draft.subject) {
    case 'tag':
      return { tag: draft.value.trim(), op: draft.op };
    case 'list':
      return { list: draft.value, op: draft.op };
    case 'segment':
      return { segment: draft.value, op: draft.op };
    case 'event':
      return eventJson(draft);
    case 'engagement':
      return engagementJson(draft);
    case 'advanced':
      return draft.advanced;
    default:
      break;
  }
  const subject =
    draft.subject === 'field' ? { field: draft.field } : { attribute: draft.attribute.trim() };
  if (type === 'status') {
    return { ...subject, op: draft.op, value: draft.op === 'in' ? draft.statuses : draft.value };
  }
  if (NO_VALUE_OPS.has(draft.op)) return { ...subject, op: draft.op };
  let value: unknown;
  if (DAYS_OPS.has(draft.op)) value = Number(draft.value);
  else if (draft.op === 'between')
    value = [convert(draft.value, type), convert(draft.value2, type)];
  else if (draft.op === 'in') value = splitList(draft.value).map((item) => convert(item, type));
  else value = convert(draft.value, type);
  return { ...subject, op: draft.op, value };
}

export interface Serialized {
  /** The definition to send, or null when there is nothing (complete) to send. */
  definition: unknown;
  /** JSON path in the definition (`definition.all.1`) → the draft it came from. */
  nodeAt: Map<string, string>;
  /** Drafts that were left out because they are unfinished → why. */
  problems: Map<string, string>;
}

/**
 * Drafts → definition JSON. Unfinished conditions (and groups left empty by them) are left out
 * and reported, so the live count can follow the finished rules while someone is still typing.
 */
export function serialize(
  root: GroupDraft,
  fieldTypes: ReadonlyMap<string, ValueType>,
): Serialized {
  const nodeAt = new Map<string, string>();
  const problems = new Map<string, string>();

  const walk = (draft: RuleDraft, path: string): unknown => {
    let body: unknown;
    const inner = draft.negate ? `${path}.not` : path;
    if (draft.kind === 'group') {
      const children: unknown[] = [];
      for (const child of draft.children) {
        const json = walk(child, `${inner}.${draft.match}.${children.length}`);
        if (json !== null) children.push(json);
      }
      if (children.length === 0) return null;
      body = { [draft.match]: children };
    } else {
      const type = conditionType(draft, fieldTypes);
      const problem = conditionProblem(draft, type);
      if (problem) {
        problems.set(draft.id, problem);
        return null;
      }
      body = conditionJson(draft, type);
    }
    nodeAt.set(path, draft.id);
    nodeAt.set(inner, draft.id);
    return draft.negate ? { not: body } : body;
  };

  return { definition: walk(root, 'definition'), nodeAt, problems };
}

/**
 * The draft an API error path points at: the deepest serialized node on the path, so
 * `definition.all.1.value` names the second rule, and a problem inside a referenced segment
 * (`definition.all.0.segment.any.2`) names the rule that refers to it.
 */
export function draftForPath(path: string, nodeAt: ReadonlyMap<string, string>): string | null {
  const parts = path.split('.');
  for (let length = parts.length; length > 0; length--) {
    const id = nodeAt.get(parts.slice(0, length).join('.'));
    if (id) return id;
  }
  return null;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function valueText(value: unknown, type: ConditionType): string {
  if (value === undefined || value === null) return '';
  if (type === 'date' && typeof value === 'string') return value.slice(0, 10);
  return String(value);
}

/** The keys each kind of condition may have, by the key that names the kind. */
const CONDITION_KEYS: Record<string, readonly string[]> = {
  field: ['field', 'op', 'value'],
  attribute: ['attribute', 'op', 'value'],
  tag: ['tag', 'op'],
  list: ['list', 'op'],
  segment: ['segment', 'op'],
  event: ['event', 'op', 'count', 'withinDays', 'date', 'daysAgo', 'where'],
};

const EVENT_API_OPS = ['at_least', 'at_most', 'exactly', 'last_before', 'last_after'];
const FILTER_KEYS = ['property', 'op', 'value'];

/**
 * Whether the builder can edit a saved condition and send back what it means: a kind, keys and
 * operator it knows. Anything else (a newer API's condition) stays as it is.
 */
function isEditable(
  raw: Record<string, unknown>,
  fieldTypes: ReadonlyMap<string, ValueType>,
): boolean {
  if ('engagement' in raw) return isEditableEngagement(raw);
  const kind = Object.keys(CONDITION_KEYS).find((key) => key in raw);
  if (!kind || !Object.keys(raw).every((key) => CONDITION_KEYS[kind]!.includes(key))) return false;
  const op = raw.op;
  if (typeof op !== 'string') return false;
  switch (kind) {
    case 'tag':
      return op === 'has' || op === 'has_not';
    case 'list':
    case 'segment':
      return op === 'in' || op === 'not_in';
    case 'event':
      return (
        EVENT_API_OPS.includes(op) &&
        (raw.where === undefined ||
          (Array.isArray(raw.where) &&
            raw.where.every(
              (f) =>
                isObject(f) &&
                Object.keys(f).every((key) => FILTER_KEYS.includes(key)) &&
                (PROPERTY_OPS as readonly unknown[]).includes(f.op),
            )))
      );
    case 'field': {
      const field = CONTACT_FIELDS.find((f) => f.field === raw.field);
      return field !== undefined && OPS_BY_TYPE[field.type].includes(op);
    }
    default:
      return (
        typeof raw.attribute === 'string' &&
        OPS_BY_TYPE[fieldTypes.get(raw.attribute) ?? 'string'].includes(op)
      );
  }
}

/**
 * Definition JSON → drafts. The root is always a group, so there is one place to add rules.
 * A condition the builder doesn't know becomes an "advanced" rule that saves back unchanged.
 */
export function parseDefinition(
  definition: unknown,
  fieldTypes: ReadonlyMap<string, ValueType>,
): GroupDraft {
  const walk = (raw: unknown): RuleDraft => {
    const keys = isObject(raw) ? Object.keys(raw) : [];
    if (isObject(raw) && keys.length === 1) {
      if (Array.isArray(raw.all) || Array.isArray(raw.any)) {
        const match: Match = Array.isArray(raw.all) ? 'all' : 'any';
        return newGroup(match, (raw[match] as unknown[]).map(walk));
      }
      if ('not' in raw) {
        const inner = walk(raw.not);
        return { ...inner, negate: !inner.negate };
      }
    }
    if (!isObject(raw) || !isEditable(raw, fieldTypes))
      return newCondition({ subject: 'advanced', op: '', advanced: raw });
    const op = raw.op as string;
    const text = (v: unknown) => (typeof v === 'string' ? v : '');
    if ('tag' in raw) return newCondition({ subject: 'tag', op, value: text(raw.tag) });
    if ('list' in raw) return newCondition({ subject: 'list', op, value: text(raw.list) });
    if ('segment' in raw) return newCondition({ subject: 'segment', op, value: text(raw.segment) });
    if ('event' in raw) return newCondition({ subject: 'event', ...parseEventCondition(raw) });
    if ('engagement' in raw)
      return newCondition({ subject: 'engagement', ...parseEngagementCondition(raw) });
    const draft =
      'attribute' in raw
        ? newCondition({ subject: 'attribute', attribute: text(raw.attribute), op })
        : newCondition({ subject: 'field', field: text(raw.field), op });
    const type = conditionType(draft, fieldTypes);
    const value = raw.value;
    if (type === 'status') {
      const statuses = (Array.isArray(value) ? value : [value]).filter(
        (v): v is ContactStatus => typeof v === 'string',
      );
      return op === 'in'
        ? { ...draft, statuses }
        : { ...draft, value: statuses[0] ?? 'subscribed' };
    }
    if (op === 'between' && Array.isArray(value)) {
      return { ...draft, value: valueText(value[0], type), value2: valueText(value[1], type) };
    }
    if (op === 'in' && Array.isArray(value)) {
      return { ...draft, value: value.map((v) => valueText(v, type)).join(', ') };
    }
    return { ...draft, value: valueText(value, type) };
  };

  const root = walk(definition);
  return root.kind === 'group' ? root : newGroup('all', [root]);
}

/** Replaces the draft with `id` anywhere in the tree (or removes it when `next` is null). */
export function updateDraft(
  root: GroupDraft,
  id: string,
  next: (draft: RuleDraft) => RuleDraft | null,
): GroupDraft {
  const walk = (draft: RuleDraft): RuleDraft | null => {
    if (draft.id === id) return next(draft);
    if (draft.kind !== 'group') return draft;
    const children = draft.children.map(walk).filter((child): child is RuleDraft => child !== null);
    return children.length === draft.children.length &&
      children.every((c, i) => c === draft.children[i])
      ? draft
      : { ...draft, children };
  };
  return (walk(root) as GroupDraft | null) ?? newGroup();
}

/**
 * "Rule 1", "Group 1", "Rule 2"… in reading order, so every control has a name a screen reader
 * can say (and a test can find). The root group is "Rules".
 */
export function labelRules(root: GroupDraft): Map<string, string> {
  const labels = new Map<string, string>([[root.id, 'Rules']]);
  let rules = 0;
  let groups = 0;
  const walk = (draft: RuleDraft) => {
    if (draft.kind === 'condition') labels.set(draft.id, `Rule ${++rules}`);
    else {
      if (draft.id !== root.id) labels.set(draft.id, `Group ${++groups}`);
      draft.children.forEach(walk);
    }
  };
  walk(root);
  return labels;
}
