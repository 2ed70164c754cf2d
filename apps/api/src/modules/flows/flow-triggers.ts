import type { SQL } from 'drizzle-orm';
import { AppError } from '../../http/errors.js';
import type { AppJobCatalog } from '../../jobs/catalog.js';
import type { Clock } from '../../platform/clock.js';
import type { DomainEventListener, DomainEventMap } from '../../platform/domain-events.js';
import type { JobPayload, Queue } from '../../platform/queue/queue.js';
import type { TriggerConfig } from './flow.definition.js';
import type { FlowEngine, TrackedEvent } from './flow-engine.js';
import { matchesFilter } from './flow-match.js';
import type { FlowRunsRepo } from './flow-runs.repo.js';
import { addDays, localDate, zonedTime } from './flow-time.js';
import type { FlowRow, FlowsRepo } from './flows.repo.js';

/** Segment entries enrolled per flow per evaluation; the rest follow on the next one. */
const SEGMENT_BATCH = 5_000;
const DATE_BATCH = 5_000;
/** Contacts whose events are worked through at once; one contact's events stay in order. */
const EVENT_CONCURRENCY = 4;

type DatesJob = JobPayload<AppJobCatalog, 'flows.dates'>;

/**
 * What enrols contacts: events, new contacts and list additions arrive as domain events; segment
 * entries and date attributes are looked for by periodic jobs. Every path goes through one
 * enrolment, where the flow's re-entry policy decides in the database whether a run starts.
 */
export function createFlowTriggers(deps: {
  flows: FlowsRepo;
  runs: FlowRunsRepo;
  engine: FlowEngine;
  segmentWhere: (orgId: string, segmentId: string) => Promise<SQL>;
  queue: Queue<AppJobCatalog>;
  clock: Clock;
}) {
  const { flows, runs, engine, clock } = deps;

  /** Runs of the flow's published version for these contacts; the ones the policy allows. */
  async function enrol(
    flow: FlowRow,
    contactIds: readonly string[],
    trigger: Record<string, unknown>,
    triggerKey: string,
  ) {
    if (flow.publishedVersion === null || contactIds.length === 0) return [];
    const graph = await engine.graphOf({
      orgId: flow.orgId,
      flowId: flow.id,
      version: flow.publishedVersion,
    });
    if (!graph) return [];
    const created = await runs.enrol(
      {
        orgId: flow.orgId,
        flowId: flow.id,
        version: flow.publishedVersion,
        reEntry: graph.definition.reEntry,
        triggerKey,
        trigger,
        firstStep: graph.entry,
        now: clock.now(),
      },
      contactIds,
    );
    await engine.start(flow.orgId, created, graph.entry);
    return created;
  }

  const triggerOf = (flow: FlowRow) => flow.trigger as TriggerConfig | null;

  /**
   * One ingest batch's events: two queries for the whole batch find the flows they can start
   * and the contacts with runs they can exit or resume; only those events are worked through,
   * each contact's in order, a few contacts at a time.
   */
  async function onTracked(orgId: string, events: readonly TrackedEvent[]) {
    const [eventFlows, withRuns] = await Promise.all([
      flows.activeWithTrigger(orgId, 'event'),
      runs.contactsWithUnfinished(orgId, [...new Set(events.map((e) => e.contactId))]),
    ]);
    const startedBy = (event: TrackedEvent) =>
      eventFlows.filter((flow) => {
        const trigger = triggerOf(flow);
        return (
          trigger?.type === 'event' &&
          trigger.name === event.name &&
          matchesFilter(event.properties, trigger.propertyFilter ?? [])
        );
      });
    const byContact = new Map<string, TrackedEvent[]>();
    for (const event of events) {
      const queue = byContact.get(event.contactId);
      if (queue) queue.push(event);
      else byContact.set(event.contactId, [event]);
    }
    // A contact's later events matter once an earlier one has started a run.
    const queues = [...byContact.values()].filter(
      (queue) => withRuns.has(queue[0]!.contactId) || queue.some((e) => startedBy(e).length > 0),
    );
    const work = async () => {
      for (let queue = queues.shift(); queue; queue = queues.shift()) {
        let hasRuns = withRuns.has(queue[0]!.contactId);
        for (const event of queue) {
          // Exits and waiting runs first, so an event that also starts a run is not applied to it.
          if (hasRuns) await engine.onEvent(orgId, event);
          for (const flow of startedBy(event)) {
            const created = await enrol(
              flow,
              [event.contactId],
              {
                type: 'event',
                eventId: event.eventId,
                name: event.name,
                properties: event.properties,
              },
              `event:${event.eventId}`,
            );
            if (created.length > 0) hasRuns = true;
          }
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(EVENT_CONCURRENCY, queues.length) }, work));
  }

  const listener: DomainEventListener = async (orgId, type, data) => {
    if (type === 'event.tracked') {
      await onTracked(orgId, (data as DomainEventMap['event.tracked']).events);
      return;
    }
    if (type === 'contact.created') {
      const { contactId } = data as { contactId: string };
      for (const flow of await flows.activeWithTrigger(orgId, 'contact_created'))
        await enrol(flow, [contactId], { type: 'contact_created' }, 'created');
      return;
    }
    if (type === 'list.member_added') {
      const { listId, contactIds } = data as { listId: string; contactIds: string[] };
      const at = clock.now().getTime();
      for (const flow of await flows.activeWithTrigger(orgId, 'list_added')) {
        const trigger = triggerOf(flow);
        if (trigger?.type !== 'list_added' || trigger.listId !== listId) continue;
        for (let i = 0; i < contactIds.length; i += 1000)
          await enrol(
            flow,
            contactIds.slice(i, i + 1000),
            { type: 'list_added', listId },
            `list:${listId}:${at}`,
          );
      }
    }
  };

  return {
    enrol,
    listener,

    /**
     * Segment-entered flows: who is in the segment now but was not at the last look has entered
     * and is enrolled; who has left is forgotten, so coming back is a new entry (enrolled again
     * as the re-entry policy allows). Contacts already in the segment when the flow is first
     * activated count as entering.
     */
    async evaluateSegments(): Promise<number> {
      let enrolled = 0;
      for (const flow of await flows.allActiveWithTrigger('segment_entered')) {
        const trigger = triggerOf(flow);
        if (trigger?.type !== 'segment_entered' || flow.publishedVersion === null) continue;
        let where: SQL;
        try {
          where = await deps.segmentWhere(flow.orgId, trigger.segmentId);
        } catch (error) {
          // A segment deleted or broken since publishing enrols nobody; the flow stays as it is.
          if (error instanceof AppError) continue;
          throw error;
        }
        const graph = await engine.graphOf({
          orgId: flow.orgId,
          flowId: flow.id,
          version: flow.publishedVersion,
        });
        if (!graph) continue;
        const now = clock.now();
        const { runs: created } = await runs.enrolSegmentEntries(
          {
            orgId: flow.orgId,
            flowId: flow.id,
            version: flow.publishedVersion,
            reEntry: graph.definition.reEntry,
            segmentId: trigger.segmentId,
            triggerKey: `segment:${trigger.segmentId}:${now.getTime()}`,
            trigger: { type: 'segment_entered', segmentId: trigger.segmentId },
            firstStep: graph.entry,
            now,
          },
          where,
          SEGMENT_BATCH,
        );
        await engine.start(flow.orgId, created, graph.entry);
        enrolled += created.length;
      }
      return enrolled;
    },

    /**
     * Date-attribute flows: one `flows.dates` job per flow and local day, delayed until the
     * trigger's time of day. The job id is the flow and the day, so however often this runs,
     * each day is enrolled once.
     */
    async scheduleDates(): Promise<void> {
      const now = clock.now();
      for (const flow of await flows.allActiveWithTrigger('date_attribute')) {
        const trigger = triggerOf(flow);
        if (trigger?.type !== 'date_attribute') continue;
        const date = localDate(now, trigger.timezone);
        const at = zonedTime(date, trigger.at, trigger.timezone);
        await deps.queue.enqueue(
          'flows.dates',
          { orgId: flow.orgId, flowId: flow.id, date },
          {
            jobId: `flows.dates:${flow.id}:${date}`,
            orgId: flow.orgId,
            ...(at > now ? { delayMs: at.getTime() - now.getTime() } : {}),
          },
        );
      }
    },

    /** Enrols the contacts whose date attribute, shifted by the offset, is `date`. */
    async runDates(job: DatesJob): Promise<number> {
      const flow = await flows.find(job.orgId, job.flowId);
      const trigger = flow ? triggerOf(flow) : null;
      if (!flow || flow.status !== 'active' || trigger?.type !== 'date_attribute') return 0;
      // N days before the date: the date is N days from today; after it: N days ago.
      const wanted = addDays(
        job.date,
        trigger.direction === 'before' ? trigger.offsetDays : -trigger.offsetDays,
      );
      let enrolled = 0;
      let after: string | null = null;
      for (;;) {
        const ids = await runs.contactsWithDate(
          flow.orgId,
          trigger.attribute,
          wanted,
          trigger.yearly,
          after,
          DATE_BATCH,
        );
        if (ids.length === 0) break;
        enrolled += (
          await enrol(flow, ids, { type: 'date_attribute', date: job.date }, `date:${job.date}`)
        ).length;
        after = ids[ids.length - 1]!;
      }
      return enrolled;
    },
  };
}

export type FlowTriggers = ReturnType<typeof createFlowTriggers>;
