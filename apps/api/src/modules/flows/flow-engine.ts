import type { AppJobCatalog } from '../../jobs/catalog.js';
import type { Clock } from '../../platform/clock.js';
import type { DomainEvents } from '../../platform/domain-events.js';
import type { Queue } from '../../platform/queue/queue.js';
import type { ContactsRepo } from '../contacts/contacts.repo.js';
import { FlowGraph, parseFlowDefinition } from './flow-graph.js';
import {
  type ExitCondition,
  type FlowNode,
  type FlowNodeType,
  type NodeOf,
} from './flow.definition.js';
import { matchesFilter, type PropertyCondition } from './flow-match.js';
import type { FlowRunRow, FlowRunsRepo, RunPosition } from './flow-runs.repo.js';
import type { StepPerformer, StepResult } from './flow-steps/step.js';
import type { FlowsRepo } from './flows.repo.js';

/** A step job holds its run this long; a worker that dies frees the run when it passes. */
export const STEP_LEASE_MS = 120_000;
/** A running run that has not moved for this long gets its step job again from the sweep. */
export const STALE_RUN_MS = 120_000;
/** Visits of one step per run: a loop (through a wait) ends as failed past this. */
export const MAX_VISITS = 100;
const SWEEP_BATCH = 1000;
const GRAPH_CACHE_SIZE = 500;

export type StepPerformers = { [K in FlowNodeType]?: StepPerformer<NodeOf<K>> };

export interface FlowEngineDeps {
  flows: Pick<FlowsRepo, 'findById' | 'version'>;
  runs: FlowRunsRepo;
  contacts: Pick<ContactsRepo, 'find'>;
  queue: Queue<AppJobCatalog>;
  clock: Clock;
  events: Pick<DomainEvents, 'emit'>;
  performers: StepPerformers;
}

export interface StepJob {
  orgId: string;
  runId: string;
  stepId: string;
  visit: number;
}

/** The event that `event.tracked` reports, as the engine needs it. */
export interface TrackedEvent {
  eventId: string;
  contactId: string;
  name: string;
  properties: Record<string, unknown>;
}

const isExitConditionList = (value: unknown): value is ExitCondition[] => Array.isArray(value);

/**
 * Durable execution (DESIGN.md §7). A run is a row; each step visit is a `flows.step` job keyed
 * `${runId}:${stepId}:${visit}`. A job takes the run with a lease, only at that step and visit;
 * performs the step (safe to repeat: sends are unique per step visit in the ledger); then, in
 * one transaction conditional on the run still being there, finishes the step's row and moves
 * the run on — and enqueues the next step's job after the commit. Waits are the run waiting
 * with wake_at plus a delayed job; the sweep re-enqueues what a lost job left behind. No state
 * lives in a process, so any number of workers on either queue driver share the work.
 */
export function createFlowEngine(deps: FlowEngineDeps) {
  const { runs, queue, clock } = deps;
  // Versions are immutable: a parsed graph is good for as long as the process lives.
  const graphs = new Map<string, FlowGraph | null>();

  async function graphOf(run: Pick<FlowRunRow, 'orgId' | 'flowId' | 'version'>) {
    const key = `${run.flowId}:${run.version}`;
    if (!graphs.has(key)) {
      const row = await deps.flows.version(run.orgId, run.flowId, run.version);
      const parsed = row ? parseFlowDefinition(row.definition) : null;
      if (graphs.size >= GRAPH_CACHE_SIZE) graphs.clear();
      graphs.set(
        key,
        parsed?.definition && parsed.problems.length === 0
          ? new FlowGraph(parsed.definition)
          : null,
      );
    }
    return graphs.get(key) ?? null;
  }

  async function enqueueStep(
    job: StepJob,
    options: { delayMs?: number; suffix?: string } = {},
  ): Promise<void> {
    const base = `${job.runId}:${job.stepId}:${job.visit}`;
    await queue.enqueue('flows.step', job, {
      jobId: options.suffix ? `${base}:${options.suffix}` : base,
      orgId: job.orgId,
      ...(options.delayMs && options.delayMs > 0 ? { delayMs: options.delayMs } : {}),
    });
  }

  async function finished(run: FlowRunRow) {
    await deps.events.emit(run.orgId, 'flow.run.completed', {
      flowId: run.flowId,
      runId: run.id,
      contactId: run.contactId,
      status: run.status,
    });
  }

  /**
   * Records the step's result and moves the run: on along an edge, to its end, or into a wait.
   * Every write is conditional on the run still being at `p`; false when it was not.
   */
  async function apply(
    run: FlowRunRow,
    p: RunPosition,
    graph: FlowGraph,
    stepRowId: string,
    result: StepResult,
    wasWaitingUntil: Date | null,
    requireWaiting = false,
  ): Promise<boolean> {
    const now = clock.now();
    if (result.kind === 'wait') {
      const isWaiting = await runs.wait({
        p,
        stepRowId,
        detail: result.detail,
        wakeAt: result.until,
        waitingFor: result.waitingFor ?? null,
        now,
      });
      if (!isWaiting) return false;
      // Woken before its time (another worker's clock): a distinct job id, or the first
      // wake-up job's id would swallow this one.
      const early = wasWaitingUntil?.getTime() === result.until.getTime();
      await enqueueStep(
        { orgId: run.orgId, ...p },
        {
          delayMs: result.until.getTime() - now.getTime(),
          suffix: `w${result.until.getTime()}${early ? `-${now.getTime()}` : ''}`,
        },
      );
      return true;
    }
    const step = {
      status: result.kind === 'next' ? (result.status ?? 'completed') : result.status,
      outcome: result.outcome ?? (result.kind === 'next' ? result.handle : null),
      detail: result.detail ?? {},
    };
    const target = result.kind === 'next' ? graph.target(p.stepId, result.handle) : null;
    if (target === null) {
      // An unconnected way out ends the run as completed, like an exit step.
      const status = result.kind === 'end' ? result.status : 'completed';
      const error = result.kind === 'end' ? (result.error ?? null) : null;
      const ended = await runs.advance({
        p,
        stepRowId,
        step,
        next: { end: status, error },
        now,
        requireWaiting,
      });
      if (ended) await finished(ended);
      return Boolean(ended);
    }
    const visits = { ...run.visits, [target]: (run.visits[target] ?? 0) + 1 };
    if (visits[target]! > MAX_VISITS) {
      const ended = await runs.advance({
        p,
        stepRowId,
        step,
        next: {
          end: 'failed',
          error: `Step ${target} was reached ${MAX_VISITS} times: stopped a loop`,
        },
        now,
        requireWaiting,
      });
      if (ended) await finished(ended);
      return Boolean(ended);
    }
    const moved = await runs.advance({
      p,
      stepRowId,
      step,
      next: { stepId: target, visits },
      now,
      requireWaiting,
    });
    if (moved)
      await enqueueStep({
        orgId: run.orgId,
        runId: run.id,
        stepId: target,
        visit: visits[target]!,
      });
    return Boolean(moved);
  }

  /** Ends a run that cannot go on (its version or step is gone, its contact deleted). */
  async function fail(run: FlowRunRow, p: RunPosition, stepType: string, error: string) {
    const row = await runs.stepRow({
      run,
      stepId: p.stepId,
      visit: p.visit,
      stepType,
      now: clock.now(),
    });
    const ended = await runs.advance({
      p,
      stepRowId: row.id,
      step: { status: 'failed', outcome: 'error', detail: { error } },
      next: { end: 'failed', error },
      now: clock.now(),
    });
    if (ended) await finished(ended);
  }

  /** One claimed step: perform it and move the run; throws to have the job tried again. */
  async function perform(run: FlowRunRow, p: RunPosition, now: Date, isLastAttempt: boolean) {
    const graph = await graphOf(run);
    const node: FlowNode | undefined = graph?.nodes.get(p.stepId);
    if (!graph || !node || node.type === 'trigger')
      return fail(
        run,
        p,
        node?.type ?? 'unknown',
        'The flow version or this step no longer exists',
      );
    const contact = await deps.contacts.find(run.orgId, run.contactId);
    if (!contact) return fail(run, p, node.type, 'The contact was deleted');
    const flow = await deps.flows.findById(run.flowId);
    const row = await runs.stepRow({
      run,
      stepId: p.stepId,
      visit: p.visit,
      stepType: node.type,
      now,
    });
    if (row.status !== 'running' && row.status !== 'waiting') return runs.release(p);
    const performer = deps.performers[node.type] as StepPerformer | undefined;
    if (!performer) return fail(run, p, node.type, `No performer for ${node.type} steps`);
    let result: StepResult;
    try {
      result = await performer({
        node,
        run,
        step: row,
        visit: p.visit,
        flow: { id: run.flowId, name: flow?.name ?? '' },
        graph,
        contact,
        now,
        isLastAttempt,
      });
    } catch (error) {
      if (!isLastAttempt) throw error;
      // Out of tries: end the run as failed, or the sweep would start it over forever.
      const message = error instanceof Error ? error.message : String(error);
      const ended = await runs.advance({
        p,
        stepRowId: row.id,
        step: { status: 'failed', outcome: 'error', detail: { error: message } },
        next: { end: 'failed', error: message },
        now: clock.now(),
      });
      if (ended) await finished(ended);
      return;
    }
    const wasWaitingUntil = row.status === 'waiting' && run.wakeAt ? run.wakeAt : null;
    if (!(await apply(run, p, graph, row.id, result, wasWaitingUntil))) await runs.release(p);
  }

  return {
    enqueueStep,
    graphOf,

    /** The first step's job for runs just created (visit 1). */
    async start(orgId: string, created: readonly { id: string }[], firstStep: string | null) {
      if (!firstStep) return;
      for (const run of created)
        await enqueueStep({ orgId, runId: run.id, stepId: firstStep, visit: 1 });
    },

    /**
     * The `flows.step` job. Returns quietly when the run has moved on, finished, or is held by
     * another worker (a duplicate job); throws to have the job tried again.
     */
    async runStep(job: StepJob, attempt: { isLastAttempt: boolean }): Promise<void> {
      const p: RunPosition = { runId: job.runId, stepId: job.stepId, visit: job.visit };
      const now = clock.now();
      const run = await runs.claim(p, now, new Date(now.getTime() + STEP_LEASE_MS));
      if (!run) return;
      try {
        await perform(run, p, now, attempt.isLastAttempt);
      } catch (error) {
        // The retry (or another worker) may take the run at once rather than after the lease.
        await runs.release(p).catch(() => undefined);
        throw error;
      }
    },

    /**
     * An event from the event API: unfinished runs of the contact whose exit conditions it
     * meets end as exited; runs waiting for it resume on their 'event' way out.
     */
    async onEvent(orgId: string, event: TrackedEvent): Promise<void> {
      const now = clock.now();
      for (const { run, exitConditions } of await runs.unfinishedOfContact(
        orgId,
        event.contactId,
      )) {
        const exit = isExitConditionList(exitConditions)
          ? exitConditions.find(
              (c) =>
                c.name === event.name && matchesFilter(event.properties, c.propertyFilter ?? []),
            )
          : undefined;
        if (exit) {
          const exited = await runs.exit(run.id, `event: ${event.name}`, now);
          if (exited) await finished(exited);
          continue;
        }
        const waitingFor = run.waitingFor as {
          name?: string;
          propertyFilter?: PropertyCondition[];
          stepId?: string;
          visit?: number;
        } | null;
        if (
          run.status !== 'waiting' ||
          !waitingFor ||
          waitingFor.name !== event.name ||
          !matchesFilter(event.properties, waitingFor.propertyFilter ?? []) ||
          waitingFor.stepId !== run.currentStep
        )
          continue;
        const graph = await graphOf(run);
        if (!graph || !run.currentStep) continue;
        const p = {
          runId: run.id,
          stepId: run.currentStep,
          visit: run.visits[run.currentStep] ?? 0,
        };
        const row = await runs.stepRow({
          run,
          stepId: p.stepId,
          visit: p.visit,
          stepType: 'wait_for_event',
          now,
        });
        await apply(
          run,
          p,
          graph,
          row.id,
          {
            kind: 'next',
            handle: 'event',
            outcome: 'event',
            detail: { ...row.detail, eventId: event.eventId, at: now.toISOString() },
          },
          null,
          true,
        );
      }
    },

    /**
     * Repairs what lost jobs left behind: waiting runs whose timer has passed and running runs
     * that have not moved for a while get their step's job again. The job id carries the
     * minute, so a sweep never collides with a job that already ran; the run's position and
     * lease make a duplicate harmless.
     */
    async sweep(): Promise<number> {
      const now = clock.now();
      const stalled = await runs.stalled(now, STALE_RUN_MS, SWEEP_BATCH);
      for (const run of stalled) {
        const stepId = run.currentStep!;
        await enqueueStep(
          { orgId: run.orgId, runId: run.id, stepId, visit: run.visits[stepId] ?? 0 },
          { suffix: `s${Math.floor(now.getTime() / 60_000)}` },
        );
      }
      return stalled.length;
    },
  };
}

export type FlowEngine = ReturnType<typeof createFlowEngine>;
