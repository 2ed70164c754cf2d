import { sql, type SQL } from 'drizzle-orm';
import { contacts, listMembers } from '../../db/schema/index.js';
import { AppError } from '../../http/errors.js';
import type {
  Condition,
  EventCondition,
  PropertyFilter,
  SegmentNode,
  ValueType,
} from './segment.definition.js';

/**
 * Compiles a validated rule tree into one parameterized WHERE clause over `contacts`.
 * Values only ever travel as bind parameters. Equality on attributes uses jsonb containment so
 * the GIN index on `attributes` serves it; text matching on built-in fields is case-insensitive.
 */

export interface CompileContext {
  /** Loads another segment of the same organization (already parsed), or null if unknown. */
  loadSegment(id: string): Promise<SegmentNode | null>;
  /** Whether a list belongs to the organization. */
  hasList(id: string): Promise<boolean>;
  /** Whether a campaign belongs to the organization. */
  hasCampaign(id: string): Promise<boolean>;
}

const COLUMNS = {
  email: contacts.email,
  firstName: contacts.firstName,
  lastName: contacts.lastName,
  phone: contacts.phone,
  timezone: contacts.timezone,
  locale: contacts.locale,
  source: contacts.source,
  createdAt: contacts.createdAt,
  updatedAt: contacts.updatedAt,
} as const;

const likeEscape = (v: string) => v.replace(/[\\%_]/g, (c) => `\\${c}`);
const list = (values: unknown[], cast?: string) =>
  sql.join(
    values.map((v) => (cast ? sql`${v}::${sql.raw(cast)}` : sql`${v}`)),
    sql`, `,
  );

function textCondition(expr: SQL, op: string, value: unknown, caseInsensitiveEq: boolean): SQL {
  const v = value as string;
  const eqExpr = caseInsensitiveEq ? sql`lower(${expr})` : expr;
  const eqVal = (x: unknown) => (caseInsensitiveEq ? sql`lower(${x})` : sql`${x}`);
  switch (op) {
    case 'eq':
      return sql`${eqExpr} = ${eqVal(v)}`;
    case 'neq':
      return sql`(${expr} is null or ${eqExpr} <> ${eqVal(v)})`;
    case 'contains':
      return sql`${expr} ilike ${`%${likeEscape(v)}%`}`;
    case 'starts_with':
      return sql`lower(${expr}) like ${`${likeEscape(v.toLowerCase())}%`}`;
    case 'ends_with':
      return sql`${expr} ilike ${`%${likeEscape(v)}`}`;
    case 'in': {
      const values = value as string[];
      return sql`${eqExpr} in (${list(caseInsensitiveEq ? values.map((x) => x.toLowerCase()) : values)})`;
    }
    case 'exists':
      return sql`coalesce(${expr}, '') <> ''`;
    case 'is_empty':
      return sql`coalesce(${expr}, '') = ''`;
  }
  throw new Error(`unhandled text op ${op}`);
}

function orderedCondition(
  expr: SQL,
  op: string,
  value: unknown,
  cast: 'numeric' | 'timestamptz',
): SQL {
  const p = (x: unknown) => sql`${x}::${sql.raw(cast)}`;
  switch (op) {
    case 'eq':
      return cast === 'timestamptz'
        ? sql`(${expr})::date = ${value}::date`
        : sql`${expr} = ${p(value)}`;
    case 'neq':
      return sql`(${expr} is null or ${expr} <> ${p(value)})`;
    case 'gt':
      return sql`${expr} > ${p(value)}`;
    case 'gte':
      return sql`${expr} >= ${p(value)}`;
    case 'lt':
      return sql`${expr} < ${p(value)}`;
    case 'lte':
      return sql`${expr} <= ${p(value)}`;
    case 'between': {
      const [from, to] = value as [unknown, unknown];
      return sql`${expr} between ${p(from)} and ${p(to)}`;
    }
    case 'in':
      return sql`${expr} in (${list(value as unknown[], cast)})`;
    case 'within_last':
      return sql`${expr} >= now() - make_interval(days => ${value}::int)`;
    case 'more_than_ago':
      return sql`${expr} < now() - make_interval(days => ${value}::int)`;
    case 'exists':
      return sql`${expr} is not null`;
    case 'is_empty':
      return sql`${expr} is null`;
  }
  throw new Error(`unhandled op ${op}`);
}

function attributeCondition(c: Extract<Condition, { kind: 'attribute' }>): SQL {
  const raw = sql`(${contacts.attributes} ->> ${c.key}::text)`;
  const contains = (v: unknown) =>
    sql`${contacts.attributes} @> jsonb_build_object(${c.key}::text, ${JSON.stringify(v)}::jsonb)`;
  const type: ValueType = c.type;
  if (
    (type === 'string' || type === 'number' || type === 'boolean') &&
    (c.op === 'eq' || c.op === 'neq' || c.op === 'in')
  ) {
    if (c.op === 'eq') return contains(c.value);
    if (c.op === 'neq') return sql`not (${contains(c.value)})`;
    return sql`(${sql.join((c.value as unknown[]).map(contains), sql` or `)})`;
  }
  if (c.op === 'exists') return sql`coalesce(${raw}, '') <> ''`;
  if (c.op === 'is_empty') return sql`coalesce(${raw}, '') = ''`;
  switch (type) {
    case 'string':
      return textCondition(raw, c.op, c.value, false);
    case 'number':
      return orderedCondition(
        sql`herald_try_numeric(${contacts.attributes} -> ${c.key}::text)`,
        c.op,
        c.value,
        'numeric',
      );
    case 'date':
      return orderedCondition(sql`herald_try_timestamptz(${raw})`, c.op, c.value, 'timestamptz');
    case 'boolean':
      break;
  }
  throw new Error(`unhandled attribute op ${c.op} for ${type}`);
}

function propertyCondition(f: PropertyFilter): SQL {
  const path = sql`array[${sql.join(
    f.path.map((p) => sql`${p}`),
    sql`, `,
  )}]::text[]`;
  const text = sql`(ev.properties #>> ${path})`;
  const numeric = sql`herald_try_numeric(ev.properties #> ${path})`;
  const cmp = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;
  switch (f.op) {
    case 'eq':
    case 'neq': {
      // Numbers compare as numbers (10 matches 10.0 and "10"); strings and booleans as text.
      const same =
        typeof f.value === 'number'
          ? sql`${numeric} = ${f.value}::numeric`
          : sql`${text} = ${String(f.value)}`;
      return f.op === 'eq' ? same : sql`not coalesce(${same}, false)`;
    }
    case 'contains':
      return sql`${text} ilike ${`%${likeEscape(String(f.value))}%`}`;
    default:
      return typeof f.value === 'number'
        ? sql`${numeric} ${sql.raw(cmp[f.op])} ${f.value}::numeric`
        : sql`herald_try_timestamptz(${text}) ${sql.raw(cmp[f.op])} ${f.value}::timestamptz`;
  }
}

/**
 * Track events of the contact, correlated on `events_contact_idx` (contact, name, time).
 * Counts stop early: "at least N" is an EXISTS that skips N−1 rows, never a full count.
 */
function eventCondition(c: EventCondition): SQL {
  const filters = c.where.map((f) => sql` and ${propertyCondition(f)}`);
  const matching = (extra: SQL = sql``) =>
    sql`select 1 from events ev where ev.contact_id = ${contacts.id} and ev.org_id = ${contacts.orgId}
      and ev.name = ${c.event} and ev.type = 'track'${sql.join(filters, sql``)}${extra}`;
  const atLeast = (n: number, extra?: SQL) => sql`exists (${matching(extra)} offset ${n - 1})`;
  if (!('count' in c)) {
    const since = sql` and ev.occurred_at >= ${
      c.date !== null
        ? sql`${c.date}::timestamptz`
        : sql`now() - make_interval(days => ${c.daysAgo}::int)`
    }`;
    return c.op === 'last_after'
      ? atLeast(1, since)
      : sql`(${atLeast(1)} and not ${atLeast(1, since)})`;
  }
  const window =
    c.withinDays !== null
      ? sql` and ev.occurred_at >= now() - make_interval(days => ${c.withinDays}::int)`
      : sql``;
  switch (c.op) {
    case 'at_least':
      return atLeast(c.count, window);
    case 'at_most':
      return sql`not ${atLeast(c.count + 1, window)}`;
    case 'exactly':
      return c.count === 0
        ? sql`not ${atLeast(1, window)}`
        : sql`(${atLeast(c.count, window)} and not ${atLeast(c.count + 1, window)})`;
  }
}

/** `selfId`: the segment being compiled, so a reference back to it is caught as a cycle. */
export async function compileSegment(
  node: SegmentNode,
  ctx: CompileContext,
  selfId?: string,
): Promise<SQL> {
  const walk = async (n: SegmentNode, path: string, visiting: Set<string>): Promise<SQL> => {
    switch (n.kind) {
      case 'all':
      case 'any': {
        const parts = await Promise.all(
          n.children.map((c, i) => walk(c, `${path}.${n.kind}.${i}`, visiting)),
        );
        return sql`(${sql.join(parts, n.kind === 'all' ? sql` and ` : sql` or `)})`;
      }
      case 'not':
        return sql`not (${await walk(n.child, `${path}.not`, visiting)})`;
      case 'status':
        return n.op === 'neq'
          ? sql`${contacts.status} <> ${n.value[0]}::contact_status`
          : sql`${contacts.status} in (${list(n.value, 'contact_status')})`;
      case 'field': {
        const column = COLUMNS[n.field as keyof typeof COLUMNS];
        return n.type === 'date'
          ? orderedCondition(sql`${column}`, n.op, n.value, 'timestamptz')
          : textCondition(sql`${column}`, n.op, n.value, true);
      }
      case 'attribute':
        return attributeCondition(n);
      case 'tag': {
        const has = sql`${contacts.tags} @> array[${n.tag}]::text[]`;
        return n.op === 'has' ? has : sql`not (${has})`;
      }
      case 'list': {
        if (!(await ctx.hasList(n.listId))) {
          throw new AppError('unprocessable', 'The segment refers to a list that does not exist.', {
            errors: [{ path: `${path}.list`, message: 'no such list' }],
          });
        }
        const member = sql`exists (select 1 from ${listMembers} where ${listMembers.listId} = ${n.listId} and ${listMembers.contactId} = ${contacts.id})`;
        return n.op === 'in' ? member : sql`not ${member}`;
      }
      case 'engagement': {
        if (n.campaignId && !(await ctx.hasCampaign(n.campaignId))) {
          throw new AppError(
            'unprocessable',
            'The segment refers to a campaign that does not exist.',
            {
              errors: [{ path: `${path}.campaign`, message: 'no such campaign' }],
            },
          );
        }
        // The ledger row of each message (indexed by contact): received = delivered.
        const column = { received: 'sent_at', opened: 'opened_at', clicked: 'clicked_at' }[
          n.engagement
        ];
        const since =
          n.withinDays !== null
            ? sql` and m.${sql.raw(column)} >= now() - ${`${n.withinDays} days`}::interval`
            : sql``;
        const happened = sql`exists (select 1 from messages m where m.contact_id = ${contacts.id}
          and m.org_id = ${contacts.orgId}
          ${n.campaignId ? sql`and m.campaign_id = ${n.campaignId}::uuid` : sql``}
          and m.${sql.raw(column)} is not null${since})`;
        return n.op === 'has' ? happened : sql`not ${happened}`;
      }
      case 'event':
        return eventCondition(n);
      case 'segment': {
        if (visiting.has(n.segmentId)) {
          throw new AppError(
            'unprocessable',
            'Segments may not refer to themselves, directly or through others.',
            {
              errors: [{ path: `${path}.segment`, message: 'circular segment reference' }],
            },
          );
        }
        const other = await ctx.loadSegment(n.segmentId);
        if (!other) {
          throw new AppError(
            'unprocessable',
            'The segment refers to a segment that does not exist.',
            {
              errors: [{ path: `${path}.segment`, message: 'no such segment' }],
            },
          );
        }
        const inner = await walk(other, `${path}.segment`, new Set([...visiting, n.segmentId]));
        return n.op === 'in' ? sql`(${inner})` : sql`not (${inner})`;
      }
    }
  };
  return walk(node, 'definition', new Set(selfId ? [selfId] : []));
}
