import { sql } from 'drizzle-orm';
import {
  index,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { organizations } from './organizations.js';

export const contactStatusEnum = pgEnum('contact_status', [
  'subscribed',
  'unsubscribed',
  'bounced',
  'complained',
  'blocked',
]);

export const contacts = pgTable(
  'contacts',
  {
    id: uuid('id').primaryKey(),
    // No foreign key to organizations: its per-row check was a fifth of a bulk import's cost
    // (measured), and organizations are never deleted; a future org deletion deletes contacts.
    orgId: uuid('org_id').notNull(),
    /** Trimmed, domain lowercased; unique per organization case-insensitively. */
    email: text('email').notNull(),
    /** The id the organization's own product knows this contact by (Segment's `userId`). */
    externalId: text('external_id'),
    firstName: text('first_name'),
    lastName: text('last_name'),
    phone: text('phone'),
    timezone: text('timezone'),
    locale: text('locale'),
    status: contactStatusEnum('status').notNull().default('subscribed'),
    tags: text('tags')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    attributes: jsonb('attributes').$type<Record<string, unknown>>().notNull().default({}),
    source: text('source'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // One index serves uniqueness, equality and prefix search: text_pattern_ops compares bytes,
    // which is what `=` means for text anyway, and it answers `like 'abc%'` in any collation.
    uniqueIndex('contacts_org_email_key').on(t.orgId, sql`lower(${t.email}) text_pattern_ops`),
    index('contacts_org_id_idx').on(t.orgId, t.id),
    uniqueIndex('contacts_org_external_id_key')
      .on(t.orgId, t.externalId)
      .where(sql`${t.externalId} is not null`),
    // Most contacts are subscribed and a filter on that matches most rows anyway; indexing only
    // the others keeps imports of subscribed contacts from paying for this index.
    index('contacts_org_status_idx')
      .on(t.orgId, t.status)
      .where(sql`${t.status} <> 'subscribed'`),
    // The contact list's default order, id included: an import gives thousands of contacts
    // the same created_at, and without the id every page would sort all of them.
    index('contacts_org_created_id_idx').on(t.orgId, t.createdAt, t.id),
    index('contacts_tags_idx').using('gin', t.tags),
    index('contacts_attributes_idx').using('gin', sql`${t.attributes} jsonb_path_ops`),
  ],
);

export const fieldTypeEnum = pgEnum('field_type', ['string', 'number', 'boolean', 'date']);

/** Custom field definitions: they type `contacts.attributes[key]`. */
export const fields = pgTable(
  'fields',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    label: text('label').notNull(),
    type: fieldTypeEnum('type').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('fields_org_key_key').on(t.orgId, t.key)],
);

export const lists = pgTable(
  'lists',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('lists_org_idx').on(t.orgId, t.id)],
);

export const listMembers = pgTable(
  'list_members',
  {
    listId: uuid('list_id')
      .notNull()
      .references(() => lists.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    orgId: uuid('org_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('list_members_pkey_idx').on(t.listId, t.contactId),
    index('list_members_contact_idx').on(t.contactId),
  ],
);

/** Emails that must never be mailed; kept after the contact is erased. Stored lowercased. */
export const suppressions = pgTable(
  'suppressions',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    reason: text('reason').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('suppressions_org_email_key').on(t.orgId, t.email)],
);

/** A contact's history: status changes now; messages and events as later features add them. */
export const contactActivities = pgTable(
  'contact_activities',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id').notNull(),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('contact_activities_contact_idx').on(t.contactId, t.id)],
);
