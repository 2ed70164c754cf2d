import type { ContactRow } from '../../contacts/contacts.repo.js';
import type { FlowGraph } from '../flow-graph.js';
import type { FlowNode } from '../flow.definition.js';
import type { FlowRunRow, FlowRunStepRow } from '../flow-runs.repo.js';

/** What one step of one run sees when it is performed (first time, or woken from a wait). */
export interface StepContext<N extends FlowNode = FlowNode> {
  node: N;
  run: FlowRunRow;
  /** Its row: status 'running' on the first try, 'waiting' when a timer or retry wakes it. */
  step: FlowRunStepRow;
  visit: number;
  flow: { id: string; name: string };
  graph: FlowGraph;
  contact: ContactRow;
  now: Date;
  /** The job's last try: a step that keeps failing gives up instead of throwing again. */
  isLastAttempt: boolean;
}

/**
 * What a step decided. Throwing instead means "try this step again later" (the job's retry
 * with backoff); anything the step did before throwing must be safe to do twice.
 */
export type StepResult =
  | {
      kind: 'next';
      /** The way out to follow; null for the single unnamed one. */
      handle: string | null;
      /** 'failed' records the step as an error but the run goes on. (Default: completed) */
      status?: 'completed' | 'failed';
      outcome?: string | null;
      detail?: Record<string, unknown>;
    }
  | {
      kind: 'wait';
      until: Date;
      detail: Record<string, unknown>;
      /** Set for wait_for_event: the event that resumes the run before `until`. */
      waitingFor?: Record<string, unknown>;
    }
  | {
      kind: 'end';
      status: 'completed' | 'failed';
      outcome?: string | null;
      detail?: Record<string, unknown>;
      error?: string | null;
    };

export type StepPerformer<N extends FlowNode = FlowNode> = (
  ctx: StepContext<N>,
) => Promise<StepResult>;
