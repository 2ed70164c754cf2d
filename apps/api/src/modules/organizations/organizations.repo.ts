import { and, asc, desc, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { invitations, memberships, organizations, users } from '../../db/schema/index.js';
import type { Role } from '../../http/access.js';
import { isUuid } from '../../platform/ids.js';

export type InvitationRow = typeof invitations.$inferSelect;

/**
 * Keyset pages sort on created_at cut to milliseconds: cursors travel as JavaScript dates, and
 * PostgreSQL's microseconds would otherwise make the boundary row reappear on the next page.
 */
const msCreatedAt = sql`date_trunc('milliseconds', ${memberships.createdAt})`;

export function createOrganizationsRepo(db: Db) {
  return {
    async listForUser(userId: string, limit: number, after?: [string, string]) {
      return db
        .select({
          id: organizations.id,
          name: organizations.name,
          role: memberships.role,
          createdAt: memberships.createdAt,
        })
        .from(memberships)
        .innerJoin(organizations, eq(organizations.id, memberships.orgId))
        .where(
          and(
            eq(memberships.userId, userId),
            after
              ? sql`(${msCreatedAt}, ${memberships.orgId}) > (${after[0]}::timestamptz, ${after[1]}::uuid)`
              : undefined,
          ),
        )
        .orderBy(asc(msCreatedAt), asc(memberships.orgId))
        .limit(limit);
    },

    async create(org: { id: string; name: string }, ownerId: string) {
      return db.transaction(async (tx) => {
        const [row] = await tx.insert(organizations).values(org).returning();
        const [membership] = await tx
          .insert(memberships)
          .values({ orgId: org.id, userId: ownerId, role: 'owner' })
          .returning();
        return { ...row!, role: membership!.role, joinedAt: membership!.createdAt };
      });
    },

    async rename(orgId: string, name: string) {
      const [row] = await db
        .update(organizations)
        .set({ name, updatedAt: new Date() })
        .where(eq(organizations.id, orgId))
        .returning();
      return row ?? null;
    },

    /** For the CLI: an organization named by id or by exact (case-insensitive) name. */
    async findByIdOrName(idOrName: string) {
      return db
        .select({ id: organizations.id, name: organizations.name })
        .from(organizations)
        .where(
          isUuid(idOrName)
            ? eq(organizations.id, idOrName)
            : sql`lower(${organizations.name}) = lower(${idOrName})`,
        )
        .limit(2);
    },

    async find(orgId: string) {
      const [row] = await db
        .select()
        .from(organizations)
        .where(eq(organizations.id, orgId))
        .limit(1);
      return row ?? null;
    },

    async listMembers(orgId: string, limit: number, after?: [string, string]) {
      return db
        .select({
          userId: users.id,
          email: users.email,
          name: users.name,
          role: memberships.role,
          createdAt: memberships.createdAt,
        })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .where(
          and(
            eq(memberships.orgId, orgId),
            after
              ? sql`(${msCreatedAt}, ${memberships.userId}) > (${after[0]}::timestamptz, ${after[1]}::uuid)`
              : undefined,
          ),
        )
        .orderBy(asc(msCreatedAt), asc(memberships.userId))
        .limit(limit);
    },

    async findMember(orgId: string, userId: string) {
      const [row] = await db
        .select({
          userId: users.id,
          email: users.email,
          name: users.name,
          role: memberships.role,
          createdAt: memberships.createdAt,
        })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)))
        .limit(1);
      return row ?? null;
    },

    /**
     * Changes a role unless that would leave the organization without an owner. The owner count
     * is taken under a row lock so two concurrent demotions cannot both pass the check.
     */
    async setRole(
      orgId: string,
      userId: string,
      role: Role,
    ): Promise<'ok' | 'last_owner' | 'missing'> {
      return db.transaction(async (tx) => {
        const owners = await tx
          .select({ userId: memberships.userId })
          .from(memberships)
          .where(and(eq(memberships.orgId, orgId), eq(memberships.role, 'owner')))
          .for('update');
        const isOwner = owners.some((o) => o.userId === userId);
        if (isOwner && role !== 'owner' && owners.length === 1) return 'last_owner' as const;
        const updated = await tx
          .update(memberships)
          .set({ role })
          .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)))
          .returning({ userId: memberships.userId });
        return updated.length === 0 ? ('missing' as const) : ('ok' as const);
      });
    },

    async removeMember(orgId: string, userId: string): Promise<'ok' | 'last_owner' | 'missing'> {
      return db.transaction(async (tx) => {
        const owners = await tx
          .select({ userId: memberships.userId })
          .from(memberships)
          .where(and(eq(memberships.orgId, orgId), eq(memberships.role, 'owner')))
          .for('update');
        if (owners.length === 1 && owners[0]!.userId === userId) return 'last_owner' as const;
        const deleted = await tx
          .delete(memberships)
          .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)))
          .returning({ userId: memberships.userId });
        return deleted.length === 0 ? ('missing' as const) : ('ok' as const);
      });
    },

    async addMember(tx: Db, orgId: string, userId: string, role: Role): Promise<boolean> {
      const inserted = await tx
        .insert(memberships)
        .values({ orgId, userId, role })
        .onConflictDoNothing()
        .returning({ userId: memberships.userId });
      return inserted.length > 0;
    },

    async insertInvitation(row: typeof invitations.$inferInsert) {
      const [inserted] = await db.insert(invitations).values(row).returning();
      return inserted!;
    },

    async listPendingInvitations(orgId: string, now: Date, limit: number, after?: string) {
      return db
        .select()
        .from(invitations)
        .where(
          and(
            eq(invitations.orgId, orgId),
            isNull(invitations.acceptedAt),
            gt(invitations.expiresAt, now),
            after ? lt(invitations.id, after) : undefined,
          ),
        )
        .orderBy(desc(invitations.id))
        .limit(limit);
    },

    async deleteInvitation(orgId: string, id: string): Promise<boolean> {
      const deleted = await db
        .delete(invitations)
        .where(
          and(eq(invitations.orgId, orgId), eq(invitations.id, id), isNull(invitations.acceptedAt)),
        )
        .returning({ id: invitations.id });
      return deleted.length > 0;
    },

    /** Marks an invitation accepted, once; returns it, or null if it is unknown/spent/expired. */
    async claimInvitation(tx: Db, tokenHash: string, now: Date): Promise<InvitationRow | null> {
      const [row] = await tx
        .update(invitations)
        .set({ acceptedAt: now })
        .where(
          and(
            eq(invitations.tokenHash, tokenHash),
            isNull(invitations.acceptedAt),
            gt(invitations.expiresAt, now),
          ),
        )
        .returning();
      return row ?? null;
    },

    async findInvitationByToken(tokenHash: string) {
      const [row] = await db
        .select({ invitation: invitations, orgName: organizations.name })
        .from(invitations)
        .innerJoin(organizations, eq(organizations.id, invitations.orgId))
        .where(eq(invitations.tokenHash, tokenHash))
        .limit(1);
      return row ?? null;
    },

    async purgeInvitations(expiredBefore: Date): Promise<number> {
      const rows = await db
        .delete(invitations)
        .where(lt(invitations.expiresAt, expiredBefore))
        .returning({ id: invitations.id });
      return rows.length;
    },

    transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
      return db.transaction((tx) => fn(tx as unknown as Db));
    },
  };
}

export type OrganizationsRepo = ReturnType<typeof createOrganizationsRepo>;
