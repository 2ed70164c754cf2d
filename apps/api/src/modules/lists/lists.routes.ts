import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf } from '../../http/access.js';
import { PageQuerySchema, pageSchema } from '../../http/pagination.js';
import type { ListsService } from './lists.service.js';

const ListSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  memberCount: z.number().int(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
const NameSchema = z.string().trim().min(1).max(200);
const DescriptionSchema = z.string().trim().max(2000).nullable().optional();
const IdParams = z.strictObject({ id: z.uuid() });
const MembersSchema = z.strictObject({
  contactIds: z.array(z.uuid()).min(1).max(1000),
});
const tags = ['lists'];

export const listsRoutes: FastifyPluginAsyncZod<{ lists: ListsService }> = async (
  app,
  { lists },
) => {
  app.get('/lists', {
    config: { access: { role: 'viewer' } },
    schema: {
      tags,
      summary: 'Lists, newest first, with member counts',
      querystring: PageQuerySchema,
      response: { 200: pageSchema(ListSchema) },
    },
    handler: async (request) => lists.list(principalOf(request), request.query),
  });

  app.post('/lists', {
    config: { access: { role: 'editor' } },
    schema: {
      tags,
      summary: 'Create a list',
      body: z.strictObject({ name: NameSchema, description: DescriptionSchema }),
      response: { 201: ListSchema },
    },
    handler: async (request, reply) =>
      reply.code(201).send(await lists.create(principalOf(request), request.body)),
  });

  app.get('/lists/:id', {
    config: { access: { role: 'viewer' } },
    schema: { tags, summary: 'One list', params: IdParams, response: { 200: ListSchema } },
    handler: async (request) => lists.get(principalOf(request), request.params.id),
  });

  app.patch('/lists/:id', {
    config: { access: { role: 'editor' } },
    schema: {
      tags,
      summary: 'Rename or describe a list',
      params: IdParams,
      body: z.strictObject({ name: NameSchema.optional(), description: DescriptionSchema }),
      response: { 200: ListSchema },
    },
    handler: async (request) => lists.update(principalOf(request), request.params.id, request.body),
  });

  app.delete('/lists/:id', {
    config: { access: { role: 'editor' } },
    schema: {
      tags,
      summary: 'Delete a list (its contacts stay)',
      params: IdParams,
      response: { 204: z.null() },
    },
    handler: async (request, reply) => {
      await lists.remove(principalOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  });

  app.post('/lists/:id/members', {
    config: { access: { role: 'editor' } },
    schema: {
      tags,
      summary: 'Add contacts to a list; members already in it and unknown ids are skipped',
      params: IdParams,
      body: MembersSchema,
      response: { 200: z.object({ added: z.number().int() }) },
    },
    handler: async (request) =>
      lists.addMembers(principalOf(request), request.params.id, request.body.contactIds),
  });

  app.delete('/lists/:id/members', {
    config: { access: { role: 'editor' } },
    schema: {
      tags,
      summary: 'Remove contacts from a list (the contacts stay)',
      params: IdParams,
      body: MembersSchema,
      response: { 200: z.object({ removed: z.number().int() }) },
    },
    handler: async (request) =>
      lists.removeMembers(principalOf(request), request.params.id, request.body.contactIds),
  });
};
