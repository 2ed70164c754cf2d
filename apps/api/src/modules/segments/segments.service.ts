import type { SQL } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Principal } from '../../http/access.js';
import { AppError, notFound } from '../../http/errors.js';
import { decodeCursor, toPage } from '../../http/pagination.js';
import type { Clock } from '../../platform/clock.js';
import { compileSegment } from './segment.compiler.js';
import { parseSegmentDefinition, type SegmentNode, type ValueType } from './segment.definition.js';
import type { SegmentRow, SegmentsRepo } from './segments.repo.js';

const SAMPLE_SIZE = 10;

export function createSegmentsService(deps: { repo: SegmentsRepo; clock: Clock }) {
  const { repo, clock } = deps;

  function parse(definition: unknown, fieldTypes: ReadonlyMap<string, ValueType>): SegmentNode {
    const parsed = parseSegmentDefinition(definition, { fieldTypes });
    if (!parsed.ok)
      throw new AppError('unprocessable', 'The segment rules are invalid.', {
        errors: parsed.errors,
      });
    return parsed.node;
  }

  /** Validates and compiles rules into a WHERE condition over `contacts` (caller adds org_id). */
  async function compileFor(orgId: string, definition: unknown, selfId?: string): Promise<SQL> {
    const fieldTypes = await repo.fieldTypes(orgId);
    const node = parse(definition, fieldTypes);
    return compileSegment(
      node,
      {
        hasList: (id) => repo.hasList(orgId, id),
        hasCampaign: (id) => repo.hasCampaign(orgId, id),
        loadSegment: async (id) => {
          const row = await repo.find(orgId, id);
          if (!row) return null;
          // A stored segment whose rules no longer validate (a field's type changed) can't be
          // used inside another one; say so rather than guess.
          return parse(row.definition, fieldTypes);
        },
      },
      selfId,
    );
  }

  const present = (row: SegmentRow) => ({
    ...row,
    countAgeSeconds: row.countedAt
      ? Math.max(0, Math.round((clock.now().getTime() - row.countedAt.getTime()) / 1000))
      : null,
  });

  return {
    compileFor,

    async whereForSegment(orgId: string, segmentId: string): Promise<SQL> {
      const row = await repo.find(orgId, segmentId);
      if (!row) throw notFound('Segment');
      return compileFor(orgId, row.definition, row.id);
    },

    async preview(principal: Principal, definition: unknown) {
      const where = await compileFor(principal.orgId, definition);
      const [count, sample] = await Promise.all([
        repo.count(principal.orgId, where),
        repo.sample(principal.orgId, where, SAMPLE_SIZE),
      ]);
      return { count, sample };
    },

    async list(principal: Principal, query: { cursor?: string | undefined; limit: number }) {
      const after = decodeCursor(query.cursor, 1);
      const rows = await repo.list(
        principal.orgId,
        query.limit + 1,
        after?.[0] as string | undefined,
      );
      const page = toPage(rows, query.limit, (r) => [r.id]);
      return { items: page.items.map(present), nextCursor: page.nextCursor };
    },

    async get(principal: Principal, id: string) {
      const row = await repo.find(principal.orgId, id);
      if (!row) throw notFound('Segment');
      return present(row);
    },

    async create(
      principal: Principal,
      input: { name: string; description?: string | undefined; definition: unknown },
    ) {
      const id = uuidv7();
      const where = await compileFor(principal.orgId, input.definition, id);
      const cachedCount = await repo.count(principal.orgId, where);
      const row = await repo.insert({
        id,
        orgId: principal.orgId,
        name: input.name.trim(),
        description: input.description ?? null,
        definition: input.definition,
        cachedCount,
        countedAt: clock.now(),
      });
      return present(row);
    },

    async update(
      principal: Principal,
      id: string,
      input: {
        name?: string | undefined;
        description?: string | null | undefined;
        definition?: unknown;
      },
    ) {
      const existing = await repo.find(principal.orgId, id);
      if (!existing) throw notFound('Segment');
      const patch: Parameters<SegmentsRepo['update']>[2] = { updatedAt: clock.now() };
      if (input.name !== undefined) patch.name = input.name.trim();
      if (input.description !== undefined) patch.description = input.description;
      if (input.definition !== undefined) {
        const where = await compileFor(principal.orgId, input.definition, id);
        patch.definition = input.definition;
        patch.cachedCount = await repo.count(principal.orgId, where);
        patch.countedAt = clock.now();
      }
      const row = await repo.update(principal.orgId, id, patch);
      if (!row) throw notFound('Segment');
      return present(row);
    },

    async remove(principal: Principal, id: string) {
      if (!(await repo.find(principal.orgId, id))) throw notFound('Segment');
      const users = (await repo.referencing(principal.orgId, id)).filter((s) => s.id !== id);
      if (users.length > 0) {
        throw new AppError(
          'conflict',
          `Segment is used by: ${users.map((s) => s.name).join(', ')}. Change those first.`,
        );
      }
      if (!(await repo.delete(principal.orgId, id))) throw notFound('Segment');
    },

    /** Recounts now and caches the figure on the segment. */
    async refreshCount(principal: Principal, id: string) {
      const where = await this.whereForSegment(principal.orgId, id);
      const count = await repo.count(principal.orgId, where);
      const row = await repo.update(principal.orgId, id, {
        cachedCount: count,
        countedAt: clock.now(),
      });
      if (!row) throw notFound('Segment');
      return present(row);
    },
  };
}

export type SegmentsService = ReturnType<typeof createSegmentsService>;
