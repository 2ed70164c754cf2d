import { index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { organizations } from './organizations.js';

/**
 * Who changed what in an organization (campaigns started, members and roles, API keys, senders,
 * exports, erasures). Rows are history: actor and target ids carry no foreign keys and the labels
 * are copied, so an entry still reads right after the user, key or sender is gone.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    /** UUID v7: time-ordered, so (org_id, id) is also the newest-first order. */
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    /** user | apiKey | system */
    actorType: text('actor_type').notNull(),
    /** The user's or the API key's id; null for system. */
    actorId: uuid('actor_id'),
    /** The user's email or the key's name when it happened. */
    actorLabel: text('actor_label').notNull(),
    /** noun.verb, e.g. campaign.started, member.role_changed. */
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: uuid('target_id'),
    /** A campaign's or sender's name, a member's email; never a contact's personal data. */
    targetLabel: text('target_label'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    ip: text('ip'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('audit_log_org_idx').on(t.orgId, t.id)],
);
