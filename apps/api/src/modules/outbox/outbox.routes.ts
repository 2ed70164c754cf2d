import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf } from '../../http/access.js';
import { PageQuerySchema, pageSchema } from '../../http/pagination.js';
import type { OutboxService } from './outbox.service.js';

const SummarySchema = z.object({
  id: z.uuid(),
  senderId: z.uuid().nullable(),
  senderName: z.string().nullable(),
  campaignId: z.uuid().nullable(),
  messageId: z.string(),
  fromEmail: z.string(),
  toEmail: z.string(),
  subject: z.string(),
  createdAt: z.date(),
});
const MessageSchema = SummarySchema.omit({ senderName: true }).extend({
  raw: z.string().describe('The complete message source (RFC 5322) as it would have been sent'),
});
const tags = ['outbox'];

export const outboxRoutes: FastifyPluginAsyncZod<{ outbox: OutboxService }> = async (
  app,
  { outbox },
) => {
  app.get('/outbox', {
    config: { access: { role: 'viewer' } },
    schema: {
      tags,
      summary: 'Messages the built-in outbox stored instead of sending, newest first',
      querystring: PageQuerySchema.extend({
        search: z.string().trim().max(200).optional().describe('Recipient or subject'),
        campaignId: z.uuid().optional(),
        messageId: z
          .string()
          .max(998)
          .optional()
          .describe('The Message-ID header, e.g. from a test send’s response'),
      }),
      response: { 200: pageSchema(SummarySchema) },
    },
    handler: async (request) => outbox.list(principalOf(request), request.query),
  });

  app.get('/outbox/:id', {
    config: { access: { role: 'viewer' } },
    schema: {
      tags,
      summary: 'One stored message with its raw source',
      params: z.strictObject({ id: z.uuid() }),
      response: { 200: MessageSchema },
    },
    handler: async (request) => outbox.get(principalOf(request), request.params.id),
  });
};
