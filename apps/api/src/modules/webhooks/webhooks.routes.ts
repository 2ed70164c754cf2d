import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { auditChangedFields, auditFields } from '../audit-log/audit-log.hooks.js';
import { z } from 'zod';
import { principalOf } from '../../http/access.js';
import { pageSchema, PageQuerySchema } from '../../http/pagination.js';
import { WEBHOOK_EVENT_TYPES } from './webhooks.events.js';
import type { WebhooksService } from './webhooks.service.js';

const EventTypeSchema = z.enum(WEBHOOK_EVENT_TYPES);
const UrlSchema = z
  .string()
  .trim()
  .max(2000)
  .pipe(z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' }))
  .describe('http or https; private addresses are refused unless WEBHOOK_ALLOWED_HOSTS lists them');
const EventTypesSchema = z
  .array(EventTypeSchema)
  .max(WEBHOOK_EVENT_TYPES.length)
  .describe('Event types to receive; empty means every type');

const EndpointSchema = z.object({
  id: z.uuid(),
  url: z.string(),
  description: z.string().nullable(),
  eventTypes: z.array(EventTypeSchema),
  isEnabled: z.boolean(),
  disabledReason: z.string().nullable(),
  consecutiveFailures: z
    .number()
    .int()
    .describe('Deliveries in a row that failed after every retry; 5 disables the endpoint'),
  createdAt: z.date(),
  updatedAt: z.date(),
});

const DeliveryStatusSchema = z.enum(['pending', 'succeeded', 'failed', 'dead']);
const DeliverySchema = z.object({
  id: z.uuid(),
  endpointId: z.uuid(),
  eventId: z.string().describe('The webhook-id header: the same for every attempt'),
  eventType: z.string(),
  status: DeliveryStatusSchema.describe(
    'pending: not tried yet; failed: will be retried at nextAttemptAt; succeeded; dead: no more retries',
  ),
  attempts: z.number().int(),
  nextAttemptAt: z.date().nullable(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  lastDurationMs: z.number().int().nullable(),
  deliveredAt: z.date().nullable(),
  createdAt: z.date(),
});
const AttemptSchema = z.object({
  id: z.uuid(),
  requestHeaders: z.record(z.string(), z.string()),
  statusCode: z.number().int().nullable(),
  responseBody: z.string().nullable().describe('The first KB of the response'),
  error: z.string().nullable(),
  durationMs: z.number().int(),
  createdAt: z.date(),
});
const AttemptResultSchema = z.object({
  delivery: DeliverySchema,
  attempt: z.object({
    isSuccess: z.boolean(),
    statusCode: z.number().int().nullable(),
    responseBody: z.string().nullable(),
    error: z.string().nullable(),
    durationMs: z.number().int(),
  }),
});

const IdParams = z.strictObject({ id: z.uuid() });
const DeliveryParams = z.strictObject({ id: z.uuid(), deliveryId: z.uuid() });
const tags = ['webhooks'];

export const webhooksRoutes: FastifyPluginAsyncZod<{ webhooks: WebhooksService }> = async (
  app,
  { webhooks },
) => {
  app.get('/webhooks', {
    config: { access: { role: 'viewer' } },
    schema: {
      tags,
      summary: 'Webhook endpoints',
      querystring: PageQuerySchema,
      response: { 200: pageSchema(EndpointSchema) },
    },
    handler: async (request) => webhooks.list(principalOf(request), request.query),
  });

  app.post('/webhooks', {
    config: {
      access: { role: 'admin' },
      audit: { action: 'webhook.created', target: 'webhook', details: auditFields('eventTypes') },
    },
    schema: {
      tags,
      summary: 'Add an endpoint; the answer holds its signing secret',
      body: z.strictObject({
        url: UrlSchema,
        description: z.string().trim().max(500).nullable().optional(),
        eventTypes: EventTypesSchema.optional(),
        isEnabled: z.boolean().optional(),
      }),
      response: {
        201: EndpointSchema.extend({
          secret: z.string().describe('whsec_…: verify signatures with it (Standard Webhooks)'),
        }),
      },
    },
    handler: async (request, reply) =>
      reply.code(201).send(await webhooks.create(principalOf(request), request.body)),
  });

  app.get('/webhooks/:id', {
    config: { access: { role: 'viewer' } },
    schema: { tags, summary: 'One endpoint', params: IdParams, response: { 200: EndpointSchema } },
    handler: async (request) => webhooks.get(principalOf(request), request.params.id),
  });

  app.patch('/webhooks/:id', {
    config: {
      access: { role: 'admin' },
      audit: { action: 'webhook.updated', target: 'webhook', details: auditChangedFields },
    },
    schema: {
      tags,
      summary: 'Change an endpoint; isEnabled: true re-enables a disabled one',
      params: IdParams,
      body: z.strictObject({
        url: UrlSchema.optional(),
        description: z.string().trim().max(500).nullable().optional(),
        eventTypes: EventTypesSchema.optional(),
        isEnabled: z.boolean().optional(),
      }),
      response: { 200: EndpointSchema },
    },
    handler: async (request) =>
      webhooks.update(principalOf(request), request.params.id, request.body),
  });

  app.delete('/webhooks/:id', {
    config: { access: { role: 'admin' }, audit: { action: 'webhook.deleted', target: 'webhook' } },
    schema: {
      tags,
      summary: 'Remove an endpoint and its delivery log',
      params: IdParams,
      response: { 204: z.null() },
    },
    handler: async (request, reply) => {
      await webhooks.remove(principalOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  });

  app.get('/webhooks/:id/secret', {
    config: { access: { role: 'admin' } },
    schema: {
      tags,
      summary: 'The signing secret',
      params: IdParams,
      response: { 200: z.object({ secret: z.string() }) },
    },
    handler: async (request) => webhooks.secret(principalOf(request), request.params.id),
  });

  app.post('/webhooks/:id/rotate-secret', {
    config: {
      access: { role: 'admin' },
      audit: { action: 'webhook.secret_rotated', target: 'webhook' },
    },
    schema: {
      tags,
      summary: 'New signing secret; the old one also signs for 24 hours',
      params: IdParams,
      response: { 200: z.object({ secret: z.string(), previousValidUntil: z.string() }) },
    },
    handler: async (request) => webhooks.rotateSecret(principalOf(request), request.params.id),
  });

  app.get('/webhooks/:id/deliveries', {
    config: { access: { role: 'viewer' } },
    schema: {
      tags,
      summary: 'Delivery log, newest first',
      params: IdParams,
      querystring: PageQuerySchema.extend({ status: DeliveryStatusSchema.optional() }),
      response: { 200: pageSchema(DeliverySchema) },
    },
    handler: async (request) =>
      webhooks.listDeliveries(principalOf(request), request.params.id, request.query),
  });

  app.get('/webhooks/:id/deliveries/:deliveryId', {
    config: { access: { role: 'viewer' } },
    schema: {
      tags,
      summary: 'One delivery with its payload and every attempt',
      params: DeliveryParams,
      response: {
        200: DeliverySchema.extend({
          payload: z.record(z.string(), z.unknown()),
          attempts: z.array(AttemptSchema),
        }),
      },
    },
    handler: async (request) =>
      webhooks.getDelivery(principalOf(request), request.params.id, request.params.deliveryId),
  });

  app.post('/webhooks/:id/deliveries/:deliveryId/replay', {
    config: { access: { role: 'admin' } },
    schema: {
      tags,
      summary: 'Send a delivery again now (also a dead one) and answer how it went',
      params: DeliveryParams,
      response: { 200: AttemptResultSchema },
    },
    handler: async (request) =>
      webhooks.replay(principalOf(request), request.params.id, request.params.deliveryId),
  });

  app.post('/webhooks/:id/test', {
    config: { access: { role: 'admin' } },
    schema: {
      tags,
      summary: 'Send a sample event now and answer how the endpoint took it',
      params: IdParams,
      body: z.strictObject({ eventType: EventTypeSchema.default('contact.created') }),
      response: { 200: AttemptResultSchema },
    },
    handler: async (request) =>
      webhooks.test(principalOf(request), request.params.id, request.body.eventType),
  });
};
