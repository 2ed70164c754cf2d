import {
  boolean,
  index,
  integer,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { organizations } from './organizations.js';
import { users } from './users.js';

export const templateFormatEnum = pgEnum('template_format', ['html', 'mjml', 'markdown']);

/** A template's current content; every content change also lands in template_versions. */
export const templates = pgTable(
  'templates',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    category: text('category'),
    subject: text('subject').notNull(),
    preheader: text('preheader'),
    format: templateFormatEnum('format').notNull(),
    body: text('body').notNull(),
    /** Hand-written text part; null means generated from the HTML. */
    text: text('text'),
    isActive: boolean('is_active').notNull().default(true),
    /** The number of the newest row in template_versions. */
    version: integer('version').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('templates_org_idx').on(t.orgId, t.id)],
);

/** Immutable snapshots: a campaign records the version it sent, so history stays exact. */
export const templateVersions = pgTable(
  'template_versions',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id').notNull(),
    templateId: uuid('template_id')
      .notNull()
      .references(() => templates.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    subject: text('subject').notNull(),
    preheader: text('preheader'),
    format: templateFormatEnum('format').notNull(),
    body: text('body').notNull(),
    text: text('text'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('template_versions_template_version_key').on(t.templateId, t.version)],
);
