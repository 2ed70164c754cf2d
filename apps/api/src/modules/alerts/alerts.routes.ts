import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf } from '../../http/access.js';
import { PageQuerySchema } from '../../http/pagination.js';
import type { AlertsService } from './alerts.service.js';

const AlertSchema = z.object({
  id: z.uuid(),
  kind: z.string().describe('e.g. sender.paused'),
  severity: z.string(),
  title: z.string(),
  message: z.string(),
  subject: z.record(z.string(), z.string()).describe('What it is about, e.g. { senderId }'),
  createdAt: z.date(),
  resolvedAt: z.date().nullable(),
});
const tags = ['alerts'];

export const alertsRoutes: FastifyPluginAsyncZod<{ alerts: AlertsService }> = async (
  app,
  { alerts },
) => {
  app.get('/alerts', {
    config: { access: { role: 'viewer' } },
    schema: {
      tags,
      summary: 'Alerts that need a person, newest first, with the number still open',
      querystring: PageQuerySchema.extend({ status: z.enum(['open', 'resolved']).optional() }),
      response: {
        200: z.object({
          items: z.array(AlertSchema),
          nextCursor: z.string().nullable(),
          openCount: z.number().int(),
        }),
      },
    },
    handler: async (request) => alerts.list(principalOf(request), request.query),
  });

  app.post('/alerts/:id/resolve', {
    config: { access: { role: 'editor' } },
    schema: {
      tags,
      summary: 'Mark an alert as handled',
      params: z.strictObject({ id: z.uuid() }),
      response: { 200: AlertSchema },
    },
    handler: async (request) => alerts.resolve(principalOf(request), request.params.id),
  });
};
