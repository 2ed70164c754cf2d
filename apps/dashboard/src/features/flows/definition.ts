/**
 * A flow's definition as the canvas edits it: the same JSON the API stores (see the API's
 * flow.definition.ts), typed loosely enough to hold a half-filled step while someone is still
 * choosing its template or event. The API, not this file, decides what is valid.
 */

export const STEP_TYPES = [
  'trigger',
  'send_email',
  'wait',
  'wait_for_event',
  'branch',
  'random_split',
  'update_contact',
  'webhook',
  'exit',
] as const;
export type StepType = (typeof STEP_TYPES)[number];

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
export type FilterOp = (typeof FILTER_OPS)[number];
export type Scalar = string | number | boolean;

export interface PropertyCondition {
  path: string;
  op: FilterOp;
  value?: Scalar | Scalar[] | undefined;
}

export const DURATION_UNITS = ['seconds', 'minutes', 'hours', 'days', 'weeks'] as const;
export type DurationUnit = (typeof DURATION_UNITS)[number];
export interface Duration {
  amount: number;
  unit: DurationUnit;
}

export type TriggerConfig =
  | { type: 'event'; name: string; propertyFilter?: PropertyCondition[] }
  | { type: 'segment_entered'; segmentId: string }
  | { type: 'contact_created' }
  | {
      type: 'date_attribute';
      attribute: string;
      offsetDays?: number;
      direction?: 'before' | 'after';
      at?: string;
      timezone?: string;
      yearly?: boolean;
    }
  | { type: 'list_added'; listId: string }
  | { type: 'manual' };
export type TriggerType = TriggerConfig['type'];

export interface SendEmailConfig {
  templateId: string;
  senderId?: string | null;
  subject?: string | null;
}

export type WaitConfig =
  | { mode: 'duration'; duration: Duration }
  | { mode: 'time_of_day'; at: string; days?: number[]; timezone?: string }
  | {
      mode: 'date_attribute';
      attribute: string;
      offsetDays?: number;
      direction?: 'before' | 'after';
      at?: string;
      timezone?: string;
    };
export type WaitMode = WaitConfig['mode'];

export interface WaitForEventConfig {
  name: string;
  propertyFilter?: PropertyCondition[];
  timeout: Duration;
}

export type BranchCondition =
  | { type: 'rules'; rules: Record<string, unknown> }
  | { type: 'segment'; segmentId: string; op?: 'in' | 'not_in' }
  | { type: 'email'; action: 'opened' | 'clicked'; op?: 'has' | 'has_not'; stepId?: string }
  | { type: 'trigger'; path: string; op: FilterOp; value?: Scalar | Scalar[] };
export type BranchConditionType = BranchCondition['type'];

export interface BranchConfig {
  match: 'all' | 'any';
  conditions: BranchCondition[];
}

export interface SplitBranch {
  id: string;
  label?: string;
  percent: number;
}
export interface RandomSplitConfig {
  branches: SplitBranch[];
}

export type UpdateAction =
  | { type: 'set_attribute'; attribute: string; value: Scalar }
  | { type: 'unset_attribute'; attribute: string }
  | { type: 'add_tag'; tag: string }
  | { type: 'remove_tag'; tag: string }
  | { type: 'add_to_list'; listId: string }
  | { type: 'remove_from_list'; listId: string }
  | { type: 'unsubscribe' };
export type UpdateActionType = UpdateAction['type'];

export interface UpdateContactConfig {
  actions: UpdateAction[];
}

export const WEBHOOK_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export interface WebhookConfig {
  url: string;
  method?: (typeof WEBHOOK_METHODS)[number];
  headers?: Record<string, string>;
  body?: string | null;
  responseMapping?: Record<string, string>;
  onFailure?: 'continue' | 'fail';
}

export interface ConfigByType {
  trigger: TriggerConfig;
  send_email: SendEmailConfig;
  wait: WaitConfig;
  wait_for_event: WaitForEventConfig;
  branch: BranchConfig;
  random_split: RandomSplitConfig;
  update_contact: UpdateContactConfig;
  webhook: WebhookConfig;
  exit: Record<string, never>;
}

export type StepOf<T extends StepType> = {
  id: string;
  type: T;
  position: { x: number; y: number };
  label?: string | undefined;
  config: ConfigByType[T];
};
export type Step = { [T in StepType]: StepOf<T> }[StepType];

export interface FlowEdge {
  id: string;
  source: string;
  sourceHandle?: string | null | undefined;
  target: string;
}

export const RE_ENTRY = ['once', 'once_at_a_time', 'every_time'] as const;
export type ReEntry = (typeof RE_ENTRY)[number];

export interface ExitCondition {
  type: 'event';
  name: string;
  propertyFilter?: PropertyCondition[];
}

export interface FlowDefinition {
  reEntry: ReEntry;
  exitConditions: ExitCondition[];
  nodes: Step[];
  edges: FlowEdge[];
  viewport?: { x: number; y: number; zoom: number } | undefined;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isStepType = (value: unknown): value is StepType =>
  typeof value === 'string' && (STEP_TYPES as readonly string[]).includes(value);

/**
 * Whatever the API holds as the draft, read as a definition the canvas can draw. Nodes of an
 * unknown type are dropped (the API would report them, and nothing on the canvas could edit
 * them); everything else is kept as stored, problems included.
 */
export function readDefinition(raw: unknown): FlowDefinition {
  const source = isObject(raw) ? raw : {};
  const nodes = (Array.isArray(source.nodes) ? source.nodes : [])
    .filter(isObject)
    .filter((node) => typeof node.id === 'string' && isStepType(node.type))
    .map((node, index) => {
      const position = isObject(node.position) ? node.position : {};
      return {
        id: node.id as string,
        type: node.type as StepType,
        position: {
          x: typeof position.x === 'number' ? position.x : 0,
          y: typeof position.y === 'number' ? position.y : index * 160,
        },
        ...(typeof node.label === 'string' && node.label ? { label: node.label } : {}),
        config: (isObject(node.config) ? node.config : {}) as never,
      } as Step;
    });
  const edges = (Array.isArray(source.edges) ? source.edges : [])
    .filter(isObject)
    .filter((edge) => typeof edge.source === 'string' && typeof edge.target === 'string')
    .map((edge, index) => ({
      id: typeof edge.id === 'string' ? edge.id : `e${index + 1}`,
      source: edge.source as string,
      target: edge.target as string,
      sourceHandle: typeof edge.sourceHandle === 'string' ? edge.sourceHandle : null,
    }));
  const reEntry = (RE_ENTRY as readonly unknown[]).includes(source.reEntry)
    ? (source.reEntry as ReEntry)
    : 'once';
  const exitConditions = (Array.isArray(source.exitConditions) ? source.exitConditions : [])
    .filter(isObject)
    .map((c) => ({
      type: 'event' as const,
      name: typeof c.name === 'string' ? c.name : '',
      propertyFilter: Array.isArray(c.propertyFilter)
        ? (c.propertyFilter as PropertyCondition[])
        : [],
    }));
  const viewport = isObject(source.viewport) ? source.viewport : undefined;
  return {
    reEntry,
    exitConditions,
    nodes,
    edges,
    ...(viewport &&
    typeof viewport.x === 'number' &&
    typeof viewport.y === 'number' &&
    typeof viewport.zoom === 'number'
      ? { viewport: { x: viewport.x, y: viewport.y, zoom: viewport.zoom } }
      : {}),
  };
}

/** The handles a step's edges leave from; null is the single unnamed one. */
export function handlesOf(step: Step): (string | null)[] {
  switch (step.type) {
    case 'wait_for_event':
      return ['event', 'timeout'];
    case 'branch':
      return ['yes', 'no'];
    case 'random_split':
      return (step.config.branches ?? []).map((b) => b.id);
    case 'exit':
      return [];
    default:
      return [null];
  }
}

/** What a handle is called on the canvas and in pickers. */
export function handleLabel(step: Step, handle: string | null): string {
  if (handle === null) return 'Next';
  if (step.type === 'wait_for_event') return handle === 'event' ? 'Event happened' : 'Timed out';
  if (step.type === 'branch') return handle === 'yes' ? 'Yes' : 'No';
  if (step.type === 'random_split') {
    const branch = step.config.branches?.find((b) => b.id === handle);
    return branch ? `${branch.label || handle} · ${branch.percent} %` : handle;
  }
  return handle;
}

const DEFAULT_CONFIG: { [T in StepType]: () => ConfigByType[T] } = {
  trigger: () => ({ type: 'manual' }),
  send_email: () => ({ templateId: '', senderId: null, subject: null }),
  wait: () => ({ mode: 'duration', duration: { amount: 1, unit: 'days' } }),
  wait_for_event: () => ({ name: '', propertyFilter: [], timeout: { amount: 3, unit: 'days' } }),
  branch: () => ({ match: 'all', conditions: [{ type: 'email', action: 'opened', op: 'has' }] }),
  random_split: () => ({
    branches: [
      { id: 'a', label: 'A', percent: 50 },
      { id: 'b', label: 'B', percent: 50 },
    ],
  }),
  update_contact: () => ({ actions: [{ type: 'add_tag', tag: '' }] }),
  webhook: () => ({
    url: '',
    method: 'POST',
    headers: {},
    body: null,
    responseMapping: {},
    onFailure: 'continue',
  }),
  exit: () => ({}),
};

export const defaultConfig = <T extends StepType>(type: T): ConfigByType[T] =>
  DEFAULT_CONFIG[type]();

const ID_PREFIX: Record<StepType, string> = {
  trigger: 'trigger',
  send_email: 'email',
  wait: 'wait',
  wait_for_event: 'wait-event',
  branch: 'branch',
  random_split: 'split',
  update_contact: 'update',
  webhook: 'webhook',
  exit: 'exit',
};

/** A short id no other node or edge uses (`email-2`): ids travel in job keys and run paths. */
export function nextId(prefix: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  for (let n = 1; ; n++) {
    const id = `${prefix}-${n}`;
    if (!used.has(id)) return id;
  }
}

export function newStep<T extends StepType>(
  type: T,
  position: { x: number; y: number },
  takenIds: Iterable<string>,
): StepOf<T> {
  return { id: nextId(ID_PREFIX[type], takenIds), type, position, config: defaultConfig(type) };
}

/** The first handle of `step` with no edge out yet, or undefined when all are taken. */
export function freeHandle(step: Step, edges: readonly FlowEdge[]): string | null | undefined {
  const used = new Set(
    edges.filter((e) => e.source === step.id).map((e) => e.sourceHandle ?? null),
  );
  return handlesOf(step).find((h) => !used.has(h));
}

/**
 * Whether an edge from `source` (through `handle`) to `target` is one the API would accept:
 * never into the trigger or out of an exit, not to itself, and one edge per handle.
 */
export function canConnect(
  source: Step | undefined,
  handle: string | null,
  target: Step | undefined,
  edges: readonly FlowEdge[],
): boolean {
  if (!source || !target || source.id === target.id) return false;
  if (target.type === 'trigger') return false;
  if (!handlesOf(source).includes(handle)) return false;
  return !edges.some((e) => e.source === source.id && (e.sourceHandle ?? null) === handle);
}

/** Edges whose handle the source no longer has (a split branch removed). */
export function pruneEdges(nodes: readonly Step[], edges: readonly FlowEdge[]): FlowEdge[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  return edges.filter((e) => {
    const source = byId.get(e.source);
    return (
      source !== undefined &&
      byId.has(e.target) &&
      handlesOf(source).includes(e.sourceHandle ?? null)
    );
  });
}

/** The definition as the API takes it: only the keys the schema knows, nothing React Flow added. */
export function toDefinitionJson(definition: FlowDefinition): Record<string, unknown> {
  return {
    reEntry: definition.reEntry,
    exitConditions: definition.exitConditions,
    nodes: definition.nodes.map((n) => ({
      id: n.id,
      type: n.type,
      position: { x: Math.round(n.position.x), y: Math.round(n.position.y) },
      ...(n.label ? { label: n.label } : {}),
      config: n.config,
    })),
    edges: definition.edges.map((e) => ({
      id: e.id,
      source: e.source,
      ...(e.sourceHandle ? { sourceHandle: e.sourceHandle } : {}),
      target: e.target,
    })),
    ...(definition.viewport ? { viewport: definition.viewport } : {}),
  };
}
