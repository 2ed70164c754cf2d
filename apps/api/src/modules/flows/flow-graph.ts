import type { z } from 'zod';
import {
  DefinitionShapeSchema,
  FlowEdgeSchema,
  FlowNodeSchema,
  handlesOf,
  normalizeHandle,
  StepIdSchema,
  type DefinitionProblem,
  type FlowDefinition,
  type FlowEdge,
  type FlowNode,
  type NodeOf,
} from './flow.definition.js';

/** The graph rules of a definition, and the graph the engine and the simulator walk. */

/** Node lookups and where each handle leads, for the engine and the simulator. */
export class FlowGraph {
  readonly nodes = new Map<string, FlowNode>();
  private readonly next = new Map<string, string>();

  constructor(readonly definition: FlowDefinition) {
    for (const node of definition.nodes) this.nodes.set(node.id, node);
    for (const edge of definition.edges) {
      this.next.set(`${edge.source}\u0000${normalizeHandle(edge.sourceHandle) ?? ''}`, edge.target);
    }
  }

  get trigger(): NodeOf<'trigger'> {
    return this.definition.nodes.find((n): n is NodeOf<'trigger'> => n.type === 'trigger')!;
  }

  /** Where the run goes from `nodeId` through `handle`; null: nothing connected, the run ends. */
  target(nodeId: string, handle: string | null): string | null {
    return this.next.get(`${nodeId}\u0000${handle ?? ''}`) ?? null;
  }

  /** The first step of a run. */
  get entry(): string | null {
    return this.target(this.trigger.id, null);
  }
}

function zodProblems(
  error: z.ZodError,
  prefix: string,
  where: Pick<DefinitionProblem, 'nodeId' | 'edgeId'>,
): DefinitionProblem[] {
  return error.issues.map((issue) => ({
    ...where,
    path: [prefix, ...issue.path.map(String)].filter(Boolean).join('.'),
    message: issue.message,
  }));
}

const idOf = (raw: unknown): string | undefined => {
  const id = (raw as { id?: unknown } | null)?.id;
  return typeof id === 'string' && StepIdSchema.safeParse(id).success ? id : undefined;
};

/**
 * Checks shape and graph: one trigger with one edge, ids unique, edges between existing nodes
 * from handles their source has (one edge per handle), every node reachable from the trigger,
 * no cycle without a wait in it, percentages that add up to 100. Unconnected handles are
 * allowed: a run that takes one ends there, completed. Returns every problem found, and what
 * could be parsed (null only when the definition is not even the right shape); a definition
 * is usable only with no problems.
 */
export function parseFlowDefinition(raw: unknown): {
  definition: FlowDefinition | null;
  problems: DefinitionProblem[];
} {
  const problems: DefinitionProblem[] = [];
  const shape = DefinitionShapeSchema.safeParse(raw);
  if (!shape.success) return { definition: null, problems: zodProblems(shape.error, '', {}) };

  const nodes: FlowNode[] = [];
  const seen = new Set<string>();
  shape.data.nodes.forEach((rawNode, i) => {
    const id = idOf(rawNode);
    const prefix = id ? `nodes.${id}` : `nodes.${i}`;
    const parsed = FlowNodeSchema.safeParse(rawNode);
    if (!parsed.success) {
      problems.push(...zodProblems(parsed.error, prefix, id ? { nodeId: id } : {}));
      // Still known by id, so edges to it are not reported as dangling too.
      if (id) seen.add(id);
      return;
    }
    const node = parsed.data;
    if (seen.has(node.id)) {
      problems.push({ nodeId: node.id, path: prefix, message: 'another node has this id' });
      return;
    }
    seen.add(node.id);
    nodes.push(node);
    if (node.type === 'random_split') {
      const total = node.config.branches.reduce((sum, b) => sum + b.percent, 0);
      if (total !== 100)
        problems.push({
          nodeId: node.id,
          path: `${prefix}.config.branches`,
          message: `percentages add up to ${total}, not 100`,
        });
      const ids = node.config.branches.map((b) => b.id);
      if (new Set(ids).size !== ids.length)
        problems.push({
          nodeId: node.id,
          path: `${prefix}.config.branches`,
          message: 'branch ids must differ',
        });
    }
  });

  const byId = new Map(nodes.map((n) => [n.id, n]));
  const triggers = nodes.filter((n) => n.type === 'trigger');
  if (triggers.length === 0 && !problems.some((p) => p.path.endsWith('.type')))
    problems.push({ path: 'nodes', message: 'a flow needs exactly one trigger node' });
  for (const extra of triggers.slice(1))
    problems.push({
      nodeId: extra.id,
      path: `nodes.${extra.id}`,
      message: 'a flow has exactly one trigger',
    });

  const edges: FlowEdge[] = [];
  const edgeIds = new Set<string>();
  const usedHandles = new Set<string>();
  shape.data.edges.forEach((rawEdge, i) => {
    const id = idOf(rawEdge);
    const prefix = id ? `edges.${id}` : `edges.${i}`;
    const parsed = FlowEdgeSchema.safeParse(rawEdge);
    if (!parsed.success) {
      problems.push(...zodProblems(parsed.error, prefix, id ? { edgeId: id } : {}));
      return;
    }
    const edge = { ...parsed.data, sourceHandle: normalizeHandle(parsed.data.sourceHandle) };
    const at = (message: string, nodeId?: string): DefinitionProblem => ({
      edgeId: edge.id,
      ...(nodeId ? { nodeId } : {}),
      path: prefix,
      message,
    });
    if (edgeIds.has(edge.id)) {
      problems.push(at('another edge has this id'));
      return;
    }
    edgeIds.add(edge.id);
    const source = byId.get(edge.source);
    const target = byId.get(edge.target);
    if (!seen.has(edge.source)) problems.push(at(`starts at ${edge.source}, which does not exist`));
    if (!seen.has(edge.target)) problems.push(at(`leads to ${edge.target}, which does not exist`));
    if (!source) return;
    const handles = handlesOf(source);
    if (!handles.includes(edge.sourceHandle)) {
      problems.push(
        at(
          handles.length === 0
            ? `${source.type} ends the run: nothing may follow it`
            : handles[0] === null
              ? `${source.type} has one way out; leave sourceHandle empty`
              : `sourceHandle must be one of ${handles.join(', ')}`,
          source.id,
        ),
      );
      return;
    }
    if (!target) return;
    if (target.type === 'trigger') {
      problems.push(at('nothing may lead back into the trigger', target.id));
      return;
    }
    if (edge.source === edge.target) {
      problems.push(at('a node cannot lead to itself', source.id));
      return;
    }
    const key = `${edge.source}\u0000${edge.sourceHandle ?? ''}`;
    if (usedHandles.has(key)) {
      problems.push(
        at(
          edge.sourceHandle
            ? `the "${edge.sourceHandle}" way out of ${source.id} already has an edge`
            : `${source.id} already has an edge out`,
          source.id,
        ),
      );
      return;
    }
    usedHandles.add(key);
    edges.push(edge);
  });

  const definition: FlowDefinition = {
    reEntry: shape.data.reEntry,
    exitConditions: shape.data.exitConditions,
    nodes,
    edges,
    ...(shape.data.viewport ? { viewport: shape.data.viewport } : {}),
  };
  if (triggers.length === 1) {
    const trigger = triggers[0]!;
    if (!edges.some((e) => e.source === trigger.id))
      problems.push({
        nodeId: trigger.id,
        path: `nodes.${trigger.id}`,
        message: 'connect the trigger to the first step',
      });
    problems.push(...graphProblems(definition, trigger.id));
  }
  return { definition, problems };
}

/** Unreachable nodes, and cycles that no wait interrupts (a run would spin without pause). */
function graphProblems(definition: FlowDefinition, triggerId: string): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const out = new Map<string, string[]>();
  for (const e of definition.edges) out.set(e.source, [...(out.get(e.source) ?? []), e.target]);

  const reached = new Set<string>([triggerId]);
  const stack = [triggerId];
  while (stack.length > 0) {
    for (const next of out.get(stack.pop()!) ?? []) {
      if (!reached.has(next)) {
        reached.add(next);
        stack.push(next);
      }
    }
  }
  for (const node of definition.nodes) {
    if (!reached.has(node.id))
      problems.push({
        nodeId: node.id,
        path: `nodes.${node.id}`,
        message: 'no path from the trigger reaches this step',
      });
  }

  // Cycles among nodes that take no time: Tarjan's strongly connected components over the
  // graph without its waits. Any component with more than one node is such a cycle.
  const pausing = new Set(
    definition.nodes
      .filter((n) => n.type === 'wait' || n.type === 'wait_for_event')
      .map((n) => n.id),
  );
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const path: string[] = [];
  let counter = 0;
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter);
    counter += 1;
    path.push(v);
    onStack.add(v);
    for (const w of out.get(v) ?? []) {
      if (pausing.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = path.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) {
        for (const id of component.reverse())
          problems.push({
            nodeId: id,
            path: `nodes.${id}`,
            message: `part of a loop without a wait (${component.join(' → ')}); add a wait to the loop`,
          });
      }
    }
  };
  for (const node of definition.nodes)
    if (!pausing.has(node.id) && !index.has(node.id)) visit(node.id);
  return problems;
}
