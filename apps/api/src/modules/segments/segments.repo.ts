import { and, count, desc, eq, lt, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { contacts, fields, lists, segments, campaigns } from '../../db/schema/index.js';
import type { ValueType } from './segment.definition.js';

export type SegmentRow = typeof segments.$inferSelect;

export function createSegmentsRepo(db: Db) {
  return {
    async fieldTypes(orgId: string): Promise<Map<string, ValueType>> {
      const rows = await db
        .select({ key: fields.key, type: fields.type })
        .from(fields)
        .where(eq(fields.orgId, orgId));
      return new Map(rows.map((r) => [r.key, r.type]));
    },

    async hasList(orgId: string, listId: string): Promise<boolean> {
      const [row] = await db
        .select({ id: lists.id })
        .from(lists)
        .where(and(eq(lists.orgId, orgId), eq(lists.id, listId)))
        .limit(1);
      return Boolean(row);
    },

    async hasCampaign(orgId: string, campaignId: string): Promise<boolean> {
      const [row] = await db
        .select({ id: campaigns.id })
        .from(campaigns)
        .where(and(eq(campaigns.orgId, orgId), eq(campaigns.id, campaignId)))
        .limit(1);
      return Boolean(row);
    },

    async find(orgId: string, id: string): Promise<SegmentRow | null> {
      const [row] = await db
        .select()
        .from(segments)
        .where(and(eq(segments.orgId, orgId), eq(segments.id, id)))
        .limit(1);
      return row ?? null;
    },

    async list(orgId: string, limit: number, afterId?: string) {
      return db
        .select()
        .from(segments)
        .where(and(eq(segments.orgId, orgId), afterId ? lt(segments.id, afterId) : undefined))
        .orderBy(desc(segments.id))
        .limit(limit);
    },

    async insert(row: typeof segments.$inferInsert): Promise<SegmentRow> {
      const [inserted] = await db.insert(segments).values(row).returning();
      return inserted!;
    },

    async update(
      orgId: string,
      id: string,
      patch: Partial<typeof segments.$inferInsert>,
    ): Promise<SegmentRow | null> {
      const [row] = await db
        .update(segments)
        .set(patch)
        .where(and(eq(segments.orgId, orgId), eq(segments.id, id)))
        .returning();
      return row ?? null;
    },

    async delete(orgId: string, id: string): Promise<boolean> {
      const rows = await db
        .delete(segments)
        .where(and(eq(segments.orgId, orgId), eq(segments.id, id)))
        .returning({ id: segments.id });
      return rows.length > 0;
    },

    /** Segments whose rules mention `id` (as a nested segment condition). */
    async referencing(orgId: string, id: string) {
      return db
        .select({ id: segments.id, name: segments.name })
        .from(segments)
        .where(
          and(
            eq(segments.orgId, orgId),
            sql`${segments.definition} @? ${`$.** ? (@.segment == "${id}")`}::jsonpath`,
          ),
        );
    },

    async count(orgId: string, condition: SQL): Promise<number> {
      const [row] = await db
        .select({ n: count() })
        .from(contacts)
        .where(and(eq(contacts.orgId, orgId), condition));
      return Number(row?.n ?? 0);
    },

    async sample(orgId: string, condition: SQL, limit: number) {
      return db
        .select({
          id: contacts.id,
          email: contacts.email,
          firstName: contacts.firstName,
          lastName: contacts.lastName,
          status: contacts.status,
        })
        .from(contacts)
        .where(and(eq(contacts.orgId, orgId), condition))
        .orderBy(desc(contacts.id))
        .limit(limit);
    },
  };
}

export type SegmentsRepo = ReturnType<typeof createSegmentsRepo>;
