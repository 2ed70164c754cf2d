import { z } from 'zod';

/**
 * A flow's definition: a graph a canvas can draw as it is. Nodes are
 * `{ id, type, position: { x, y }, config }`, edges `{ id, source, sourceHandle?, target }`.
 * Exactly one node is the `trigger` (its config says what enrols a contact); the run starts at
 * the node its one edge leads to. Nodes with more than one way out name their handles:
 * wait_for_event → 'event' | 'timeout', branch → 'yes' | 'no', random_split → its branch ids;
 * every other node has one unnamed handle (sourceHandle absent or null).
 *
 * This file is the shape (zod); flow-graph.ts checks the graph, flow-validation.ts what the
 * definition refers to in the organization.
 */

/** Node, edge and branch ids travel in job ids and message keys: short and plain. */
export const StepIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, '1–64 letters, digits, _ or -');

const AttributeKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,100}$/, 'an attribute key (letters, digits, _ . -)');

const HHMMSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 24-hour');

const TimezoneSchema = z
  .string()
  .max(100)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'an IANA timezone such as Europe/Paris');

const ScalarSchema = z.union([z.string().max(1000), z.number(), z.boolean()]);

export const FILTER_OPS = [
  'eq',
  'neq',
  'gt',
  'gte',
  'lt',
  'lte',
  'contains',
  'in',
  'exists',
  'not_exists',
] as const;

/** One test on an event's properties; `path` is dotted (`order.total`, `items.0.sku`). */
export const PropertyConditionSchema = z.strictObject({
  path: z.string().min(1).max(200),
  op: z.enum(FILTER_OPS),
  value: z.union([ScalarSchema, z.array(ScalarSchema).max(100)]).optional(),
});
/** Every condition must hold. */
export const PropertyFilterSchema = z.array(PropertyConditionSchema).max(20).default([]);

export const DURATION_UNITS = ['seconds', 'minutes', 'hours', 'days', 'weeks'] as const;
export const DurationSchema = z.strictObject({
  amount: z.number().int().min(1).max(100_000),
  unit: z.enum(DURATION_UNITS),
});
export type Duration = z.infer<typeof DurationSchema>;

const UNIT_MS: Record<(typeof DURATION_UNITS)[number], number> = {
  seconds: 1_000,
  minutes: 60_000,
  hours: 3_600_000,
  days: 86_400_000,
  weeks: 604_800_000,
};
export const durationMs = (d: Duration) => d.amount * UNIT_MS[d.unit];

export const TriggerConfigSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('event'),
    name: z.string().min(1).max(200),
    propertyFilter: PropertyFilterSchema,
  }),
  z.strictObject({ type: z.literal('segment_entered'), segmentId: z.uuid() }),
  z.strictObject({ type: z.literal('contact_created') }),
  z.strictObject({
    type: z.literal('date_attribute'),
    attribute: AttributeKeySchema,
    offsetDays: z.number().int().min(0).max(366).default(0),
    direction: z.enum(['before', 'after']).default('before'),
    at: HHMMSchema.default('09:00'),
    timezone: TimezoneSchema.default('UTC'),
    /** Every year on the date's month and day (birthdays), instead of the date itself once. */
    yearly: z.boolean().default(false),
  }),
  z.strictObject({ type: z.literal('list_added'), listId: z.uuid() }),
  z.strictObject({ type: z.literal('manual') }),
]);
export type TriggerConfig = z.infer<typeof TriggerConfigSchema>;
export type TriggerType = TriggerConfig['type'];

export const BranchConditionSchema = z.discriminatedUnion('type', [
  /** Segment rules (attributes, fields, tags, lists, status) tested against the contact now. */
  z.strictObject({ type: z.literal('rules'), rules: z.record(z.string(), z.unknown()) }),
  z.strictObject({
    type: z.literal('segment'),
    segmentId: z.uuid(),
    op: z.enum(['in', 'not_in']).default('in'),
  }),
  /** The email a send_email step of this run sent (default: the run's most recent one). */
  z.strictObject({
    type: z.literal('email'),
    action: z.enum(['opened', 'clicked']),
    op: z.enum(['has', 'has_not']).default('has'),
    stepId: StepIdSchema.optional(),
  }),
  /** A property of the data that started the run (the trigger event's properties). */
  z.strictObject({
    type: z.literal('trigger'),
    path: z.string().min(1).max(200),
    op: z.enum(FILTER_OPS),
    value: z.union([ScalarSchema, z.array(ScalarSchema).max(100)]).optional(),
  }),
]);
export type BranchCondition = z.infer<typeof BranchConditionSchema>;

export const UpdateActionSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('set_attribute'),
    attribute: AttributeKeySchema,
    value: ScalarSchema,
  }),
  z.strictObject({ type: z.literal('unset_attribute'), attribute: AttributeKeySchema }),
  z.strictObject({ type: z.literal('add_tag'), tag: z.string().trim().min(1).max(100) }),
  z.strictObject({ type: z.literal('remove_tag'), tag: z.string().trim().min(1).max(100) }),
  z.strictObject({ type: z.literal('add_to_list'), listId: z.uuid() }),
  z.strictObject({ type: z.literal('remove_from_list'), listId: z.uuid() }),
  z.strictObject({ type: z.literal('unsubscribe') }),
]);
export type UpdateAction = z.infer<typeof UpdateActionSchema>;

const WaitConfigSchema = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('duration'), duration: DurationSchema }),
  /** The next time the contact's clock shows `at` (on one of `days`, ISO 1 = Monday … 7). */
  z.strictObject({
    mode: z.literal('time_of_day'),
    at: HHMMSchema,
    days: z.array(z.number().int().min(1).max(7)).min(1).max(7).optional(),
    /** For contacts without a timezone. (Default: UTC) */
    timezone: TimezoneSchema.default('UTC'),
  }),
  /** Until the contact's date attribute (± days) at `at`; a date already past continues at once. */
  z.strictObject({
    mode: z.literal('date_attribute'),
    attribute: AttributeKeySchema,
    offsetDays: z.number().int().min(0).max(366).default(0),
    direction: z.enum(['before', 'after']).default('before'),
    at: HHMMSchema.default('09:00'),
    timezone: TimezoneSchema.default('UTC'),
  }),
]);
export type WaitConfig = z.infer<typeof WaitConfigSchema>;

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/;

const position = z.object({ x: z.number(), y: z.number() });
const nodeBase = { id: StepIdSchema, position, label: z.string().max(200).optional() };

export const FlowNodeSchema = z.discriminatedUnion('type', [
  z.object({ ...nodeBase, type: z.literal('trigger'), config: TriggerConfigSchema }),
  z.object({
    ...nodeBase,
    type: z.literal('send_email'),
    config: z.strictObject({
      templateId: z.uuid(),
      /** (Default: the organization's first active sender) */
      senderId: z.uuid().nullable().optional(),
      /** Replaces the template's subject; Liquid like the template. */
      subject: z.string().trim().min(1).max(500).nullable().optional(),
    }),
  }),
  z.object({ ...nodeBase, type: z.literal('wait'), config: WaitConfigSchema }),
  z.object({
    ...nodeBase,
    type: z.literal('wait_for_event'),
    config: z.strictObject({
      name: z.string().min(1).max(200),
      propertyFilter: PropertyFilterSchema,
      timeout: DurationSchema,
    }),
  }),
  z.object({
    ...nodeBase,
    type: z.literal('branch'),
    config: z.strictObject({
      match: z.enum(['all', 'any']).default('all'),
      conditions: z.array(BranchConditionSchema).min(1).max(20),
    }),
  }),
  z.object({
    ...nodeBase,
    type: z.literal('random_split'),
    config: z.strictObject({
      branches: z
        .array(
          z.strictObject({
            id: StepIdSchema,
            label: z.string().max(200).optional(),
            percent: z.number().int().min(0).max(100),
          }),
        )
        .min(2)
        .max(10),
    }),
  }),
  z.object({
    ...nodeBase,
    type: z.literal('update_contact'),
    config: z.strictObject({ actions: z.array(UpdateActionSchema).min(1).max(20) }),
  }),
  z.object({
    ...nodeBase,
    type: z.literal('webhook'),
    config: z.strictObject({
      url: z.string().min(1).max(2000),
      method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('POST'),
      headers: z
        .record(z.string().regex(HEADER_NAME, 'a header name'), z.string().max(2000))
        .default({}),
      /** Liquid, sandboxed like templates; `contact`, `trigger`, `flow`, `run` are in scope. */
      body: z.string().max(65_536).nullable().optional(),
      /** Contact attribute ← dotted path in the JSON response (`data.plan`, `items.0.id`). */
      responseMapping: z.record(AttributeKeySchema, z.string().min(1).max(200)).default({}),
      /** After the last retry: go on along the node's edge, or end the run as failed. */
      onFailure: z.enum(['continue', 'fail']).default('continue'),
    }),
  }),
  z.object({ ...nodeBase, type: z.literal('exit'), config: z.strictObject({}).default({}) }),
]);
export type FlowNode = z.infer<typeof FlowNodeSchema>;
export type FlowNodeType = FlowNode['type'];
export type NodeOf<T extends FlowNodeType> = Extract<FlowNode, { type: T }>;

export const FlowEdgeSchema = z.object({
  id: StepIdSchema,
  source: StepIdSchema,
  /** Absent or null for nodes with one way out. */
  sourceHandle: z.string().max(64).nullable().optional(),
  target: StepIdSchema,
});
export type FlowEdge = z.infer<typeof FlowEdgeSchema>;

export const RE_ENTRY = ['once', 'once_at_a_time', 'every_time'] as const;
export type ReEntry = (typeof RE_ENTRY)[number];

export const ExitConditionSchema = z.strictObject({
  type: z.literal('event'),
  name: z.string().min(1).max(200),
  propertyFilter: PropertyFilterSchema,
});
export type ExitCondition = z.infer<typeof ExitConditionSchema>;

export const MAX_NODES = 200;

/** The whole definition as parsed; `nodes` and `edges` are checked one by one (see below). */
export const DefinitionShapeSchema = z.object({
  reEntry: z.enum(RE_ENTRY).default('once'),
  exitConditions: z.array(ExitConditionSchema).max(10).default([]),
  nodes: z.array(z.unknown()).max(MAX_NODES),
  edges: z.array(z.unknown()).max(MAX_NODES * 3),
  /** The canvas's viewport, kept as given. */
  viewport: z.object({ x: z.number(), y: z.number(), zoom: z.number() }).optional(),
});

export interface FlowDefinition {
  reEntry: ReEntry;
  exitConditions: ExitCondition[];
  nodes: FlowNode[];
  edges: FlowEdge[];
  viewport?: { x: number; y: number; zoom: number } | undefined;
}

/** A problem in a definition, placed where the canvas can show it. */
export interface DefinitionProblem {
  /** The node to mark, when the problem is about one. */
  nodeId?: string;
  /** The edge to mark, when the problem is about one. */
  edgeId?: string;
  /** Where in the definition (`nodes.send1.config.templateId`, `reEntry`). */
  path: string;
  message: string;
}

/** The handles a node's edges may leave from; null is the single unnamed one. */
export function handlesOf(node: FlowNode): (string | null)[] {
  switch (node.type) {
    case 'wait_for_event':
      return ['event', 'timeout'];
    case 'branch':
      return ['yes', 'no'];
    case 'random_split':
      return node.config.branches.map((b) => b.id);
    case 'exit':
      return [];
    default:
      return [null];
  }
}

export const normalizeHandle = (h: string | null | undefined) =>
  h === undefined || h === '' ? null : h;

/** A new flow's starting point: a manual trigger and nothing else. */
export function emptyDefinition(): Record<string, unknown> {
  return {
    reEntry: 'once',
    exitConditions: [],
    nodes: [
      { id: 'trigger', type: 'trigger', position: { x: 0, y: 0 }, config: { type: 'manual' } },
    ],
    edges: [],
  };
}
