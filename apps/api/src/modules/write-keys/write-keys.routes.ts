import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf } from '../../http/access.js';
import { PageQuerySchema, pageSchema } from '../../http/pagination.js';
import type { WriteKeysService } from './write-keys.service.js';

const WriteKeySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string().describe('First characters of the key, to tell keys apart'),
  lastUsedAt: z.date().nullable(),
  createdAt: z.date(),
});

const tags = ['write-keys'];

export const writeKeysRoutes: FastifyPluginAsyncZod<{ writeKeys: WriteKeysService }> = async (
  app,
  { writeKeys },
) => {
  app.get('/write-keys', {
    config: { access: { role: 'admin' } },
    schema: {
      tags,
      summary: 'Active write keys (event API sources) of the organization',
      querystring: PageQuerySchema,
      response: { 200: pageSchema(WriteKeySchema) },
    },
    handler: async (request) => writeKeys.list(principalOf(request), request.query),
  });

  app.post('/write-keys', {
    config: {
      access: { role: 'admin' },
      audit: { action: 'write_key.created', target: 'write_key' },
    },
    schema: {
      tags,
      summary:
        'Create a write key for the event API; the key itself is returned only in this response. A write key can only send events (identify, track, batch…), so it may ship in a browser or app.',
      body: z.strictObject({ name: z.string().trim().min(1).max(100) }),
      response: { 201: WriteKeySchema.extend({ key: z.string() }) },
    },
    handler: async (request, reply) =>
      reply.code(201).send(await writeKeys.create(principalOf(request), request.body)),
  });

  app.delete('/write-keys/:id', {
    config: {
      access: { role: 'admin' },
      audit: { action: 'write_key.revoked', target: 'write_key' },
    },
    schema: {
      tags,
      summary: 'Revoke a write key; events sent with it are refused (401) at once',
      params: z.strictObject({ id: z.uuid() }),
      response: { 204: z.null() },
    },
    handler: async (request, reply) => {
      await writeKeys.revoke(principalOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  });
};
