import { and, desc, eq, like, lt, or } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import {
  apiKeys,
  auditLog,
  campaigns,
  flows,
  invitations,
  memberships,
  senders,
  users,
  webhookEndpoints,
  writeKeys,
} from '../../db/schema/index.js';

export type AuditRow = typeof auditLog.$inferSelect;

export interface AuditFilter {
  /** Exact actions (`member.removed`) or whole areas (`member`); any of them matches. */
  action?: string[] | undefined;
  actorType?: 'user' | 'apiKey' | 'system' | undefined;
  actorId?: string | undefined;
}

/** What a target is called, and what it was before the action where that matters. */
export interface TargetSnapshot {
  label: string | null;
  before?: Record<string, unknown>;
}

export function createAuditLogRepo(db: Db) {
  async function apiKeyName(orgId: string, id: string): Promise<string | null> {
    const [row] = await db
      .select({ name: apiKeys.name })
      .from(apiKeys)
      .where(and(eq(apiKeys.orgId, orgId), eq(apiKeys.id, id)))
      .limit(1);
    return row?.name ?? null;
  }

  return {
    async insert(row: typeof auditLog.$inferInsert): Promise<void> {
      await db.insert(auditLog).values(row);
    },

    async list(orgId: string, filter: AuditFilter, limit: number, afterId?: string) {
      const actions = filter.action?.map((action) =>
        action.includes('.')
          ? eq(auditLog.action, action)
          : // `_` is LIKE's any-character; area names such as api_key contain it.
            like(auditLog.action, `${action.replaceAll('_', '\\_')}.%`),
      );
      return db
        .select()
        .from(auditLog)
        .where(
          and(
            eq(auditLog.orgId, orgId),
            actions?.length ? or(...actions) : undefined,
            filter.actorType ? eq(auditLog.actorType, filter.actorType) : undefined,
            filter.actorId ? eq(auditLog.actorId, filter.actorId) : undefined,
            afterId ? lt(auditLog.id, afterId) : undefined,
          ),
        )
        .orderBy(desc(auditLog.id))
        .limit(limit);
    },

    async userEmail(userId: string): Promise<string | null> {
      const [row] = await db
        .select({ email: users.email })
        .from(users)
        .where(eq(users.id, userId))
        .limit(1);
      return row?.email ?? null;
    },

    apiKeyName,

    /**
     * Read before a delete and after a create, always inside the organization: an id of another
     * organization names nothing (and its route answers 404, so nothing is recorded anyway).
     */
    async target(orgId: string, type: string, id: string): Promise<TargetSnapshot | null> {
      switch (type) {
        case 'campaign': {
          const [row] = await db
            .select({ label: campaigns.name })
            .from(campaigns)
            .where(and(eq(campaigns.orgId, orgId), eq(campaigns.id, id)))
            .limit(1);
          return row ? { label: row.label } : null;
        }
        case 'sender': {
          const [row] = await db
            .select({ label: senders.name })
            .from(senders)
            .where(and(eq(senders.orgId, orgId), eq(senders.id, id)))
            .limit(1);
          return row ? { label: row.label } : null;
        }
        case 'api_key':
          return { label: await apiKeyName(orgId, id) };
        case 'write_key': {
          const [row] = await db
            .select({ label: writeKeys.name })
            .from(writeKeys)
            .where(and(eq(writeKeys.orgId, orgId), eq(writeKeys.id, id)))
            .limit(1);
          return row ? { label: row.label } : null;
        }
        case 'webhook': {
          const [row] = await db
            .select({ label: webhookEndpoints.url })
            .from(webhookEndpoints)
            .where(and(eq(webhookEndpoints.orgId, orgId), eq(webhookEndpoints.id, id)))
            .limit(1);
          return row ? { label: row.label } : null;
        }
        case 'flow': {
          const [row] = await db
            .select({ label: flows.name })
            .from(flows)
            .where(and(eq(flows.orgId, orgId), eq(flows.id, id)))
            .limit(1);
          return row ? { label: row.label } : null;
        }
        case 'invitation': {
          const [row] = await db
            .select({ label: invitations.email, role: invitations.role })
            .from(invitations)
            .where(and(eq(invitations.orgId, orgId), eq(invitations.id, id)))
            .limit(1);
          return row ? { label: row.label, before: { role: row.role } } : null;
        }
        case 'member': {
          const [row] = await db
            .select({ label: users.email, role: memberships.role })
            .from(memberships)
            .innerJoin(users, eq(users.id, memberships.userId))
            .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, id)))
            .limit(1);
          return row ? { label: row.label, before: { role: row.role } } : null;
        }
        default:
          // Contacts: an erased contact's address must not live on in the audit log.
          return null;
      }
    },
  };
}

export type AuditLogRepo = ReturnType<typeof createAuditLogRepo>;
