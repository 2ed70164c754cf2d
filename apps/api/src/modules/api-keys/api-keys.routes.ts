import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf } from '../../http/access.js';
import { PageQuerySchema, pageSchema } from '../../http/pagination.js';
import { auditFields } from '../audit-log/audit-log.hooks.js';
import type { ApiKeysService } from './api-keys.service.js';

const ApiKeySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  role: z.enum(['owner', 'admin', 'editor', 'viewer']),
  prefix: z.string().describe('First characters of the key, to tell keys apart'),
  lastUsedAt: z.date().nullable(),
  createdAt: z.date(),
});

export const apiKeysRoutes: FastifyPluginAsyncZod<{ apiKeys: ApiKeysService }> = async (
  app,
  { apiKeys },
) => {
  app.get('/api-keys', {
    config: { access: { role: 'admin' } },
    schema: {
      tags: ['api-keys'],
      summary: 'Active API keys of the organization',
      querystring: PageQuerySchema,
      response: { 200: pageSchema(ApiKeySchema) },
    },
    handler: async (request) => apiKeys.list(principalOf(request), request.query),
  });

  app.post('/api-keys', {
    config: {
      access: { role: 'admin' },
      audit: { action: 'api_key.created', target: 'api_key', details: auditFields('role') },
    },
    schema: {
      tags: ['api-keys'],
      summary: 'Create an API key; the key itself is returned only in this response',
      body: z.strictObject({
        name: z.string().trim().min(1).max(100),
        role: z.enum(['admin', 'editor', 'viewer']),
      }),
      response: { 201: ApiKeySchema.extend({ key: z.string() }) },
    },
    handler: async (request, reply) =>
      reply.code(201).send(await apiKeys.create(principalOf(request), request.body)),
  });

  app.delete('/api-keys/:id', {
    config: { access: { role: 'admin' }, audit: { action: 'api_key.revoked', target: 'api_key' } },
    schema: {
      tags: ['api-keys'],
      summary: 'Revoke an API key; it stops working at once',
      params: z.strictObject({ id: z.uuid() }),
      response: { 204: z.null() },
    },
    handler: async (request, reply) => {
      await apiKeys.revoke(principalOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  });
};
