import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf } from '../../http/access.js';
import { PageQuerySchema, pageSchema } from '../../http/pagination.js';
import type { JobsService } from './jobs.service.js';

const FailedJobSchema = z.object({
  id: z.uuid(),
  queue: z.string(),
  name: z.string(),
  payload: z.unknown(),
  error: z.string(),
  attempts: z.number().int(),
  failedAt: z.date(),
});

const IdParams = z.strictObject({ id: z.uuid() });

export const jobsRoutes: FastifyPluginAsyncZod<{ jobs: JobsService }> = async (app, { jobs }) => {
  app.get('/jobs/queues', {
    config: { access: { role: 'viewer' } },
    schema: {
      tags: ['jobs'],
      summary: 'Job counts per queue and state (instance-wide figures; no payloads)',
      response: {
        200: z.object({
          driver: z.enum(['postgres', 'bullmq']),
          queues: z.array(
            z.object({
              queue: z.string(),
              waiting: z.number().int(),
              delayed: z.number().int(),
              active: z.number().int(),
              completed: z.number().int(),
              failed: z.number().int(),
            }),
          ),
        }),
      },
    },
    handler: async () => jobs.queues(),
  });

  app.get('/jobs/failed', {
    config: { access: { role: 'admin' } },
    schema: {
      tags: ['jobs'],
      summary: "Dead letters: this organization's jobs that used up their attempts",
      querystring: PageQuerySchema.extend({ queue: z.string().max(100).optional() }),
      response: { 200: pageSchema(FailedJobSchema) },
    },
    handler: async (request) => jobs.listFailed(principalOf(request), request.query),
  });

  app.post('/jobs/failed/:id/retry', {
    config: { access: { role: 'admin' } },
    schema: {
      tags: ['jobs'],
      summary: 'Run a dead letter again with fresh attempts',
      params: IdParams,
      response: { 202: z.object({ jobId: z.string() }) },
    },
    handler: async (request, reply) =>
      reply.code(202).send(await jobs.retry(principalOf(request), request.params.id)),
  });

  app.delete('/jobs/failed/:id', {
    config: { access: { role: 'admin' } },
    schema: {
      tags: ['jobs'],
      summary: 'Discard a dead letter',
      params: IdParams,
      response: { 204: z.null() },
    },
    handler: async (request, reply) => {
      await jobs.discard(principalOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  });
};
