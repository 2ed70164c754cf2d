import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf } from '../../http/access.js';
import { PageQuerySchema, pageSchema } from '../../http/pagination.js';
import type { TemplatesService } from './templates.service.js';

const FormatSchema = z.enum(['html', 'mjml', 'markdown']);
/** Bodies are bounded well above Gmail's 102 KB clip, so a real template always fits. */
const MAX_BODY = 512 * 1024;

const ContentSchema = {
  subject: z.string().max(998).describe('Liquid allowed, e.g. "Hi {{ contact.firstName }}"'),
  preheader: z.string().max(500).nullable().optional(),
  format: FormatSchema,
  body: z.string().max(MAX_BODY),
  text: z
    .string()
    .max(MAX_BODY)
    .nullable()
    .optional()
    .describe('Plain-text part; generated from the HTML when empty'),
};
const NameSchema = z.string().trim().min(1).max(200);
const CategorySchema = z.string().trim().max(100).nullable().optional();

const TemplateSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  category: z.string().nullable(),
  subject: z.string(),
  preheader: z.string().nullable(),
  format: FormatSchema,
  body: z.string(),
  text: z.string().nullable(),
  isActive: z.boolean(),
  version: z.number().int(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
const TemplateSummarySchema = TemplateSchema.omit({ preheader: true, body: true, text: true });
const VersionSummarySchema = z.object({
  id: z.uuid(),
  version: z.number().int(),
  subject: z.string(),
  format: FormatSchema,
  createdAt: z.date(),
  createdBy: z.uuid().nullable(),
  createdByName: z.string().nullable(),
});
const VersionSchema = z.object({
  id: z.uuid(),
  templateId: z.uuid(),
  version: z.number().int(),
  subject: z.string(),
  preheader: z.string().nullable(),
  format: FormatSchema,
  body: z.string(),
  text: z.string().nullable(),
  createdAt: z.date(),
});

const IssueSchema = z.object({
  field: z.enum(['subject', 'preheader', 'body', 'text']),
  line: z.number().int(),
  column: z.number().int(),
  message: z.string(),
});
const CheckSchema = z.object({
  code: z.enum([
    'missing_unsubscribe',
    'unknown_variable',
    'malformed_link',
    'insecure_link',
    'image_missing_alt',
    'html_too_large',
    'missing_text_part',
    'subject_empty',
    'subject_too_long',
  ]),
  severity: z.enum(['error', 'warning']).describe('error blocks a campaign send'),
  message: z.string(),
  field: z.enum(['subject', 'preheader', 'body', 'text']).optional(),
  line: z.number().int().optional(),
  column: z.number().int().optional(),
});
const PreviewSchema = z.object({
  subject: z.string(),
  preheader: z.string(),
  html: z.string(),
  text: z.string(),
  errors: z.array(IssueSchema).describe('Compile or render errors; nothing rendered when present'),
  warnings: z.array(IssueSchema),
  checks: z.array(CheckSchema).describe('Pre-send checks'),
});
const SampleContactSchema = z.strictObject({
  email: z.email().max(254).optional(),
  firstName: z.string().max(200).nullable().optional(),
  lastName: z.string().max(200).nullable().optional(),
  timezone: z.string().max(100).nullable().optional(),
  locale: z.string().max(35).nullable().optional(),
  tags: z.array(z.string().max(100)).max(50).optional(),
  attributes: z.record(z.string().max(100), z.unknown()).optional(),
});
const PreviewBodySchema = z.strictObject({
  contactId: z.uuid().optional().describe('Render as this contact'),
  sample: SampleContactSchema.optional().describe('Or as a made-up recipient'),
  content: z
    .strictObject(ContentSchema)
    .optional()
    .describe('Unsaved content from the editor; the saved template otherwise'),
});

const IdParams = z.strictObject({ id: z.uuid() });
const VersionParams = z.strictObject({
  id: z.uuid(),
  version: z.coerce.number().int().min(1).max(1_000_000_000),
});
const tags = ['templates'];

export const templatesRoutes: FastifyPluginAsyncZod<{ templates: TemplatesService }> = async (
  app,
  { templates },
) => {
  app.get('/templates', {
    config: { access: { role: 'viewer' } },
    schema: {
      tags,
      summary: 'Templates, newest first; search by name or subject, filter by category',
      querystring: PageQuerySchema.extend({
        search: z.string().trim().max(200).optional(),
        category: z.string().trim().max(100).optional(),
      }),
      response: { 200: pageSchema(TemplateSummarySchema) },
    },
    handler: async (request) => templates.list(principalOf(request), request.query),
  });

  app.get('/templates/categories', {
    config: { access: { role: 'viewer' } },
    schema: {
      tags,
      summary: 'Categories in use',
      response: { 200: z.object({ items: z.array(z.string()) }) },
    },
    handler: async (request) => ({ items: await templates.categories(principalOf(request)) }),
  });

  app.post('/templates', {
    config: { access: { role: 'editor' } },
    schema: {
      tags,
      summary: 'Create a template (version 1); content that does not compile is a 422',
      body: z.strictObject({
        name: NameSchema,
        category: CategorySchema,
        ...ContentSchema,
        isActive: z.boolean().optional(),
      }),
      response: { 201: TemplateSchema },
    },
    handler: async (request, reply) =>
      reply.code(201).send(await templates.create(principalOf(request), request.body)),
  });

  app.post('/templates/preview', {
    config: { access: { role: 'viewer' } },
    schema: {
      tags,
      summary: 'Render unsaved content as a contact or sample recipient, with pre-send checks',
      body: PreviewBodySchema.required({ content: true }),
      response: { 200: PreviewSchema },
    },
    handler: async (request) => templates.preview(principalOf(request), null, request.body),
  });

  app.get('/templates/:id', {
    config: { access: { role: 'viewer' } },
    schema: { tags, summary: 'One template', params: IdParams, response: { 200: TemplateSchema } },
    handler: async (request) => templates.get(principalOf(request), request.params.id),
  });

  app.patch('/templates/:id', {
    config: { access: { role: 'editor' } },
    schema: {
      tags,
      summary: 'Edit a template; a content change creates a new version',
      params: IdParams,
      body: z.strictObject({
        name: NameSchema.optional(),
        category: CategorySchema,
        subject: ContentSchema.subject.optional(),
        preheader: ContentSchema.preheader,
        format: FormatSchema.optional(),
        body: ContentSchema.body.optional(),
        text: ContentSchema.text,
        isActive: z.boolean().optional(),
      }),
      response: { 200: TemplateSchema },
    },
    handler: async (request) =>
      templates.update(principalOf(request), request.params.id, request.body),
  });

  app.delete('/templates/:id', {
    config: { access: { role: 'editor' } },
    schema: {
      tags,
      summary: 'Delete a template and its versions (409 while a campaign uses it)',
      params: IdParams,
      response: { 204: z.null() },
    },
    handler: async (request, reply) => {
      await templates.remove(principalOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  });

  app.post('/templates/:id/preview', {
    config: { access: { role: 'viewer' } },
    schema: {
      tags,
      summary: 'Render a template as a contact or sample recipient, with pre-send checks',
      params: IdParams,
      body: PreviewBodySchema,
      response: { 200: PreviewSchema },
    },
    handler: async (request) =>
      templates.preview(principalOf(request), request.params.id, request.body),
  });

  app.post('/templates/:id/test-send', {
    config: { access: { role: 'editor' } },
    schema: {
      tags,
      summary: 'Send one real test message, rendered as a contact or the sample recipient',
      params: IdParams,
      body: z.strictObject({
        to: z.email().max(254),
        contactId: z.uuid().optional().describe('Render as this contact; the sample otherwise'),
        senderId: z.uuid(),
      }),
      response: {
        200: z.object({
          messageId: z.string(),
          outcome: z.enum(['sent', 'retry', 'failed']),
          code: z.number().int().nullable(),
          reply: z.string().describe('The server’s reply (or what went wrong)'),
          checks: z.array(CheckSchema),
        }),
      },
    },
    handler: async (request) =>
      templates.testSend(principalOf(request), request.params.id, request.body),
  });

  app.get('/templates/:id/versions', {
    config: { access: { role: 'viewer' } },
    schema: {
      tags,
      summary: 'Version history, newest first',
      params: IdParams,
      querystring: PageQuerySchema,
      response: { 200: pageSchema(VersionSummarySchema) },
    },
    handler: async (request) =>
      templates.versions(principalOf(request), request.params.id, request.query),
  });

  app.get('/templates/:id/versions/:version', {
    config: { access: { role: 'viewer' } },
    schema: {
      tags,
      summary: 'One version’s content',
      params: VersionParams,
      response: { 200: VersionSchema },
    },
    handler: async (request) =>
      templates.version(principalOf(request), request.params.id, request.params.version),
  });

  app.post('/templates/:id/versions/:version/restore', {
    config: { access: { role: 'editor' } },
    schema: {
      tags,
      summary: 'Make an old version current again (saved as a new version)',
      params: VersionParams,
      response: { 200: TemplateSchema },
    },
    handler: async (request) =>
      templates.restore(principalOf(request), request.params.id, request.params.version),
  });
};
