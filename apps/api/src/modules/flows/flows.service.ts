import { v7 as uuidv7 } from 'uuid';
import type { Principal } from '../../http/access.js';
import { AppError, notFound } from '../../http/errors.js';
import { decodeCursor, toPage } from '../../http/pagination.js';
import type { Clock } from '../../platform/clock.js';
import { FlowGraph, parseFlowDefinition } from './flow-graph.js';
import { emptyDefinition, type DefinitionProblem, type FlowDefinition } from './flow.definition.js';
import { syncStepCampaign } from './flow-steps/send-email.step.js';
import { validateFlowDefinition, type ReferenceChecks } from './flow-validation.js';
import type { FlowRow, FlowStatus, FlowsRepo } from './flows.repo.js';

/** JSON with keys sorted: jsonb stores keys in its own order, so plain JSON would differ. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

export interface FlowInput {
  name: string;
  description?: string | null | undefined;
  definition?: Record<string, unknown> | undefined;
}

/**
 * Flows and their lifecycle. The draft is saved as given, problems and all (the canvas shows
 * them); publishing validates it and freezes it as version n+1, which new runs start on while
 * runs in flight finish on theirs. draft → active ⇄ inactive; an inactive flow enrols nobody
 * new, but its runs carry on to their end.
 */
export function createFlowsService(deps: {
  repo: FlowsRepo;
  clock: Clock;
  references: (orgId: string) => ReferenceChecks;
}) {
  const { repo, clock } = deps;

  async function get(principal: Principal, id: string): Promise<FlowRow> {
    const row = await repo.find(principal.orgId, id);
    if (!row) throw notFound('Flow');
    return row;
  }

  const validate = (orgId: string, definition: unknown) =>
    validateFlowDefinition(definition, deps.references(orgId));

  /** The flow with its draft's problems and whether the draft differs from what is published. */
  async function present(row: FlowRow) {
    const { definition, problems } = await validate(row.orgId, row.draft);
    let hasUnpublishedChanges = true;
    if (row.publishedVersion !== null && definition && problems.length === 0) {
      const published = await repo.version(row.orgId, row.id, row.publishedVersion);
      hasUnpublishedChanges = canonical(published?.definition) !== canonical(definition);
    }
    return { ...summary(row), definition: row.draft, problems, hasUnpublishedChanges };
  }

  const summary = (row: FlowRow) => ({
    id: row.id,
    name: row.name,
    description: row.description,
    status: row.status,
    publishedVersion: row.publishedVersion,
    trigger: row.trigger,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  });

  const unprocessable = (problems: DefinitionProblem[]) =>
    new AppError(
      'unprocessable',
      `The flow cannot be published: ${problems.length} problem${problems.length === 1 ? '' : 's'} to fix.`,
      { errors: problems },
    );

  async function publish(principal: Principal, id: string) {
    const row = await get(principal, id);
    const { definition, problems } = await validate(row.orgId, row.draft);
    if (!definition || problems.length > 0) throw unprocessable(problems);
    const now = clock.now();
    const graph = new FlowGraph(definition);
    const version = await repo.publish({
      orgId: row.orgId,
      flowId: row.id,
      id: uuidv7(),
      definition: definition as unknown as Record<string, unknown>,
      trigger: graph.trigger.config,
      createdBy: principal.userId,
      now,
    });
    if (!version) throw notFound('Flow');
    // Each email step's hidden campaign follows the newest published version of the step.
    for (const node of definition.nodes) {
      if (node.type === 'send_email')
        await syncStepCampaign(repo, {
          orgId: row.orgId,
          flowId: row.id,
          flowName: row.name,
          node,
          now,
        });
    }
    return version;
  }

  const conflict = (row: FlowRow, action: string) =>
    new AppError('conflict', `A ${row.status} flow cannot be ${action}.`);

  return {
    get,
    present,

    async list(
      principal: Principal,
      query: { cursor?: string | undefined; limit: number; status?: FlowStatus | undefined },
    ) {
      const before = decodeCursor(query.cursor, ['uuid']) as [string] | undefined;
      const rows = await repo.list(principal.orgId, query.limit + 1, before?.[0], query.status);
      const page = toPage(rows, query.limit, (r) => [r.id]);
      // The list shows each flow's runs without a stats call per row.
      const totals = await repo.runTotals(
        principal.orgId,
        page.items.map((r) => r.id),
      );
      const none = { entered: 0, active: 0, completed: 0 };
      return {
        items: page.items.map((r) => ({ ...summary(r), runs: totals.get(r.id) ?? none })),
        nextCursor: page.nextCursor,
      };
    },

    async view(principal: Principal, id: string) {
      return present(await get(principal, id));
    },

    async create(principal: Principal, input: FlowInput) {
      const now = clock.now();
      const row = await repo.insert({
        id: uuidv7(),
        orgId: principal.orgId,
        name: input.name.trim(),
        description: input.description?.trim() || null,
        draft: input.definition ?? emptyDefinition(),
        createdBy: principal.userId,
        createdAt: now,
        updatedAt: now,
      });
      return present(row);
    },

    /** Any status: the draft is a working copy; runs only ever see published versions. */
    async update(principal: Principal, id: string, input: Partial<FlowInput>) {
      const row = await repo.update(principal.orgId, id, {
        ...(input.name !== undefined ? { name: input.name.trim() } : {}),
        ...(input.description !== undefined
          ? { description: input.description?.trim() || null }
          : {}),
        ...(input.definition !== undefined ? { draft: input.definition } : {}),
        updatedAt: clock.now(),
      });
      if (!row) throw notFound('Flow');
      return present(row);
    },

    /** Refused while active: deactivate first (its runs and emails' numbers go with it). */
    async remove(principal: Principal, id: string) {
      const row = await get(principal, id);
      if (row.status === 'active') throw conflict(row, 'deleted; deactivate it first');
      if (!(await repo.delete(principal.orgId, id))) throw conflict(row, 'deleted');
    },

    /** Checks the draft without saving anything. */
    async validate(principal: Principal, id: string, definition?: unknown) {
      const row = await get(principal, id);
      const { problems } = await validate(row.orgId, definition ?? row.draft);
      return { isValid: problems.length === 0, problems };
    },

    async publish(principal: Principal, id: string) {
      const version = await publish(principal, id);
      return { version: version.version, flow: await present(await get(principal, id)) };
    },

    /** Publishes first when the flow has never been published. */
    async activate(principal: Principal, id: string) {
      const row = await get(principal, id);
      if (row.status === 'active') throw conflict(row, 'activated again');
      if (row.publishedVersion === null) await publish(principal, id);
      const moved = await repo.transition(principal.orgId, id, ['draft', 'inactive'], {
        status: 'active',
        updatedAt: clock.now(),
      });
      if (!moved) throw conflict(await get(principal, id), 'activated again');
      return present(moved);
    },

    /** Nobody new enters; runs in flight go on to their end. */
    async deactivate(principal: Principal, id: string) {
      const row = await get(principal, id);
      const moved = await repo.transition(principal.orgId, id, ['active'], {
        status: 'inactive',
        updatedAt: clock.now(),
      });
      if (!moved) throw conflict(row, 'deactivated');
      return present(moved);
    },

    async versions(
      principal: Principal,
      id: string,
      query: { cursor?: string | undefined; limit: number },
    ) {
      await get(principal, id);
      const before = decodeCursor(query.cursor, [(v) => /^\d+$/.test(v)]) as [string] | undefined;
      const rows = await repo.versions(
        principal.orgId,
        id,
        query.limit + 1,
        before ? Number(before[0]) : undefined,
      );
      return toPage(rows, query.limit, (r) => [String(r.version)]);
    },

    async version(principal: Principal, id: string, version: number) {
      await get(principal, id);
      const row = await repo.version(principal.orgId, id, version);
      if (!row) throw notFound('Flow version');
      return {
        version: row.version,
        definition: row.definition,
        createdBy: row.createdBy,
        createdAt: row.createdAt,
      };
    },

    /** The definition of a published version (or the current one), parsed. */
    async publishedDefinition(
      principal: Principal,
      id: string,
      version?: number,
    ): Promise<{ flow: FlowRow; version: number; definition: FlowDefinition }> {
      const flow = await get(principal, id);
      const wanted = version ?? flow.publishedVersion;
      if (wanted === null || wanted === undefined)
        throw new AppError('conflict', 'The flow has not been published yet.');
      const row = await repo.version(principal.orgId, id, wanted);
      if (!row) throw notFound('Flow version');
      const { definition, problems } = parseFlowDefinition(row.definition);
      if (!definition || problems.length > 0) throw unprocessable(problems);
      return { flow, version: wanted, definition };
    },
  };
}

export type FlowsService = ReturnType<typeof createFlowsService>;
