import type { Edge, Node } from '@xyflow/react';
import type { FlowDefinition, FlowEdge, Step, StepType } from './definition';

/** A step as React Flow holds it: the node's position is React Flow's, the rest is the step. */
export type StepNodeData = { step: Step };
export type StepNode = Node<StepNodeData, StepType>;

export const NODE_WIDTH = 272;
/** Vertical distance between a step and one added below it. */
export const ROW_GAP = 170;

export function toCanvasNodes(definition: FlowDefinition): StepNode[] {
  return definition.nodes.map((step) => ({
    id: step.id,
    type: step.type,
    position: step.position,
    data: { step },
    // A flow has exactly one trigger: it can be edited, never removed.
    deletable: step.type !== 'trigger',
  }));
}

export function toCanvasEdges(edges: readonly FlowEdge[]): Edge[] {
  return edges.map((edge) => ({
    id: edge.id,
    source: edge.source,
    target: edge.target,
    sourceHandle: edge.sourceHandle ?? null,
  }));
}

export function fromCanvas(
  nodes: readonly StepNode[],
  edges: readonly Edge[],
): Pick<FlowDefinition, 'nodes' | 'edges'> {
  return {
    nodes: nodes.map((node) => ({ ...node.data.step, position: node.position }) as Step),
    edges: edges.map((edge) => ({
      id: edge.id,
      source: edge.source,
      target: edge.target,
      sourceHandle: edge.sourceHandle ?? null,
    })),
  };
}

/**
 * Where a step added below `anchor` goes: one row down, moved right until it overlaps no other
 * step, so a click-added step never lands on top of one already there.
 */
export function positionBelow(
  anchor: { x: number; y: number } | undefined,
  nodes: readonly { position: { x: number; y: number } }[],
): { x: number; y: number } {
  if (!anchor) {
    const lowest = nodes.reduce<{ x: number; y: number } | undefined>(
      (low, n) => (!low || n.position.y > low.y ? n.position : low),
      undefined,
    );
    return lowest ? { x: lowest.x, y: lowest.y + ROW_GAP } : { x: 0, y: 0 };
  }
  const spot = { x: anchor.x, y: anchor.y + ROW_GAP };
  const isTaken = (x: number) =>
    nodes.some(
      (n) => Math.abs(n.position.x - x) < NODE_WIDTH && Math.abs(n.position.y - spot.y) < 110,
    );
  while (isTaken(spot.x)) spot.x += NODE_WIDTH + 40;
  return spot;
}

/** A path (a run's or a simulation's) as the canvas marks it: numbered steps and the edges taken. */
export function pathOnCanvas(
  steps: readonly { stepId: string; outcome: string | null; status: string | null }[],
  edges: readonly { id: string; source: string; target: string; sourceHandle?: string | null }[],
) {
  const path = new Map<string, { order: number; outcome: string | null; status: string }>();
  // The trigger, when the path starts with it, is where the contact entered: order 0, so the
  // steps after it are numbered 1, 2… as in the path's list.
  const offset = steps[0]?.status === 'entered' ? 0 : 1;
  steps.forEach((step, index) => {
    // A step visited twice (a loop through a wait) keeps its latest visit.
    path.set(step.stepId, {
      order: index + offset,
      outcome: step.outcome,
      status: step.status ?? 'visited',
    });
  });
  const taken = new Set<string>();
  for (let i = 0; i + 1 < steps.length; i++) {
    const from = steps[i]!;
    const to = steps[i + 1]!;
    const candidates = edges.filter((e) => e.source === from.stepId && e.target === to.stepId);
    const edge = candidates.find((e) => (e.sourceHandle ?? null) === from.outcome) ?? candidates[0];
    if (edge) taken.add(edge.id);
  }
  return { path, edges: taken };
}
