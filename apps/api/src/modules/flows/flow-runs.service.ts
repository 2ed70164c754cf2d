import { v7 as uuidv7 } from 'uuid';
import type { Principal } from '../../http/access.js';
import { AppError, notFound } from '../../http/errors.js';
import { decodeCursor, toPage } from '../../http/pagination.js';
import type { ContactsRepo } from '../contacts/contacts.repo.js';
import type { FlowEngine } from './flow-engine.js';
import type { FlowReportsRepo } from './flow-reports.repo.js';
import type { FlowRunStatus, FlowRunsRepo } from './flow-runs.repo.js';
import type { FlowTriggers } from './flow-triggers.js';
import type { FlowsService } from './flows.service.js';

const RUN_STATUSES = ['running', 'waiting', 'completed', 'exited', 'failed'] as const;

/** Runs seen from the API: manual enrolment, the run list and path, and the flow's numbers. */
export function createFlowRunsService(deps: {
  flows: FlowsService;
  runs: Pick<FlowRunsRepo, 'find'>;
  reports: FlowReportsRepo;
  engine: FlowEngine;
  triggers: FlowTriggers;
  contacts: Pick<ContactsRepo, 'find'>;
}) {
  const { flows, runs, reports, engine } = deps;

  return {
    /** Starts runs for contacts by hand (or API); refused unless the flow is active. */
    async enroll(principal: Principal, flowId: string, contactIds: string[]) {
      const flow = await flows.get(principal, flowId);
      if (flow.status !== 'active')
        throw new AppError(
          'conflict',
          `The flow is ${flow.status}: activate it to enrol contacts.`,
        );
      const ids = [...new Set(contactIds)];
      if (ids.length === 1 && !(await deps.contacts.find(principal.orgId, ids[0]!)))
        throw notFound('Contact');
      const created = await deps.triggers.enrol(
        flow,
        ids,
        { type: 'manual', by: principal.userId ?? principal.apiKeyId },
        `manual:${uuidv7()}`,
      );
      const started = new Set(created.map((r) => r.contactId));
      return {
        runs: created.map((r) => ({ id: r.id, contactId: r.contactId })),
        // Unknown to the organization, or the flow's re-entry policy allows no new run now.
        skipped: ids.filter((id) => !started.has(id)),
      };
    },

    async list(
      principal: Principal,
      flowId: string,
      query: { cursor?: string | undefined; limit: number; status?: FlowRunStatus | undefined },
    ) {
      await flows.get(principal, flowId);
      const before = decodeCursor(query.cursor, ['uuid']) as [string] | undefined;
      const rows = await reports.list(principal.orgId, flowId, {
        limit: query.limit + 1,
        beforeId: before?.[0],
        status: query.status,
      });
      return toPage(rows, query.limit, (r) => [r.id]);
    },

    /** One run and its path: every step visit in order, with the way out taken and why. */
    async get(principal: Principal, runId: string) {
      const run = await runs.find(principal.orgId, runId);
      if (!run) throw notFound('Flow run');
      const graph = await engine.graphOf(run);
      const steps = await reports.steps(principal.orgId, runId);
      const contact = await deps.contacts.find(principal.orgId, run.contactId);
      return {
        id: run.id,
        flowId: run.flowId,
        version: run.version,
        contactId: run.contactId,
        contactEmail: contact?.email ?? null,
        status: run.status,
        currentStep: run.currentStep,
        wakeAt: run.wakeAt,
        waitingFor: run.waitingFor,
        trigger: run.trigger,
        exitReason: run.exitReason,
        error: run.error,
        startedAt: run.startedAt,
        updatedAt: run.updatedAt,
        finishedAt: run.finishedAt,
        steps: steps.map((s) => {
          const node = graph?.nodes.get(s.stepId);
          return {
            stepId: s.stepId,
            visit: s.visit,
            type: s.stepType,
            label: node?.label ?? null,
            status: s.status,
            outcome: s.outcome,
            detail: s.detail,
            startedAt: s.createdAt,
            finishedAt: s.finishedAt,
          };
        }),
      };
    },

    /**
     * Runs by status, and per step: visits entered, completed, waiting and failed; for email
     * steps the messages sent, opened and clicked. All versions unless `version` is given.
     */
    async stats(principal: Principal, flowId: string, version?: number) {
      const flow = await flows.get(principal, flowId);
      const [runCounts, stepCounts, emailCounts] = await Promise.all([
        reports.runCounts(principal.orgId, flowId, version),
        reports.stepCounts(principal.orgId, flowId, version),
        reports.emailCounts(principal.orgId, flowId, version),
      ]);
      const byStatus = Object.fromEntries(RUN_STATUSES.map((s) => [s, 0])) as Record<
        (typeof RUN_STATUSES)[number],
        number
      >;
      for (const c of runCounts) byStatus[c.status] = c.n;
      const shownVersion = version ?? flow.publishedVersion;
      const graph =
        shownVersion !== null
          ? await engine.graphOf({ orgId: flow.orgId, flowId, version: shownVersion })
          : null;
      const counts = new Map(stepCounts.map((c) => [c.stepId, c]));
      const emails = new Map(emailCounts.map((c) => [c.stepId, c]));
      const stepIds = [
        ...(graph?.definition.nodes.filter((n) => n.type !== 'trigger').map((n) => n.id) ?? []),
        ...stepCounts.map((c) => c.stepId),
      ];
      const steps = [...new Set(stepIds)].map((stepId) => {
        const node = graph?.nodes.get(stepId);
        const c = counts.get(stepId);
        const e = emails.get(stepId);
        const rate = (n: number) =>
          e && e.sent > 0 ? Math.round((n / e.sent) * 10_000) / 10_000 : 0;
        return {
          stepId,
          type: node?.type ?? null,
          label: node?.label ?? null,
          entered: c?.entered ?? 0,
          completed: c?.completed ?? 0,
          waiting: c?.waiting ?? 0,
          errors: c?.errors ?? 0,
          email:
            node?.type === 'send_email' || e
              ? {
                  sent: e?.sent ?? 0,
                  failed: e?.failed ?? 0,
                  opened: e?.opened ?? 0,
                  clicked: e?.clicked ?? 0,
                  openRate: rate(e?.opened ?? 0),
                  clickRate: rate(e?.clicked ?? 0),
                }
              : null,
        };
      });
      return {
        flowId,
        version: version ?? null,
        runs: { entered: runCounts.reduce((n, c) => n + c.n, 0), ...byStatus },
        steps,
      };
    },
  };
}

export type FlowRunsService = ReturnType<typeof createFlowRunsService>;
