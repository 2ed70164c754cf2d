import { Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf } from '../../http/access.js';
import { PageQuerySchema, pageSchema } from '../../http/pagination.js';
import { auditFields } from '../audit-log/audit-log.hooks.js';
import {
  ActivitySchema,
  BulkSchema,
  ContactSchema,
  CreateContactSchema,
  EraseSchema,
  ExportQuerySchema,
  ListContactsQuerySchema,
  SuppressionSchema,
  UpdateContactSchema,
} from './contacts.schemas.js';
import type { ContactsService } from './contacts.service.js';

const IdParams = z.strictObject({ id: z.uuid() });
const tags = ['contacts'];

export const contactsRoutes: FastifyPluginAsyncZod<{ contacts: ContactsService }> = async (
  app,
  { contacts },
) => {
  app.get('/contacts', {
    config: { access: { role: 'viewer' } },
    schema: {
      tags,
      summary: 'Contacts: search, filter, sort, keyset pages',
      querystring: ListContactsQuerySchema,
      response: { 200: pageSchema(ContactSchema) },
    },
    handler: async (request) => contacts.list(principalOf(request), request.query),
  });

  app.post('/contacts', {
    config: { access: { role: 'editor' } },
    schema: {
      tags,
      summary:
        'Create a contact (201) or update the one with the same email, case-insensitively (200). A suppressed email is always stored as blocked, whatever status is given.',
      body: CreateContactSchema,
      response: { 200: ContactSchema, 201: ContactSchema },
    },
    handler: async (request, reply) => {
      const { contact, created } = await contacts.upsert(principalOf(request), request.body);
      return reply.code(created ? 201 : 200).send(contact);
    },
  });

  app.get('/contacts/export', {
    config: {
      access: { role: 'editor' },
      audit: {
        action: 'contacts.exported',
        details: auditFields('status', 'listId', 'segmentId'),
      },
    },
    schema: {
      tags,
      summary:
        'Download contacts as CSV (streamed): built-in columns, then one per custom field. Cells a spreadsheet would run as formulas are prefixed with an apostrophe.',
      querystring: ExportQuerySchema,
      produces: ['text/csv'],
    },
    handler: async (request, reply) => {
      const { filename, chunks } = await contacts.exportCsv(principalOf(request), request.query);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${filename}"`)
        .header('cache-control', 'no-store')
        .send(Readable.from(chunks));
    },
  });

  app.post('/contacts/bulk', {
    config: { access: { role: 'editor' } },
    schema: {
      tags,
      summary:
        'Tag, untag, add to or remove from a list, unsubscribe or delete many contacts: up to 1000 ids at once (200), or a segment / all contacts as a job (202)',
      body: BulkSchema,
      response: {
        200: z.object({ affected: z.number().int().describe('Contacts actually changed') }),
        202: z.object({ jobId: z.string() }),
      },
    },
    handler: async (request, reply) => {
      const result = await contacts.bulk(principalOf(request), request.body);
      return reply.code('jobId' in result ? 202 : 200).send(result);
    },
  });

  app.get('/contacts/:id', {
    config: { access: { role: 'viewer' } },
    schema: { tags, summary: 'One contact', params: IdParams, response: { 200: ContactSchema } },
    handler: async (request) => contacts.get(principalOf(request), request.params.id),
  });

  app.patch('/contacts/:id', {
    config: { access: { role: 'editor' } },
    schema: {
      tags,
      summary:
        'Change a contact: attributes merge (null removes a key), tags are replaced when given. A suppressed email stays blocked.',
      params: IdParams,
      body: UpdateContactSchema,
      response: { 200: ContactSchema },
    },
    handler: async (request) =>
      contacts.update(principalOf(request), request.params.id, request.body),
  });

  app.delete('/contacts/:id', {
    config: { access: { role: 'editor' } },
    schema: {
      tags,
      summary: 'Delete a contact with its list memberships and activity',
      params: IdParams,
      response: { 204: z.null() },
    },
    handler: async (request, reply) => {
      await contacts.remove(principalOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  });

  app.get('/contacts/:id/timeline', {
    config: { access: { role: 'viewer' } },
    schema: {
      tags,
      summary: "The contact's activity, newest first",
      params: IdParams,
      querystring: PageQuerySchema,
      response: { 200: pageSchema(ActivitySchema) },
    },
    handler: async (request) =>
      contacts.timeline(principalOf(request), request.params.id, request.query),
  });

  app.get('/contacts/:id/data', {
    config: { access: { role: 'editor' } },
    schema: {
      tags,
      summary:
        'Everything held about a contact (data-subject access request): the contact, list memberships, activity, messages, engagement events, event API events, flow runs and suppression entry',
      params: IdParams,
      response: {
        200: z.object({
          contact: ContactSchema,
          lists: z.array(z.object({ id: z.uuid(), name: z.string(), addedAt: z.date() })),
          activities: z.array(ActivitySchema),
          suppression: SuppressionSchema.nullable(),
          messages: z
            .array(z.record(z.string(), z.unknown()))
            .describe('Campaign messages sent to the contact, with delivery and engagement times'),
          events: z
            .array(z.record(z.string(), z.unknown()))
            .describe('Opens, clicks, unsubscribes and bounces, with the user agent seen'),
          trackedEvents: z
            .array(z.record(z.string(), z.unknown()))
            .describe(
              'Events from the event API (identify, track, page…) with properties and context',
            ),
          flowRuns: z
            .array(z.record(z.string(), z.unknown()))
            .describe('Automation flow runs the contact was enrolled in, with their trigger'),
        }),
      },
    },
    handler: async (request) => contacts.personalData(principalOf(request), request.params.id),
  });

  app.post('/contacts/:id/erase', {
    config: {
      access: { role: 'admin' },
      audit: { action: 'contact.erased', target: 'contact', details: auditFields('suppress') },
    },
    schema: {
      tags,
      summary:
        'Erase a contact (right to erasure): the contact, its memberships and activity are deleted; nothing personal is kept unless suppress is true, which keeps the address in suppressions',
      params: IdParams,
      body: EraseSchema,
      response: { 204: z.null() },
    },
    handler: async (request, reply) => {
      await contacts.erase(principalOf(request), request.params.id, {
        suppress: request.body?.suppress ?? false,
      });
      return reply.code(204).send(null);
    },
  });
};
