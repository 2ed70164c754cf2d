import { and, asc, desc, eq, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { listMembers, lists, segments } from '../../db/schema/index.js';
import { contactsWhere, countChanged, type ContactFilter } from '../contacts/contacts.repo.js';

const columns = {
  id: lists.id,
  name: lists.name,
  description: lists.description,
  createdAt: lists.createdAt,
  updatedAt: lists.updatedAt,
};

const withCount = {
  ...columns,
  memberCount: sql<number>`(select count(*)::int from ${listMembers} where ${listMembers.listId} = ${lists.id})`,
};

const timestamp = (date: Date) => sql`${date.toISOString()}::timestamptz`;

export function createListsRepo(db: Db) {
  return {
    async list(orgId: string, limit: number, beforeId?: string) {
      return db
        .select(withCount)
        .from(lists)
        .where(
          and(eq(lists.orgId, orgId), beforeId !== undefined ? lt(lists.id, beforeId) : undefined),
        )
        .orderBy(desc(lists.id))
        .limit(limit);
    },

    async find(orgId: string, id: string) {
      const [row] = await db
        .select(withCount)
        .from(lists)
        .where(and(eq(lists.orgId, orgId), eq(lists.id, id)))
        .limit(1);
      return row ?? null;
    },

    async exists(orgId: string, id: string): Promise<boolean> {
      const [row] = await db
        .select({ id: lists.id })
        .from(lists)
        .where(and(eq(lists.orgId, orgId), eq(lists.id, id)))
        .limit(1);
      return Boolean(row);
    },

    async insert(row: typeof lists.$inferInsert) {
      const [inserted] = await db.insert(lists).values(row).returning(columns);
      return { ...inserted!, memberCount: 0 };
    },

    async update(
      orgId: string,
      id: string,
      patch: { name?: string; description?: string | null; updatedAt: Date },
    ): Promise<boolean> {
      const rows = await db
        .update(lists)
        .set(patch)
        .where(and(eq(lists.orgId, orgId), eq(lists.id, id)))
        .returning({ id: lists.id });
      return rows.length > 0;
    },

    /** Segments whose rules test membership of this list. */
    async segmentsUsing(orgId: string, id: string) {
      return db
        .select({ name: segments.name })
        .from(segments)
        .where(
          and(
            eq(segments.orgId, orgId),
            sql`${segments.definition} @? ${`$.** ? (@.list == "${id}")`}::jsonpath`,
          ),
        );
    },

    async delete(orgId: string, id: string): Promise<boolean> {
      const rows = await db
        .delete(lists)
        .where(and(eq(lists.orgId, orgId), eq(lists.id, id)))
        .returning({ id: lists.id });
      return rows.length > 0;
    },

    /**
     * Adds every contact matching `filter` to the list; already-members are skipped. Both the
     * list and the contacts must belong to `orgId`, checked in the statement itself.
     */
    async addContacts(orgId: string, listId: string, filter: ContactFilter, now: Date) {
      return countChanged(
        db,
        sql`insert into ${listMembers} (list_id, contact_id, org_id, created_at)
          select ${lists.id}, contacts.id, contacts.org_id, ${timestamp(now)}
          from contacts join ${lists} on ${lists.id} = ${listId} and ${lists.orgId} = contacts.org_id
          where ${contactsWhere(orgId, filter)}
          on conflict (list_id, contact_id) do nothing`,
      );
    },

    /** Like addContacts for a few ids, answering which contacts were not members before. */
    async addContactIds(
      orgId: string,
      listId: string,
      ids: string[],
      now: Date,
    ): Promise<string[]> {
      const rows =
        await db.execute(sql`insert into ${listMembers} (list_id, contact_id, org_id, created_at)
          select ${lists.id}, contacts.id, contacts.org_id, ${timestamp(now)}
          from contacts join ${lists} on ${lists.id} = ${listId} and ${lists.orgId} = contacts.org_id
          where ${contactsWhere(orgId, { ids })}
          on conflict (list_id, contact_id) do nothing
          returning contact_id as "contactId"`);
      return (rows as unknown as { rows: { contactId: string }[] }).rows.map((r) => r.contactId);
    },

    async removeContacts(orgId: string, listId: string, filter: ContactFilter) {
      return countChanged(
        db,
        sql`delete from ${listMembers}
          where ${listMembers.orgId} = ${orgId} and ${listMembers.listId} = ${listId}
            and ${listMembers.contactId} in (select contacts.id from contacts where ${contactsWhere(orgId, filter)})`,
      );
    },

    /** The lists one contact belongs to, oldest membership first. */
    async ofContact(orgId: string, contactId: string) {
      return db
        .select({ id: lists.id, name: lists.name, addedAt: listMembers.createdAt })
        .from(listMembers)
        .innerJoin(lists, and(eq(lists.id, listMembers.listId), eq(lists.orgId, orgId)))
        .where(and(eq(listMembers.orgId, orgId), eq(listMembers.contactId, contactId)))
        .orderBy(asc(listMembers.createdAt), asc(lists.id));
    },
  };
}

export type ListsRepo = ReturnType<typeof createListsRepo>;
