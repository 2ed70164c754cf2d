import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf } from '../../http/access.js';
import { PageQuerySchema, pageSchema } from '../../http/pagination.js';
import type { Clock } from '../../platform/clock.js';
import { auditFields } from '../audit-log/audit-log.hooks.js';
import type { AuditAction } from '../audit-log/audit-log.service.js';
import type { CampaignsService } from './campaigns.service.js';
import type { CampaignStats } from './campaigns.stats.js';

const STATUSES = [
  'draft',
  'scheduled',
  'sending',
  'paused',
  'sent',
  'cancelled',
  'failed',
] as const;
const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 24-hour');
const Ids = z.array(z.uuid()).max(50);

const AudienceSchema = z.strictObject({
  segmentIds: Ids.optional().describe('Contacts in any of these segments…'),
  listIds: Ids.optional().describe('…or any of these lists'),
  excludeSegmentIds: Ids.optional().describe('…except contacts in these segments'),
  excludeListIds: Ids.optional().describe('…or these lists'),
});
const ContentSchema = z.strictObject({
  subject: z.string().max(998),
  preheader: z.string().max(500).nullable().optional(),
  format: z.enum(['html', 'mjml', 'markdown']),
  body: z.string().max(512 * 1024),
  text: z
    .string()
    .max(512 * 1024)
    .nullable()
    .optional(),
});
const WindowSchema = z
  .strictObject({
    days: z
      .array(z.number().int().min(1).max(7))
      .min(1)
      .max(7)
      .refine((d) => new Set(d).size === d.length, 'each day once')
      .describe('ISO weekdays: 1 = Monday … 7 = Sunday'),
    start: HHMM,
    end: HHMM.describe('An end before the start spans midnight'),
    timezone: z.string().min(1).max(100).describe('IANA timezone'),
    useContactTimezone: z
      .boolean()
      .default(false)
      .describe('Apply the hours in each contact’s own timezone when it is known'),
  })
  .nullable();
const UtmSchema = z
  .strictObject({
    source: z.string().max(200).nullable().optional(),
    medium: z.string().max(200).nullable().optional(),
    campaign: z.string().max(200).nullable().optional(),
    term: z.string().max(200).nullable().optional(),
    content: z.string().max(200).nullable().optional(),
  })
  .nullable();
const CreateSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  audience: AudienceSchema.optional(),
  templateId: z
    .uuid()
    .nullable()
    .optional()
    .describe('Content from this template (its version is fixed at start)'),
  content: ContentSchema.nullable().optional().describe('Or inline content'),
  fromName: z
    .string()
    .trim()
    .max(200)
    .nullable()
    .optional()
    .describe('Overrides the senders’ from name'),
  replyTo: z.email().max(254).nullable().optional(),
  senderIds: Ids.optional().describe('The sender pool, in order (for fill_in_order)'),
  rotation: z.enum(['round_robin', 'random', 'weighted', 'fill_in_order']).optional(),
  senderWeights: z.record(z.uuid(), z.number().min(0).max(1_000_000)).nullable().optional(),
  trackOpens: z.boolean().optional(),
  trackClicks: z.boolean().optional(),
  utm: UtmSchema.optional().describe('Appended to every tracked link (existing utm_* are kept)'),
  window: WindowSchema.optional().describe(
    'When sending may happen; outside it the campaign waits',
  ),
});
const PatchSchema = CreateSchema.partial();

const CampaignSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  status: z.enum(STATUSES),
  audience: z.object({
    segmentIds: z.array(z.uuid()),
    listIds: z.array(z.uuid()),
    excludeSegmentIds: z.array(z.uuid()),
    excludeListIds: z.array(z.uuid()),
    followUp: z
      .object({ campaignId: z.uuid(), to: z.enum(['non_openers', 'non_clickers', 'failed']) })
      .nullable()
      .optional(),
  }),
  templateId: z.uuid().nullable(),
  templateVersion: z.number().int().nullable(),
  subject: z.string().nullable(),
  preheader: z.string().nullable(),
  format: z.enum(['html', 'mjml', 'markdown']).nullable(),
  body: z.string().nullable(),
  text: z.string().nullable(),
  fromName: z.string().nullable(),
  replyTo: z.string().nullable(),
  senderIds: z.array(z.uuid()),
  rotation: z.enum(['round_robin', 'random', 'weighted', 'fill_in_order']),
  senderWeights: z.record(z.string(), z.number()).nullable(),
  trackOpens: z.boolean(),
  trackClicks: z.boolean(),
  utm: z
    .object({
      source: z.string().nullable().optional(),
      medium: z.string().nullable().optional(),
      campaign: z.string().nullable().optional(),
      term: z.string().nullable().optional(),
      content: z.string().nullable().optional(),
    })
    .nullable(),
  sendAt: z.date().nullable(),
  timezone: z.string().nullable(),
  window: z
    .object({
      days: z.array(z.number().int()),
      start: z.string(),
      end: z.string(),
      timezone: z.string(),
      useContactTimezone: z.boolean(),
    })
    .nullable(),
  waitingUntil: z.date().nullable().describe('While sending is held back: until when'),
  waitingReason: z.string().nullable(),
  progress: z.object({
    recipients: z.number().int(),
    sent: z.number().int(),
    failed: z.number().int(),
    bounced: z.number().int(),
    cancelled: z.number().int(),
    pending: z.number().int(),
    percent: z.number().int(),
  }),
  engagement: z
    .object({
      opened: z.number().int(),
      clicked: z.number().int(),
      openRate: z.number().describe('Opened (by people) ÷ sent, 0–1'),
      clickRate: z.number().describe('Clicked (by people) ÷ sent, 0–1'),
    })
    .describe('Unique opens and clicks by people, kept live; machine hits are in /stats'),
  lastError: z.string().nullable(),
  startedAt: z.date().nullable(),
  finishedAt: z.date().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
const ProblemSchema = z.object({
  code: z.string(),
  severity: z.enum(['error', 'warning']),
  message: z.string(),
});
const PreflightSchema = z.object({
  ok: z.boolean().describe('false when a problem of severity error blocks the start'),
  audienceCount: z.number().int().describe('Recipients after exclusions and suppressions'),
  problems: z.array(ProblemSchema),
  senders: z.array(
    z.object({ id: z.uuid(), name: z.string(), status: z.string(), provider: z.string() }),
  ),
});
const StatsSchema = z.object({
  recipients: z.number().int(),
  sent: z.number().int(),
  failed: z.number().int(),
  bounced: z.number().int(),
  cancelled: z.number().int(),
  pending: z.number().int(),
  opens: z.object({ total: z.number().int(), unique: z.number().int(), machine: z.number().int() }),
  clicks: z.object({
    total: z.number().int(),
    unique: z.number().int(),
    machine: z.number().int(),
  }),
  unsubscribes: z.number().int(),
  complaints: z.number().int(),
  rates: z.object({
    open: z.number(),
    click: z.number(),
    clickToOpen: z.number(),
    unsubscribe: z.number(),
    bounce: z.number(),
  }),
  links: z.array(
    z.object({
      id: z.uuid(),
      url: z.string(),
      clicks: z.number().int(),
      uniqueClicks: z.number().int(),
    }),
  ),
  series: z.object({
    granularity: z.enum(['hour', 'day']),
    points: z.array(
      z.object({
        at: z.date(),
        sent: z.number().int(),
        opens: z.number().int(),
        clicks: z.number().int(),
      }),
    ),
  }),
});
const MessageSchema = z.object({
  id: z.uuid(),
  contactId: z.uuid().nullable(),
  email: z.string().nullable(),
  status: z.enum(['queued', 'sending', 'sent', 'failed', 'bounced', 'cancelled']),
  attempts: z.number().int(),
  lastCode: z.number().int().nullable(),
  lastReply: z.string().nullable(),
  nextAttemptAt: z.date(),
  sentAt: z.date().nullable(),
  openedAt: z.date().nullable(),
  clickedAt: z.date().nullable(),
  openCount: z.number().int(),
  clickCount: z.number().int(),
  unsubscribedAt: z.date().nullable(),
});

const IdParams = z.strictObject({ id: z.uuid() });
const tags = ['campaigns'];

export const campaignsRoutes: FastifyPluginAsyncZod<{
  campaigns: CampaignsService;
  stats: CampaignStats;
  clock: Clock;
}> = async (app, { campaigns, stats, clock }) => {
  app.get('/campaigns', {
    config: { access: { role: 'viewer' } },
    schema: {
      tags,
      summary: 'Campaigns, newest first; search by name, filter by status',
      querystring: PageQuerySchema.extend({
        search: z.string().trim().max(200).optional(),
        status: z
          .union([z.enum(STATUSES), z.array(z.enum(STATUSES)).max(7)])
          .optional()
          .transform((v) => (v === undefined ? undefined : Array.isArray(v) ? v : [v])),
      }),
      response: { 200: pageSchema(CampaignSchema) },
    },
    handler: async (request) => campaigns.list(principalOf(request), request.query),
  });

  app.post('/campaigns', {
    config: { access: { role: 'editor' } },
    schema: {
      tags,
      summary: 'Create a draft campaign',
      body: CreateSchema,
      response: { 201: CampaignSchema },
    },
    handler: async (request, reply) =>
      reply.code(201).send(await campaigns.create(principalOf(request), request.body)),
  });

  app.get('/campaigns/:id', {
    config: { access: { role: 'viewer' } },
    schema: {
      tags,
      summary: 'One campaign with live progress',
      params: IdParams,
      response: { 200: CampaignSchema },
    },
    handler: async (request) => campaigns.get(principalOf(request), request.params.id),
  });

  app.patch('/campaigns/:id', {
    config: { access: { role: 'editor' } },
    schema: {
      tags,
      summary: 'Edit a draft or scheduled campaign',
      params: IdParams,
      body: PatchSchema,
      response: { 200: CampaignSchema },
    },
    handler: async (request) =>
      campaigns.update(principalOf(request), request.params.id, request.body),
  });

  app.delete('/campaigns/:id', {
    config: { access: { role: 'editor' } },
    schema: {
      tags,
      summary: 'Delete a draft or finished campaign (with its recipients and statistics)',
      params: IdParams,
      response: { 204: z.null() },
    },
    handler: async (request, reply) => {
      await campaigns.remove(principalOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  });

  app.get('/campaigns/:id/preflight', {
    config: { access: { role: 'viewer' } },
    schema: {
      tags,
      summary: 'What would stop or weaken the send: audience, content checks, senders',
      params: IdParams,
      response: { 200: PreflightSchema },
    },
    handler: async (request) => campaigns.preflight(principalOf(request), request.params.id),
  });

  const action = (
    url: string,
    summary: string,
    run: (principal: ReturnType<typeof principalOf>, id: string) => Promise<unknown>,
    audit: AuditAction,
  ) =>
    app.post(url, {
      config: { access: { role: 'editor' }, audit: { action: audit, target: 'campaign' } },
      schema: { tags, summary, params: IdParams, response: { 200: CampaignSchema } },
      handler: async (request) => run(principalOf(request), request.params.id) as never,
    });

  app.post('/campaigns/:id/schedule', {
    config: {
      access: { role: 'editor' },
      audit: {
        action: 'campaign.scheduled',
        target: 'campaign',
        details: auditFields('sendAt', 'timezone'),
      },
    },
    schema: {
      tags,
      summary:
        'Schedule: sendAt is an instant (2027-03-01T09:00:00Z) or a local time (2027-03-01T09:00) in timezone. Blocking pre-flight problems answer 422.',
      params: IdParams,
      body: z.strictObject({
        sendAt: z.string().max(40),
        timezone: z.string().max(100).optional(),
      }),
      response: { 200: CampaignSchema },
    },
    handler: async (request) =>
      campaigns.schedule(principalOf(request), request.params.id, request.body),
  });
  action(
    '/campaigns/:id/send-now',
    'Start sending now (blocking pre-flight problems answer 422)',
    (p, id) => campaigns.sendNow(p, id),
    'campaign.started',
  );
  action(
    '/campaigns/:id/pause',
    'Pause sending (takes effect within a second)',
    (p, id) => campaigns.pause(p, id),
    'campaign.paused',
  );
  action(
    '/campaigns/:id/resume',
    'Resume a paused campaign from where it stopped',
    (p, id) => campaigns.resume(p, id),
    'campaign.resumed',
  );
  action(
    '/campaigns/:id/cancel',
    'Cancel: what is not sent yet is never sent',
    (p, id) => campaigns.cancel(p, id),
    'campaign.cancelled',
  );
  app.post('/campaigns/:id/duplicate', {
    config: { access: { role: 'editor' } },
    schema: {
      tags,
      summary: 'Copy as a new draft',
      params: IdParams,
      response: { 201: CampaignSchema },
    },
    handler: async (request, reply) =>
      reply.code(201).send(await campaigns.duplicate(principalOf(request), request.params.id)),
  });
  app.post('/campaigns/:id/follow-up', {
    config: { access: { role: 'editor' } },
    schema: {
      tags,
      summary: 'A draft aimed at this campaign’s non-openers, non-clickers or failed recipients',
      params: IdParams,
      body: z.strictObject({ to: z.enum(['non_openers', 'non_clickers', 'failed']) }),
      response: { 201: CampaignSchema },
    },
    handler: async (request, reply) =>
      reply
        .code(201)
        .send(await campaigns.followUp(principalOf(request), request.params.id, request.body.to)),
  });

  app.get('/campaigns/:id/stats', {
    config: { access: { role: 'viewer' } },
    schema: {
      tags,
      summary: 'Numbers, rates, per-link clicks and a time series',
      params: IdParams,
      querystring: z.strictObject({ granularity: z.enum(['hour', 'day']).default('hour') }),
      response: { 200: StatsSchema },
    },
    handler: async (request) =>
      stats.stats(principalOf(request), request.params.id, request.query.granularity),
  });

  app.get('/campaigns/:id/messages', {
    config: { access: { role: 'viewer' } },
    schema: {
      tags,
      summary: 'Recipients with status, attempts and the last server reply',
      params: IdParams,
      querystring: PageQuerySchema.extend({
        status: z.enum(['queued', 'sending', 'sent', 'failed', 'bounced', 'cancelled']).optional(),
      }),
      response: { 200: pageSchema(MessageSchema) },
    },
    handler: async (request) =>
      stats.messages(principalOf(request), request.params.id, request.query),
  });

  app.get('/overview', {
    config: { access: { role: 'viewer' } },
    schema: {
      tags: ['overview'],
      summary: 'Sends, opens, clicks and unsubscribes per day, and the latest campaigns',
      querystring: z.strictObject({ days: z.coerce.number().int().min(1).max(365).default(30) }),
      response: {
        200: z.object({
          days: z.number().int(),
          totals: z.object({
            sent: z.number().int(),
            opens: z.number().int(),
            clicks: z.number().int(),
            unsubscribes: z.number().int(),
          }),
          series: z.array(
            z.object({
              day: z.date(),
              sent: z.number().int(),
              opens: z.number().int(),
              clicks: z.number().int(),
              unsubscribes: z.number().int(),
            }),
          ),
          recentCampaigns: z.array(
            z.object({
              id: z.uuid(),
              name: z.string(),
              status: z.enum(STATUSES),
              recipients: z.number().int(),
              sent: z.number().int(),
              startedAt: z.date().nullable(),
              finishedAt: z.date().nullable(),
              createdAt: z.date(),
            }),
          ),
        }),
      },
    },
    handler: async (request) =>
      stats.overview(principalOf(request), request.query.days, clock.now()),
  });
};
