import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { memberships, organizations, refreshTokens, users } from '../../db/schema/index.js';
import type { Role } from '../../http/access.js';

export type UserRow = typeof users.$inferSelect;
export type RefreshTokenRow = typeof refreshTokens.$inferSelect;

/** The reads a refresh needs, runnable on the pool or inside a transaction. */
function membershipReads(db: Db) {
  return {
    async findUserById(id: string): Promise<UserRow | null> {
      const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1);
      return row ?? null;
    },

    async findMembership(userId: string, orgId: string) {
      const [row] = await db
        .select({ role: memberships.role, orgName: organizations.name })
        .from(memberships)
        .innerJoin(organizations, eq(organizations.id, memberships.orgId))
        .where(and(eq(memberships.userId, userId), eq(memberships.orgId, orgId)))
        .limit(1);
      return row ?? null;
    },
  };
}

type MembershipReads = ReturnType<typeof membershipReads>;

export function createAuthRepo(db: Db) {
  return {
    ...membershipReads(db),

    async findUserByEmail(email: string): Promise<UserRow | null> {
      const [row] = await db
        .select()
        .from(users)
        .where(sql`lower(${users.email}) = lower(${email})`)
        .limit(1);
      return row ?? null;
    },

    /** The organization a login lands in when none is asked for: the oldest membership. */
    async firstMembership(userId: string) {
      const [row] = await db
        .select({ orgId: memberships.orgId, role: memberships.role, orgName: organizations.name })
        .from(memberships)
        .innerJoin(organizations, eq(organizations.id, memberships.orgId))
        .where(eq(memberships.userId, userId))
        .orderBy(memberships.createdAt, memberships.orgId)
        .limit(1);
      return row ?? null;
    },

    async insertRefreshToken(row: typeof refreshTokens.$inferInsert): Promise<void> {
      await db.insert(refreshTokens).values(row);
    },

    /**
     * Spends a refresh token atomically: the row is locked, so two concurrent refreshes with the
     * same token cannot both succeed — the loser sees it as reuse.
     */
    async spendRefreshToken(
      tokenHash: string,
      now: Date,
      next: (
        row: RefreshTokenRow,
        reads: MembershipReads,
      ) => Promise<typeof refreshTokens.$inferInsert | 'revoke-family' | 'reject'>,
    ): Promise<{ outcome: 'rotated'; row: RefreshTokenRow } | { outcome: 'reused' | 'invalid' }> {
      return db.transaction(async (tx) => {
        const [row] = await tx
          .select()
          .from(refreshTokens)
          .where(eq(refreshTokens.tokenHash, tokenHash))
          .for('update')
          .limit(1);
        if (!row || row.revokedAt) return { outcome: 'invalid' as const };
        if (row.usedAt) {
          await tx
            .update(refreshTokens)
            .set({ revokedAt: now })
            .where(and(eq(refreshTokens.familyId, row.familyId), isNull(refreshTokens.revokedAt)));
          return { outcome: 'reused' as const };
        }
        if (row.expiresAt <= now) return { outcome: 'invalid' as const };
        // Reads inside the callback must use the transaction: PGlite has one connection.
        const decision = await next(row, membershipReads(tx as unknown as Db));
        if (decision === 'reject') return { outcome: 'invalid' as const };
        if (decision === 'revoke-family') {
          await tx
            .update(refreshTokens)
            .set({ revokedAt: now })
            .where(eq(refreshTokens.familyId, row.familyId));
          return { outcome: 'invalid' as const };
        }
        await tx.update(refreshTokens).set({ usedAt: now }).where(eq(refreshTokens.id, row.id));
        await tx.insert(refreshTokens).values(decision);
        return { outcome: 'rotated' as const, row };
      });
    },

    async revokeFamilyOf(tokenHash: string, now: Date, userId?: string): Promise<boolean> {
      const [row] = await db
        .select({ familyId: refreshTokens.familyId, userId: refreshTokens.userId })
        .from(refreshTokens)
        .where(eq(refreshTokens.tokenHash, tokenHash))
        .limit(1);
      if (!row || (userId && row.userId !== userId)) return false;
      await db
        .update(refreshTokens)
        .set({ revokedAt: now })
        .where(and(eq(refreshTokens.familyId, row.familyId), isNull(refreshTokens.revokedAt)));
      return true;
    },

    async purgeRefreshTokens(expiredBefore: Date): Promise<number> {
      const rows = await db
        .delete(refreshTokens)
        .where(lt(refreshTokens.expiresAt, expiredBefore))
        .returning({ id: refreshTokens.id });
      return rows.length;
    },

    async createUserWithMembership(input: {
      user: typeof users.$inferInsert;
      org: { id: string; name: string; isNew: boolean };
      role: Role;
      afterInsert?: (tx: Db) => Promise<void>;
    }): Promise<'ok' | 'email_taken'> {
      return db.transaction(async (tx) => {
        const inserted = await tx
          .insert(users)
          .values(input.user)
          .onConflictDoNothing()
          .returning({ id: users.id });
        if (inserted.length === 0) return 'email_taken' as const;
        if (input.org.isNew)
          await tx.insert(organizations).values({ id: input.org.id, name: input.org.name });
        await tx
          .insert(memberships)
          .values({ orgId: input.org.id, userId: input.user.id!, role: input.role });
        if (input.afterInsert) await input.afterInsert(tx as unknown as Db);
        return 'ok' as const;
      });
    },
  };
}

export type AuthRepo = ReturnType<typeof createAuthRepo>;
