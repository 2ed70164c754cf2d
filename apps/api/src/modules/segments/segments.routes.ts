import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf } from '../../http/access.js';
import { PageQuerySchema, pageSchema } from '../../http/pagination.js';
import type { SegmentsService } from './segments.service.js';

const DefinitionSchema = z
  .unknown()
  .describe(
    'Rule tree: { all: [...] } | { any: [...] } | { not: {...} } | condition. Conditions: ' +
      '{ field, op, value } (email, firstName, lastName, phone, timezone, locale, source, status, createdAt, updatedAt), ' +
      '{ attribute, op, value } (typed by custom fields), { tag, op: has|has_not }, { list: id, op: in|not_in }, ' +
      '{ segment: id, op: in|not_in }. Ops: eq neq contains starts_with ends_with gt gte lt lte between in exists is_empty ' +
      'within_last more_than_ago (days).',
  );

const SegmentSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  definition: z.unknown(),
  cachedCount: z.number().int().nullable(),
  countedAt: z.date().nullable(),
  countAgeSeconds: z.number().int().nullable().describe('Seconds since cachedCount was computed'),
  createdAt: z.date(),
  updatedAt: z.date(),
});

const IdParams = z.strictObject({ id: z.uuid() });

export const segmentsRoutes: FastifyPluginAsyncZod<{ segments: SegmentsService }> = async (
  app,
  { segments },
) => {
  app.get('/segments', {
    config: { access: { role: 'viewer' } },
    schema: {
      tags: ['segments'],
      summary: 'Segments',
      querystring: PageQuerySchema,
      response: { 200: pageSchema(SegmentSchema) },
    },
    handler: async (request) => segments.list(principalOf(request), request.query),
  });

  app.post('/segments/preview', {
    config: { access: { role: 'viewer' } },
    schema: {
      tags: ['segments'],
      summary: 'Count and sample the contacts a rule tree matches, without saving it',
      body: z.strictObject({ definition: DefinitionSchema }),
      response: {
        200: z.object({
          count: z.number().int(),
          sample: z.array(
            z.object({
              id: z.uuid(),
              email: z.string(),
              firstName: z.string().nullable(),
              lastName: z.string().nullable(),
              status: z.string(),
            }),
          ),
        }),
      },
    },
    handler: async (request) => segments.preview(principalOf(request), request.body.definition),
  });

  app.post('/segments', {
    config: { access: { role: 'editor' } },
    schema: {
      tags: ['segments'],
      summary: 'Create a segment; invalid rules answer 422 with the path of the bad node',
      body: z.strictObject({
        name: z.string().trim().min(1).max(200),
        description: z.string().max(2000).optional(),
        definition: DefinitionSchema,
      }),
      response: { 201: SegmentSchema },
    },
    handler: async (request, reply) =>
      reply.code(201).send(await segments.create(principalOf(request), request.body)),
  });

  app.get('/segments/:id', {
    config: { access: { role: 'viewer' } },
    schema: {
      tags: ['segments'],
      summary: 'A segment with its cached count and the count’s age',
      params: IdParams,
      response: { 200: SegmentSchema },
    },
    handler: async (request) => segments.get(principalOf(request), request.params.id),
  });

  app.patch('/segments/:id', {
    config: { access: { role: 'editor' } },
    schema: {
      tags: ['segments'],
      summary: 'Change a segment; new rules are validated and recounted',
      params: IdParams,
      body: z.strictObject({
        name: z.string().trim().min(1).max(200).optional(),
        description: z.string().max(2000).nullable().optional(),
        definition: DefinitionSchema.optional(),
      }),
      response: { 200: SegmentSchema },
    },
    handler: async (request) =>
      segments.update(principalOf(request), request.params.id, request.body),
  });

  app.post('/segments/:id/count', {
    config: { access: { role: 'viewer' } },
    schema: {
      tags: ['segments'],
      summary: 'Recount a segment now',
      params: IdParams,
      response: { 200: SegmentSchema },
    },
    handler: async (request) => segments.refreshCount(principalOf(request), request.params.id),
  });

  app.delete('/segments/:id', {
    config: { access: { role: 'editor' } },
    schema: {
      tags: ['segments'],
      summary: 'Delete a segment (409 while another segment uses it)',
      params: IdParams,
      response: { 204: z.null() },
    },
    handler: async (request, reply) => {
      await segments.remove(principalOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  });
};
