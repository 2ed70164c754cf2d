import { and, asc, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../../db/client.js';
import {
  contacts,
  flowRunSteps,
  flowRuns,
  flowSegmentMembers,
  flowVersions,
  messages,
} from '../../db/schema/index.js';
import { fastUuidV7 } from '../../platform/ids.js';
import { pgArray } from '../campaigns/ledger.repo.js';
import type { ReEntry } from './flow.definition.js';

export type FlowRunRow = typeof flowRuns.$inferSelect;
export type FlowRunStatus = FlowRunRow['status'];
export type FlowRunStepRow = typeof flowRunSteps.$inferSelect;

const rowsOf = <T>(result: unknown): T[] => (result as { rows: T[] }).rows;
const ts = (date: Date) => sql`${date.toISOString()}::timestamptz`;

/** Where a run is: its current step and that step's visit number. */
export interface RunPosition {
  runId: string;
  stepId: string;
  visit: number;
}

export interface Enrolment {
  orgId: string;
  flowId: string;
  version: number;
  reEntry: ReEntry;
  /** The trigger's own key ('every_time' runs are unique per contact and key). */
  triggerKey: string;
  trigger: Record<string, unknown>;
  /** The first step; null ends the run at once (nothing follows the trigger). */
  firstStep: string | null;
  now: Date;
}

/** The re-entry policy as the run's entry key: see the flow_runs.entry_key comment. */
function entryKeyFor(reEntry: ReEntry, triggerKey: string): string {
  return reEntry === 'once' ? 'once' : reEntry === 'once_at_a_time' ? 'active' : triggerKey;
}

const UNFINISHED = ['running', 'waiting'] as const;

/**
 * The position a write expects the run to be at. Every transition of a run is conditional on
 * it, so of two workers (a retried job, the sweep, an event) only one moves a run from a step.
 */
function at(p: RunPosition): SQL {
  return sql`${flowRuns.id} = ${p.runId}::uuid and ${flowRuns.currentStep} = ${p.stepId}
    and (${flowRuns.visits}->>${p.stepId})::int = ${p.visit}
    and ${flowRuns.status} in ('running', 'waiting')`;
}

export function createFlowRunsRepo(db: Db) {
  /**
   * Starts runs for contacts of the organization (unknown ids are skipped) under the re-entry
   * policy: one statement, so a contact the policy refuses simply gets no row.
   */
  async function enrol(tx: Db, e: Enrolment, contactIds: readonly string[]) {
    if (contactIds.length === 0) return [];
    const ids = contactIds.map(() => fastUuidV7(e.now.getTime()));
    const policy =
      e.reEntry === 'once'
        ? sql`and not exists (select 1 from ${flowRuns} r where r.flow_id = ${e.flowId}::uuid and r.contact_id = c.id)`
        : e.reEntry === 'once_at_a_time'
          ? sql`and not exists (select 1 from ${flowRuns} r where r.flow_id = ${e.flowId}::uuid and r.contact_id = c.id
              and r.status in ('running', 'waiting'))`
          : sql``;
    const status = e.firstStep ? 'running' : 'completed';
    const visits = e.firstStep ? { [e.firstStep]: 1 } : {};
    return rowsOf<{ id: string; contactId: string }>(
      await tx.execute(sql`insert into ${flowRuns} (id, org_id, flow_id, version, contact_id, status,
          entry_key, current_step, visits, trigger, started_at, updated_at, finished_at)
        select v.id, ${e.orgId}::uuid, ${e.flowId}::uuid, ${e.version}, c.id, ${status}::flow_run_status,
          ${e.firstStep || e.reEntry !== 'once_at_a_time' ? entryKeyFor(e.reEntry, e.triggerKey) : null},
          ${e.firstStep}, ${JSON.stringify(visits)}::jsonb, ${JSON.stringify(e.trigger)}::jsonb,
          ${ts(e.now)}, ${ts(e.now)}, ${e.firstStep ? null : ts(e.now)}
        from unnest(${pgArray(contactIds, 'uuid')}, ${pgArray(ids, 'uuid')}) as v(contact_id, id)
        join ${contacts} c on c.id = v.contact_id and c.org_id = ${e.orgId}::uuid
        where true ${policy}
        on conflict (flow_id, contact_id, entry_key) do nothing
        returning id, contact_id as "contactId"`),
    );
  }

  return {
    enrol: (e: Enrolment, contactIds: readonly string[]) => enrol(db, e, contactIds),

    /**
     * Segment entries since the last look, and their runs, in one transaction: contacts in the
     * segment now but not in flow_segment_members are recorded as members and enrolled
     * (at most `limit` per call, the rest next time); members no longer in it are forgotten,
     * so coming back is a new entry.
     */
    async enrolSegmentEntries(
      e: Enrolment & { segmentId: string },
      segment: SQL,
      limit: number,
    ): Promise<{ runs: { id: string; contactId: string }[]; left: number }> {
      return db.transaction(async (tx) => {
        const left = rowsOf<{ n: number }>(
          await tx.execute(sql`with gone as (delete from ${flowSegmentMembers} m
              where m.flow_id = ${e.flowId}::uuid and m.segment_id = ${e.segmentId}::uuid
                and not exists (select 1 from ${contacts} where ${contacts.id} = m.contact_id
                  and ${contacts.orgId} = ${e.orgId}::uuid and ${segment})
              returning 1)
            select count(*)::int as n from gone`),
        )[0]?.n;
        const entered = rowsOf<{ contactId: string }>(
          await tx.execute(sql`insert into ${flowSegmentMembers} (flow_id, segment_id, contact_id, org_id, entered_at)
            select ${e.flowId}::uuid, ${e.segmentId}::uuid, ${contacts.id}, ${contacts.orgId}, ${ts(e.now)}
            from ${contacts}
            where ${contacts.orgId} = ${e.orgId}::uuid and ${segment}
              and not exists (select 1 from ${flowSegmentMembers} m where m.flow_id = ${e.flowId}::uuid
                and m.segment_id = ${e.segmentId}::uuid and m.contact_id = ${contacts.id})
            order by ${contacts.id}
            limit ${limit}
            on conflict do nothing
            returning contact_id as "contactId"`),
        );
        const runs = await enrol(
          tx,
          e,
          entered.map((r) => r.contactId),
        );
        return { runs, left: left ?? 0 };
      });
    },

    /** Contacts whose date attribute is on `date` (or its month and day, yearly). */
    async contactsWithDate(
      orgId: string,
      attribute: string,
      date: string,
      yearly: boolean,
      afterId: string | null,
      limit: number,
    ): Promise<string[]> {
      const value = sql`${contacts.attributes}->>${attribute}`;
      const match = yearly
        ? sql`substring(${value} from 6 for 5) = ${date.slice(5)}`
        : sql`left(${value}, 10) = ${date}`;
      const rows = await db
        .select({ id: contacts.id })
        .from(contacts)
        .where(
          and(
            eq(contacts.orgId, orgId),
            sql`${value} ~ '^\\d{4}-\\d{2}-\\d{2}'`,
            match,
            afterId ? sql`${contacts.id} > ${afterId}::uuid` : undefined,
          ),
        )
        .orderBy(asc(contacts.id))
        .limit(limit);
      return rows.map((r) => r.id);
    },

    async find(orgId: string, id: string): Promise<FlowRunRow | null> {
      const [row] = await db
        .select()
        .from(flowRuns)
        .where(and(eq(flowRuns.orgId, orgId), eq(flowRuns.id, id)))
        .limit(1);
      return row ?? null;
    },

    async findById(id: string): Promise<FlowRunRow | null> {
      const [row] = await db.select().from(flowRuns).where(eq(flowRuns.id, id)).limit(1);
      return row ?? null;
    },

    /**
     * Takes the run for one step: only at that position and when no other worker holds it.
     * The lease lets a crashed worker's run be taken again once it passes.
     */
    async claim(p: RunPosition, now: Date, leaseUntil: Date): Promise<FlowRunRow | null> {
      const [row] = await db
        .update(flowRuns)
        .set({ leaseUntil, updatedAt: now })
        .where(
          and(at(p), sql`(${flowRuns.leaseUntil} is null or ${flowRuns.leaseUntil} < ${ts(now)})`),
        )
        .returning();
      return row ?? null;
    },

    /** Lets go of the run, if it is still at `p` (otherwise the lease is someone else's). */
    async release(p: RunPosition): Promise<void> {
      await db.update(flowRuns).set({ leaseUntil: null }).where(at(p));
    },

    /** The step's row for this visit, created on first sight. */
    async stepRow(input: {
      run: FlowRunRow;
      stepId: string;
      visit: number;
      stepType: string;
      now: Date;
    }): Promise<FlowRunStepRow> {
      const { run } = input;
      const key = and(
        eq(flowRunSteps.runId, run.id),
        eq(flowRunSteps.stepId, input.stepId),
        eq(flowRunSteps.visit, input.visit),
      );
      await db
        .insert(flowRunSteps)
        .values({
          // Monotonic in this process: ties on created_at still sort in the order steps ran.
          id: uuidv7(),
          orgId: run.orgId,
          runId: run.id,
          flowId: run.flowId,
          version: run.version,
          stepId: input.stepId,
          visit: input.visit,
          stepType: input.stepType,
          status: 'running',
          createdAt: input.now,
        })
        .onConflictDoNothing();
      const [row] = await db.select().from(flowRunSteps).where(key).limit(1);
      return row!;
    },

    /**
     * Finishes the step and moves the run on to `next` (or ends it), in one transaction that
     * only happens if the run is still at `p` — and, for `requireWaiting`, still waiting there.
     * False when someone else moved the run first.
     */
    async advance(input: {
      p: RunPosition;
      stepRowId: string;
      step: { status: string; outcome: string | null; detail: Record<string, unknown> };
      next:
        | { stepId: string; visits: Record<string, number> }
        | { end: 'completed' | 'failed'; error: string | null };
      now: Date;
      requireWaiting?: boolean;
    }): Promise<FlowRunRow | null> {
      const { p, now, next } = input;
      return db.transaction(async (tx) => {
        const runSet =
          'stepId' in next
            ? {
                status: 'running' as const,
                currentStep: next.stepId,
                visits: next.visits,
                wakeAt: null,
                waitingFor: null,
                leaseUntil: null,
                updatedAt: now,
              }
            : {
                status: next.end,
                error: next.error,
                finishedAt: now,
                wakeAt: null,
                waitingFor: null,
                leaseUntil: null,
                updatedAt: now,
                entryKey: sql`case when ${flowRuns.entryKey} = 'active' then null else ${flowRuns.entryKey} end`,
              };
        const [run] = await tx
          .update(flowRuns)
          .set(runSet)
          .where(
            and(
              at(p),
              // Not the lease: a job holding the run at this position only re-waits or times
              // out, and its own conditional write fails once the event has moved the run.
              input.requireWaiting ? eq(flowRuns.status, 'waiting') : undefined,
            ),
          )
          .returning();
        if (!run) return null;
        await tx
          .update(flowRunSteps)
          .set({ ...input.step, finishedAt: now })
          .where(eq(flowRunSteps.id, input.stepRowId));
        return run;
      });
    },

    /** The run waits at its step until `wakeAt` (a timer) or an event (`waitingFor`). */
    async wait(input: {
      p: RunPosition;
      stepRowId: string;
      detail: Record<string, unknown>;
      wakeAt: Date;
      waitingFor: Record<string, unknown> | null;
      now: Date;
    }): Promise<boolean> {
      return db.transaction(async (tx) => {
        const [run] = await tx
          .update(flowRuns)
          .set({
            status: 'waiting',
            wakeAt: input.wakeAt,
            waitingFor: input.waitingFor,
            leaseUntil: null,
            updatedAt: input.now,
          })
          .where(at(input.p))
          .returning({ id: flowRuns.id });
        if (!run) return false;
        await tx
          .update(flowRunSteps)
          .set({ status: 'waiting', detail: input.detail })
          .where(eq(flowRunSteps.id, input.stepRowId));
        return true;
      });
    },

    /** Ends an unfinished run because the contact did what the flow's exit condition names. */
    async exit(runId: string, reason: string, now: Date): Promise<FlowRunRow | null> {
      return db.transaction(async (tx) => {
        const [run] = await tx
          .update(flowRuns)
          .set({
            status: 'exited',
            exitReason: reason,
            finishedAt: now,
            wakeAt: null,
            waitingFor: null,
            leaseUntil: null,
            updatedAt: now,
            entryKey: sql`case when ${flowRuns.entryKey} = 'active' then null else ${flowRuns.entryKey} end`,
          })
          .where(and(eq(flowRuns.id, runId), inArray(flowRuns.status, [...UNFINISHED])))
          .returning();
        if (!run) return null;
        await tx
          .update(flowRunSteps)
          .set({ status: 'exited', finishedAt: now })
          .where(
            and(
              eq(flowRunSteps.runId, runId),
              inArray(flowRunSteps.status, ['running', 'waiting']),
            ),
          );
        return run;
      });
    },

    /** Which of these contacts have an unfinished run (the ones an event can exit or resume). */
    async contactsWithUnfinished(orgId: string, contactIds: readonly string[]) {
      if (contactIds.length === 0) return new Set<string>();
      const rows = await db
        .selectDistinct({ contactId: flowRuns.contactId })
        .from(flowRuns)
        .where(
          and(
            eq(flowRuns.orgId, orgId),
            inArray(flowRuns.contactId, [...contactIds]),
            inArray(flowRuns.status, [...UNFINISHED]),
          ),
        );
      return new Set(rows.map((r) => r.contactId));
    },

    /** A contact's unfinished runs with their version's exit conditions, for an event. */
    async unfinishedOfContact(orgId: string, contactId: string) {
      return db
        .select({
          run: flowRuns,
          exitConditions: sql<unknown>`${flowVersions.definition}->'exitConditions'`,
        })
        .from(flowRuns)
        .innerJoin(
          flowVersions,
          and(eq(flowVersions.flowId, flowRuns.flowId), eq(flowVersions.version, flowRuns.version)),
        )
        .where(
          and(
            eq(flowRuns.orgId, orgId),
            eq(flowRuns.contactId, contactId),
            inArray(flowRuns.status, [...UNFINISHED]),
          ),
        )
        .limit(500);
    },

    /**
     * What the sweep repairs: waiting runs whose timer is overdue, and running runs that have
     * not moved for `staleMs` — in both cases with no worker holding them.
     */
    async stalled(now: Date, staleMs: number, limit: number) {
      const free = sql`(${flowRuns.leaseUntil} is null or ${flowRuns.leaseUntil} < ${ts(now)})`;
      return db
        .select({
          id: flowRuns.id,
          orgId: flowRuns.orgId,
          currentStep: flowRuns.currentStep,
          visits: flowRuns.visits,
          status: flowRuns.status,
          wakeAt: flowRuns.wakeAt,
        })
        .from(flowRuns)
        .where(
          sql`${flowRuns.status} in ('running', 'waiting') and ${flowRuns.currentStep} is not null and ${free} and (
            (${flowRuns.status} = 'waiting' and ${flowRuns.wakeAt} <= ${ts(now)})
            or (${flowRuns.status} = 'running' and ${flowRuns.updatedAt} < ${ts(new Date(now.getTime() - staleMs))}))`,
        )
        .limit(limit);
    },

    /** The newest email this run sent, from one step (`stepId:visit` keys) or any. */
    async lastEmailOfRun(runId: string, stepId?: string) {
      const [row] = await db
        .select({
          id: messages.id,
          flowStep: messages.flowStep,
          status: messages.status,
          openedAt: messages.openedAt,
          clickedAt: messages.clickedAt,
        })
        .from(messages)
        .where(
          and(
            eq(messages.flowRunId, runId),
            stepId ? sql`${messages.flowStep} like ${`${stepId}:%`}` : undefined,
          ),
        )
        .orderBy(desc(messages.createdAt), desc(messages.id))
        .limit(1);
      return row ?? null;
    },
  };
}

export type FlowRunsRepo = ReturnType<typeof createFlowRunsRepo>;
