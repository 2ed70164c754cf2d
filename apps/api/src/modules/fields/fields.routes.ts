import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf } from '../../http/access.js';
import { PageQuerySchema, pageSchema } from '../../http/pagination.js';
import type { FieldsService } from './fields.service.js';

const FieldTypeSchema = z.enum(['string', 'number', 'boolean', 'date']);
const FieldSchema = z.object({
  id: z.uuid(),
  key: z.string(),
  label: z.string(),
  type: FieldTypeSchema,
  createdAt: z.date(),
});
const LabelSchema = z.string().trim().min(1).max(200);
const IdParams = z.strictObject({ id: z.uuid() });

export const fieldsRoutes: FastifyPluginAsyncZod<{ fields: FieldsService }> = async (
  app,
  { fields },
) => {
  app.get('/fields', {
    config: { access: { role: 'viewer' } },
    schema: {
      tags: ['fields'],
      summary: 'Custom field definitions, by key',
      querystring: PageQuerySchema,
      response: { 200: pageSchema(FieldSchema) },
    },
    handler: async (request) => fields.list(principalOf(request), request.query),
  });

  app.post('/fields', {
    config: { access: { role: 'admin' } },
    schema: {
      tags: ['fields'],
      summary: 'Define a custom field; contact attributes under its key must then have its type',
      body: z.strictObject({
        key: z
          .string()
          .regex(
            /^[a-z][a-z0-9_]{0,63}$/,
            'must be lowercase letters, digits and _, starting with a letter',
          )
          .describe('Attribute key, e.g. plan or signup_date; cannot be changed later'),
        label: LabelSchema,
        type: FieldTypeSchema.describe('date values are ISO 8601 strings (YYYY-MM-DD…)'),
      }),
      response: { 201: FieldSchema },
    },
    handler: async (request, reply) =>
      reply.code(201).send(await fields.create(principalOf(request), request.body)),
  });

  app.patch('/fields/:id', {
    config: { access: { role: 'admin' } },
    schema: {
      tags: ['fields'],
      summary: "Rename a field's label (key and type are immutable)",
      params: IdParams,
      body: z.strictObject({ label: LabelSchema }),
      response: { 200: FieldSchema },
    },
    handler: async (request) =>
      fields.update(principalOf(request), request.params.id, request.body),
  });

  app.delete('/fields/:id', {
    config: { access: { role: 'admin' } },
    schema: {
      tags: ['fields'],
      summary: 'Delete a field definition; stored values stay as free-form attributes',
      params: IdParams,
      response: { 204: z.null() },
    },
    handler: async (request, reply) => {
      await fields.remove(principalOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  });
};
