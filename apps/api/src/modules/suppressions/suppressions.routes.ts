import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf } from '../../http/access.js';
import { PageQuerySchema, pageSchema } from '../../http/pagination.js';
import { EmailSchema, SuppressionSchema } from '../contacts/contacts.schemas.js';
import type { SuppressionsService } from './suppressions.service.js';

export const suppressionsRoutes: FastifyPluginAsyncZod<{
  suppressions: SuppressionsService;
}> = async (app, { suppressions }) => {
  app.get('/suppressions', {
    config: { access: { role: 'viewer' } },
    schema: {
      tags: ['suppressions'],
      summary: 'Suppressed email addresses, by address',
      querystring: PageQuerySchema.extend({
        search: z.string().trim().max(320).optional().describe('Email prefix'),
      }),
      response: { 200: pageSchema(SuppressionSchema) },
    },
    handler: async (request) => suppressions.list(principalOf(request), request.query),
  });

  app.post('/suppressions', {
    config: { access: { role: 'editor' } },
    schema: {
      tags: ['suppressions'],
      summary:
        'Suppress an address (201), or update the reason of an existing entry (200). A contact with the address becomes blocked; entries outlive contact erasure.',
      body: z.strictObject({
        email: EmailSchema,
        reason: z.string().trim().min(1).max(500).describe('e.g. hard bounce, complaint, request'),
      }),
      response: { 200: SuppressionSchema, 201: SuppressionSchema },
    },
    handler: async (request, reply) => {
      const { suppression, created } = await suppressions.create(
        principalOf(request),
        request.body,
      );
      return reply.code(created ? 201 : 200).send(suppression);
    },
  });

  app.delete('/suppressions/:id', {
    config: { access: { role: 'editor' } },
    schema: {
      tags: ['suppressions'],
      summary: 'Lift a suppression (blocked contacts stay blocked until changed)',
      params: z.strictObject({ id: z.uuid() }),
      response: { 204: z.null() },
    },
    handler: async (request, reply) => {
      await suppressions.remove(principalOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  });
};
