import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf } from '../../http/access.js';
import { PageQuerySchema, pageSchema } from '../../http/pagination.js';
import { AUDIT_ACTIONS, type AuditLogService } from './audit-log.service.js';

const ActionFilterSchema = z
  .string()
  .max(60)
  .regex(/^[a-z_]+(\.[a-z_]+)?$/, 'an action such as member.removed, or an area such as member');

const AuditEntrySchema = z.object({
  id: z.uuid(),
  action: z.string().describe(`What happened: ${AUDIT_ACTIONS.join(', ')}`),
  actor: z.object({
    type: z.enum(['user', 'apiKey', 'system']),
    id: z.uuid().nullable().describe('The user or API key; null for Herald itself'),
    label: z.string().describe("The user's email or the API key's name at the time"),
  }),
  target: z
    .object({
      type: z.string().describe('campaign, member, invitation, api_key, sender or contact'),
      id: z.uuid().nullable(),
      label: z
        .string()
        .nullable()
        .describe("Its name or email at the time; never a contact's personal data"),
    })
    .nullable(),
  details: z
    .record(z.string(), z.unknown())
    .describe('e.g. the new role, with `before` holding the previous one'),
  ip: z.string().nullable(),
  createdAt: z.date(),
});

export const auditLogRoutes: FastifyPluginAsyncZod<{ auditLog: AuditLogService }> = async (
  app,
  { auditLog },
) => {
  app.get('/audit-log', {
    config: { access: { role: 'admin' } },
    schema: {
      tags: ['audit-log'],
      summary:
        'Who changed what in the organization (campaigns started or cancelled, members and roles, API keys, senders, exports, erasures), newest first',
      querystring: PageQuerySchema.extend({
        action: z
          .union([ActionFilterSchema, z.array(ActionFilterSchema).max(20)])
          .optional()
          .transform((v) => (v === undefined ? undefined : Array.isArray(v) ? v : [v]))
          .describe(
            'An action or an area (campaign, member, api_key, write_key, webhook, flow, sender, contact, contacts); repeat for several',
          ),
        actorType: z.enum(['user', 'apiKey', 'system']).optional(),
        actorId: z.uuid().optional().describe('Only what this user or API key did'),
      }),
      response: { 200: pageSchema(AuditEntrySchema) },
    },
    handler: async (request) => auditLog.list(principalOf(request), request.query),
  });
};
