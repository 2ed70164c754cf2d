import {
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

export const senderProviderEnum = pgEnum('sender_provider', ['smtp', 'outbox']);
export const senderStatusEnum = pgEnum('sender_status', ['active', 'paused']);

/** SMTP connection settings; the password or OAuth token lives sealed in `senders.secret`. */
export interface SmtpSettings {
  host: string;
  port: number;
  tls: 'implicit' | 'starttls' | 'starttls-opportunistic' | 'none';
  auth: 'none' | 'plain' | 'login' | 'xoauth2';
  username: string | null;
  /** Accept self-signed certificates (test servers only). */
  allowInvalidCertificates: boolean;
}

/** When a sender may send: days 1 (Monday) – 7, local times HH:MM, in an IANA timezone. */
export interface SendingWindow {
  days: number[];
  start: string;
  end: string;
  timezone: string;
}

export interface VerifyReport {
  ok: boolean;
  at: string;
  steps: { step: string; ok: boolean; detail: string; ms: number }[];
}

export const senders = pgTable(
  'senders',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    fromName: text('from_name'),
    fromEmail: text('from_email').notNull(),
    replyTo: text('reply_to'),
    provider: senderProviderEnum('provider').notNull(),
    smtp: jsonb('smtp').$type<SmtpSettings>(),
    /** AES-256-GCM sealed (platform/crypto.ts); write-only through the API. */
    secret: text('secret'),
    perSecond: integer('per_second'),
    perHour: integer('per_hour'),
    perDay: integer('per_day'),
    window: jsonb('window').$type<SendingWindow>(),
    status: senderStatusEnum('status').notNull().default('active'),
    pausedReason: text('paused_reason'),
    pausedAt: timestamp('paused_at', { withTimezone: true }),
    /** Transport failures in a row (refused connections, auth, 4xx at connect); reset by a success. */
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    lastSuccessAt: timestamp('last_success_at', { withTimezone: true }),
    lastFailureAt: timestamp('last_failure_at', { withTimezone: true }),
    lastError: text('last_error'),
    lastVerify: jsonb('last_verify').$type<VerifyReport>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('senders_org_idx').on(t.orgId, t.id)],
);

/** Outcomes per sender per hour: health over the last day and sends-per-sender charts. */
export const senderStats = pgTable(
  'sender_stats',
  {
    senderId: uuid('sender_id')
      .notNull()
      .references(() => senders.id, { onDelete: 'cascade' }),
    hour: timestamp('hour', { withTimezone: true }).notNull(),
    orgId: uuid('org_id').notNull(),
    sent: integer('sent').notNull().default(0),
    failed: integer('failed').notNull().default(0),
    deferred: integer('deferred').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.senderId, t.hour] }),
    index('sender_stats_org_hour_idx').on(t.orgId, t.hour),
  ],
);

/**
 * The built-in outbox: what an `outbox` sender "sends" is stored here with its raw source, so
 * a new installation shows exactly what would go out. Old rows are purged by maintenance.
 */
export const outboxMessages = pgTable(
  'outbox_messages',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id').notNull(),
    senderId: uuid('sender_id').references(() => senders.id, { onDelete: 'set null' }),
    campaignId: uuid('campaign_id'),
    messageId: text('message_id').notNull(),
    fromEmail: text('from_email').notNull(),
    toEmail: text('to_email').notNull(),
    subject: text('subject').notNull(),
    raw: text('raw').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('outbox_messages_org_idx').on(t.orgId, t.id)],
);
