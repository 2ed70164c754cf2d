import { sql } from 'drizzle-orm';
import {
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { campaigns } from './campaigns.js';
import { contacts } from './contacts.js';
import { organizations } from './organizations.js';
import { users } from './users.js';

export const flowStatusEnum = pgEnum('flow_status', ['draft', 'active', 'inactive']);

/**
 * An automation flow. `draft` is the graph being edited; publishing copies it into a new
 * flow_versions row, and runs stay on the version they started on.
 */
export const flows = pgTable(
  'flows',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description'),
    status: flowStatusEnum('status').notNull().default('draft'),
    /** The definition (trigger, re-entry, exit conditions, nodes, edges) as last saved. */
    draft: jsonb('draft').$type<Record<string, unknown>>().notNull(),
    /** The version new runs start on; null until first published. */
    publishedVersion: integer('published_version'),
    /**
     * The published version's trigger config, so an event or a list addition finds the flows it
     * enrols into without reading every definition.
     */
    trigger: jsonb('trigger').$type<Record<string, unknown>>(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('flows_org_idx').on(t.orgId, t.id)],
);

export const flowVersions = pgTable(
  'flow_versions',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id').notNull(),
    flowId: uuid('flow_id')
      .notNull()
      .references(() => flows.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    definition: jsonb('definition').$type<Record<string, unknown>>().notNull(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('flow_versions_flow_version_key').on(t.flowId, t.version)],
);

export const flowRunStatusEnum = pgEnum('flow_run_status', [
  'running',
  'waiting',
  'completed',
  'exited',
  'failed',
]);

/** One contact's way through one flow version. */
export const flowRuns = pgTable(
  'flow_runs',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id').notNull(),
    flowId: uuid('flow_id')
      .notNull()
      .references(() => flows.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    status: flowRunStatusEnum('status').notNull().default('running'),
    /**
     * Enforces the re-entry policy in one unique index: 'once' (kept forever) for once ever,
     * 'active' (cleared when the run ends) for once at a time, the trigger's own key for every
     * time (so one event never enrols twice).
     */
    entryKey: text('entry_key'),
    /** The step to run next (or being waited on). */
    currentStep: text('current_step'),
    /** How many times each step has run in this run; part of each step job's idempotency key. */
    visits: jsonb('visits').$type<Record<string, number>>().notNull().default({}),
    /** While waiting: when the timer fires. The repair sweep wakes overdue runs. */
    wakeAt: timestamp('wake_at', { withTimezone: true }),
    /** While waiting for an event: its name and property filter. */
    waitingFor: jsonb('waiting_for').$type<Record<string, unknown>>(),
    /** The trigger's data (event name and properties), available to templates and branches. */
    trigger: jsonb('trigger').$type<Record<string, unknown>>().notNull().default({}),
    /** While a worker performs the current step; another worker leaves the run alone until then. */
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    exitReason: text('exit_reason'),
    error: text('error'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('flow_runs_entry_key').on(t.flowId, t.contactId, t.entryKey),
    index('flow_runs_flow_idx').on(t.flowId, t.status, t.id),
    index('flow_runs_contact_idx').on(t.contactId, t.id),
    index('flow_runs_wake_idx').on(t.wakeAt),
    index('flow_runs_org_idx').on(t.orgId, t.id),
    // What the repair sweep looks at: unfinished runs by when they last moved.
    index('flow_runs_unfinished_idx')
      .on(t.status, t.updatedAt)
      .where(sql`${t.status} in ('running', 'waiting')`),
  ],
);

/** Each step a run took, in order: the run's inspectable path and the source of step stats. */
export const flowRunSteps = pgTable(
  'flow_run_steps',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id').notNull(),
    runId: uuid('run_id')
      .notNull()
      .references(() => flowRuns.id, { onDelete: 'cascade' }),
    flowId: uuid('flow_id').notNull(),
    version: integer('version').notNull(),
    stepId: text('step_id').notNull(),
    visit: integer('visit').notNull(),
    stepType: text('step_type').notNull(),
    /** 'running' (being performed) | 'waiting' | 'completed' | 'failed' | 'exited' (the run left). */
    status: text('status').notNull(),
    /** The branch taken, for steps with more than one way out. */
    outcome: text('outcome'),
    /** Step-specific facts: the message id sent, the webhook's response code, the error. */
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    // The (run, step, visit) key that makes a retried step job a no-op.
    uniqueIndex('flow_run_steps_key').on(t.runId, t.stepId, t.visit),
    index('flow_run_steps_flow_idx').on(t.flowId, t.stepId),
  ],
);

/**
 * The hidden campaign (kind 'flow') behind each send-email step of a flow: its messages, links,
 * tracking and numbers. One per (flow, step) across versions.
 */
export const flowStepCampaigns = pgTable(
  'flow_step_campaigns',
  {
    flowId: uuid('flow_id')
      .notNull()
      .references(() => flows.id, { onDelete: 'cascade' }),
    stepId: text('step_id').notNull(),
    orgId: uuid('org_id').notNull(),
    campaignId: uuid('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.flowId, t.stepId] })],
);

/**
 * Who was in a segment-triggered flow's segment when it was last looked at. A contact missing
 * here but in the segment now has entered it; one here but no longer in the segment has left
 * (the row is removed, so coming back counts as entering again).
 */
export const flowSegmentMembers = pgTable(
  'flow_segment_members',
  {
    flowId: uuid('flow_id')
      .notNull()
      .references(() => flows.id, { onDelete: 'cascade' }),
    segmentId: uuid('segment_id').notNull(),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    orgId: uuid('org_id').notNull(),
    enteredAt: timestamp('entered_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.flowId, t.segmentId, t.contactId] })],
);
