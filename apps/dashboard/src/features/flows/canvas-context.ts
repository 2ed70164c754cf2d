import { createContext, useContext } from 'react';
import type { FlowProblem, StepStats } from './api';
import { NO_LOOKUPS, type NameLookups } from './step-summary';

/**
 * What the canvas draws over the steps without it being part of them: the draft's problems,
 * per-step numbers, a run's or a simulation's path, and names for the ids steps refer to.
 */
export interface CanvasDecorations {
  names: NameLookups;
  problems: ReadonlyMap<string, FlowProblem[]>;
  stats: ReadonlyMap<string, StepStats> | null;
  /** Steps on the path being shown, in order, with what happened there. */
  path: ReadonlyMap<string, { order: number; outcome: string | null; status: string }> | null;
}

export const EMPTY_DECORATIONS: CanvasDecorations = {
  names: NO_LOOKUPS,
  problems: new Map(),
  stats: null,
  path: null,
};

export const CanvasContext = createContext<CanvasDecorations>(EMPTY_DECORATIONS);

export const useCanvasDecorations = () => useContext(CanvasContext);

/** The node each problem belongs to: its nodeId, or the node its path names (`nodes.x.config`). */
export function problemsByNode(problems: readonly FlowProblem[]): Map<string, FlowProblem[]> {
  const byNode = new Map<string, FlowProblem[]>();
  for (const problem of problems) {
    // Paths name a node by id, or by index when its id itself is broken (`nodes.3`).
    const fromPath = /^nodes\.([A-Za-z0-9_-]+)/.exec(problem.path)?.[1];
    const id = problem.nodeId ?? (fromPath && !/^\d+$/.test(fromPath) ? fromPath : undefined);
    if (!id) continue;
    byNode.set(id, [...(byNode.get(id) ?? []), problem]);
  }
  return byNode;
}
