import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { organizations } from './organizations.js';
import { templateFormatEnum } from './templates.js';
import { users } from './users.js';

export const campaignStatusEnum = pgEnum('campaign_status', [
  'draft',
  'scheduled',
  'sending',
  'paused',
  'sent',
  'cancelled',
  'failed',
]);

/** 'flow': the hidden campaign behind one flow's send-email step (its links, stats, tracking). */
export const campaignKindEnum = pgEnum('campaign_kind', ['campaign', 'flow']);

export const rotationEnum = pgEnum('sender_rotation', [
  'round_robin',
  'random',
  'weighted',
  'fill_in_order',
]);

/** Who a campaign goes to: contacts in any included segment or list, minus the excluded ones. */
export interface CampaignAudience {
  segmentIds: string[];
  listIds: string[];
  excludeSegmentIds: string[];
  excludeListIds: string[];
  /** A follow-up: these recipients of another campaign (instead of segments and lists). */
  followUp?: { campaignId: string; to: 'non_openers' | 'non_clickers' | 'failed' } | null;
}

export interface CampaignWindow {
  days: number[];
  start: string;
  end: string;
  timezone: string;
  /** Each contact's own timezone (when known) instead of `timezone`. */
  useContactTimezone: boolean;
}

export interface Utm {
  source?: string | null;
  medium?: string | null;
  campaign?: string | null;
  term?: string | null;
  content?: string | null;
}

export const campaigns = pgTable(
  'campaigns',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    kind: campaignKindEnum('kind').notNull().default('campaign'),
    status: campaignStatusEnum('status').notNull().default('draft'),
    audience: jsonb('audience').$type<CampaignAudience>().notNull(),
    /** Content comes from this template (the version is fixed when sending starts)… */
    templateId: uuid('template_id'),
    templateVersion: integer('template_version'),
    /** …or is written inline here (templateId null). */
    subject: text('subject'),
    preheader: text('preheader'),
    format: templateFormatEnum('format'),
    body: text('body'),
    text: text('text'),
    /** Overrides of the senders' own from name and reply-to. */
    fromName: text('from_name'),
    replyTo: text('reply_to'),
    senderIds: uuid('sender_ids')
      .array()
      .notNull()
      .default(sql`'{}'::uuid[]`),
    rotation: rotationEnum('rotation').notNull().default('round_robin'),
    /** For `weighted`: sender id → weight. */
    senderWeights: jsonb('sender_weights').$type<Record<string, number>>(),
    trackOpens: boolean('track_opens').notNull().default(true),
    trackClicks: boolean('track_clicks').notNull().default(true),
    utm: jsonb('utm').$type<Utm>(),
    sendAt: timestamp('send_at', { withTimezone: true }),
    timezone: text('timezone'),
    window: jsonb('window').$type<CampaignWindow>(),
    /** Set while sending is held back (outside the window, no sender available): until when, why. */
    waitingUntil: timestamp('waiting_until', { withTimezone: true }),
    waitingReason: text('waiting_reason'),
    recipients: integer('recipients').notNull().default(0),
    /** Final outcomes so far, kept with each recorded batch (live progress without counting). */
    sentCount: integer('sent_count').notNull().default(0),
    failedCount: integer('failed_count').notNull().default(0),
    bouncedCount: integer('bounced_count').notNull().default(0),
    cancelledCount: integer('cancelled_count').notNull().default(0),
    /** Messages opened / clicked by a person at least once, kept by the tracking writes. */
    openedCount: integer('opened_count').notNull().default(0),
    clickedCount: integer('clicked_count').notNull().default(0),
    lastError: text('last_error'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('campaigns_org_idx').on(t.orgId, t.id)],
);

export const messageStatusEnum = pgEnum('message_status', [
  'queued',
  'sending',
  'sent',
  'failed',
  'bounced',
  'cancelled',
]);

/**
 * The send ledger: one row per campaign × contact, written by the audience snapshot and then
 * only by the send pipeline. No foreign key to contacts: an erased contact's rows stay (with the
 * address scrubbed) so the campaign's numbers stay right.
 */
export const messages = pgTable(
  'messages',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id').notNull(),
    campaignId: uuid('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id'),
    /** A flow's email: the run and step visit (`stepId:visit`) that sent it. */
    flowRunId: uuid('flow_run_id'),
    flowStep: text('flow_step'),
    /** The address at snapshot time; null once the contact is erased. */
    email: text('email'),
    status: messageStatusEnum('status').notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    /** Not claimed before this (retry backoff, the contact's sending window). */
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    /** A claimed message whose lease passes is claimed again: its worker is presumed dead. */
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    senderId: uuid('sender_id'),
    /** Message-ID header, angle brackets included. */
    providerMessageId: text('provider_message_id'),
    lastCode: integer('last_code'),
    lastReply: text('last_reply'),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    openedAt: timestamp('opened_at', { withTimezone: true }),
    clickedAt: timestamp('clicked_at', { withTimezone: true }),
    openCount: integer('open_count').notNull().default(0),
    clickCount: integer('click_count').notNull().default(0),
    unsubscribedAt: timestamp('unsubscribed_at', { withTimezone: true }),
    complainedAt: timestamp('complained_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('messages_campaign_contact_key')
      .on(t.campaignId, t.contactId)
      .where(sql`${t.flowRunId} is null`),
    // A flow sends once per step visit, however often its job runs.
    uniqueIndex('messages_flow_step_key')
      .on(t.flowRunId, t.flowStep)
      .where(sql`${t.flowRunId} is not null`),
    // What the pipeline claims: due messages of one campaign, in order.
    index('messages_claim_idx')
      .on(t.campaignId, t.nextAttemptAt, t.id)
      .where(sql`${t.status} in ('queued', 'sending')`),
    index('messages_contact_idx').on(t.contactId, t.campaignId),
    index('messages_campaign_status_idx').on(t.campaignId, t.status),
  ],
);

/** Every distinct destination a campaign's messages link to; click tokens name a row here. */
export const links = pgTable(
  'links',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id').notNull(),
    campaignId: uuid('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('links_campaign_url_key').on(t.campaignId, t.url)],
);

export const emailEventTypeEnum = pgEnum('email_event_type', [
  'sent',
  'delivered',
  'open',
  'click',
  'bounce',
  'complaint',
  'unsubscribe',
]);

/** Engagement and delivery events per message: the source of stats, timelines and charts. */
export const emailEvents = pgTable(
  'email_events',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id').notNull(),
    campaignId: uuid('campaign_id'),
    messageId: uuid('message_id'),
    contactId: uuid('contact_id'),
    type: emailEventTypeEnum('type').notNull(),
    linkId: uuid('link_id'),
    /** Mail-privacy proxies and link scanners: counted apart from people. */
    isMachine: boolean('is_machine').notNull().default(false),
    userAgent: text('user_agent'),
    data: jsonb('data').$type<Record<string, unknown>>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('email_events_campaign_idx').on(t.campaignId, t.type, t.createdAt),
    index('email_events_contact_idx').on(t.contactId, t.id),
    index('email_events_org_idx').on(t.orgId, t.createdAt),
  ],
);
