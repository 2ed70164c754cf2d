import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { organizations } from './organizations.js';
import { users } from './users.js';

/**
 * Write keys authenticate the event API the way Segment sources do (HTTP Basic username). They can
 * only send events, so they are safe to ship in a mobile app or a browser bundle.
 */
export const writeKeys = pgTable(
  'write_keys',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    prefix: text('prefix').notNull(),
    /** SHA-256 of the whole key (256-bit random, so a fast hash is enough). */
    keyHash: text('key_hash').notNull(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('write_keys_hash_key').on(t.keyHash),
    index('write_keys_org_idx').on(t.orgId),
  ],
);

/**
 * Contact events from the event API (`track`; `identify` calls are kept too, as type
 * 'identify'). Idempotent on the sender's messageId. An event from an anonymous visitor that
 * names no known contact keeps its anonymousId and is attached when an identify links it.
 */
export const events = pgTable(
  'events',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id').notNull(),
    contactId: uuid('contact_id'),
    type: text('type').notNull(),
    /** The event name for `track`; null for `identify`. */
    name: text('name'),
    messageId: text('message_id').notNull(),
    userId: text('user_id'),
    anonymousId: text('anonymous_id'),
    properties: jsonb('properties').$type<Record<string, unknown>>().notNull().default({}),
    context: jsonb('context').$type<Record<string, unknown>>(),
    /** When it happened, as the sender says (`timestamp`), else when it was received. */
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('events_org_message_key').on(t.orgId, t.messageId),
    index('events_contact_idx').on(t.contactId, t.name, t.occurredAt),
    index('events_org_name_idx').on(t.orgId, t.name, t.occurredAt),
    index('events_org_id_idx').on(t.orgId, t.id),
    index('events_anonymous_idx')
      .on(t.orgId, t.anonymousId)
      .where(sql`${t.contactId} is null and ${t.anonymousId} is not null`),
    // Events that named only a userId nobody had yet, attached once a contact takes that id.
    index('events_user_idx')
      .on(t.orgId, t.userId)
      .where(sql`${t.contactId} is null and ${t.userId} is not null`),
    // Which contact an anonymousId belongs to: the identify (or alias) calls that linked them.
    index('events_identity_idx')
      .on(t.orgId, t.anonymousId)
      .where(
        sql`${t.contactId} is not null and ${t.anonymousId} is not null and ${t.type} in ('identify', 'alias')`,
      ),
    // A contact's timeline and the explorer's contact filter, newest first by id.
    index('events_contact_id_idx').on(t.contactId, t.id),
  ],
);
