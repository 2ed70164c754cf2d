import {
  bigint,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { organizations } from './organizations.js';
import { users } from './users.js';

export const importStatusEnum = pgEnum('import_status', [
  'pending',
  'running',
  'completed',
  'failed',
  'cancelled',
]);

export const imports = pgTable(
  'imports',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    status: importStatusEnum('status').notNull().default('pending'),
    fileName: text('file_name').notNull(),
    /** Where the upload was streamed to; removed when the import ends. */
    filePath: text('file_path').notNull(),
    fileSize: bigint('file_size', { mode: 'number' }).notNull(),
    encoding: text('encoding'),
    delimiter: text('delimiter'),
    mapping: jsonb('mapping'),
    options: jsonb('options').notNull(),
    /** Bytes of the file read so far: progress is measured in bytes, since rows are unknown up front. */
    bytesProcessed: bigint('bytes_processed', { mode: 'number' }).notNull().default(0),
    rowsTotal: integer('rows_total'),
    rowsProcessed: integer('rows_processed').notNull().default(0),
    inserted: integer('inserted').notNull().default(0),
    updated: integer('updated').notNull().default(0),
    skipped: integer('skipped').notNull().default(0),
    failed: integer('failed').notNull().default(0),
    duplicates: integer('duplicates').notNull().default(0),
    error: text('error'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [index('imports_org_idx').on(t.orgId, t.id)],
);

export const importErrors = pgTable(
  'import_errors',
  {
    importId: uuid('import_id')
      .notNull()
      .references(() => imports.id, { onDelete: 'cascade' }),
    line: integer('line').notNull(),
    reason: text('reason').notNull(),
    raw: text('raw').notNull(),
  },
  (t) => [primaryKey({ columns: [t.importId, t.line] })],
);
