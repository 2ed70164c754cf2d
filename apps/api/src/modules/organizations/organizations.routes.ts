import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf } from '../../http/access.js';
import { auditFields } from '../audit-log/audit-log.hooks.js';
import { PageQuerySchema, pageSchema } from '../../http/pagination.js';
import { RoleSchema } from '../auth/auth.routes.js';
import type { OrganizationsService } from './organizations.service.js';

const OrganizationSchema = z.object({ id: z.uuid(), name: z.string() });
const MyOrganizationSchema = OrganizationSchema.extend({ role: RoleSchema, createdAt: z.date() });
const MemberSchema = z.object({
  userId: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: RoleSchema,
  createdAt: z.date(),
});
const InvitationSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  role: RoleSchema,
  expiresAt: z.date(),
  createdAt: z.date(),
});
const UserIdParams = z.strictObject({ userId: z.uuid() });
const IdParams = z.strictObject({ id: z.uuid() });
const OrgNameSchema = z.string().trim().min(1).max(200);

export const organizationsRoutes: FastifyPluginAsyncZod<{
  organizations: OrganizationsService;
}> = async (app, { organizations }) => {
  app.get('/me', {
    config: { access: { role: 'viewer' } },
    schema: {
      tags: ['organizations'],
      summary: 'Who is calling, in which organization, with which role',
      response: {
        200: z.object({
          principal: z.enum(['user', 'apiKey']),
          user: z.object({ id: z.uuid(), email: z.string(), name: z.string() }).nullable(),
          organization: OrganizationSchema,
          role: RoleSchema,
          organizations: z.array(OrganizationSchema.extend({ role: RoleSchema })),
        }),
      },
    },
    handler: async (request) => organizations.me(principalOf(request)),
  });

  app.get('/organizations', {
    config: { access: { role: 'viewer', principal: 'user' } },
    schema: {
      tags: ['organizations'],
      summary: 'Organizations you belong to',
      querystring: PageQuerySchema,
      response: { 200: pageSchema(MyOrganizationSchema) },
    },
    handler: async (request) => organizations.listMine(principalOf(request), request.query),
  });

  app.post('/organizations', {
    config: { access: { role: 'viewer', principal: 'user' } },
    schema: {
      tags: ['organizations'],
      summary: 'Create another organization, with you as its owner',
      body: z.strictObject({ name: OrgNameSchema }),
      response: { 201: MyOrganizationSchema },
    },
    handler: async (request, reply) =>
      reply.code(201).send(await organizations.create(principalOf(request), request.body.name)),
  });

  app.patch('/organization', {
    config: { access: { role: 'admin' } },
    schema: {
      tags: ['organizations'],
      summary: 'Rename the current organization',
      body: z.strictObject({ name: OrgNameSchema }),
      response: { 200: OrganizationSchema },
    },
    handler: async (request) => organizations.rename(principalOf(request), request.body.name),
  });

  app.get('/members', {
    config: { access: { role: 'viewer' } },
    schema: {
      tags: ['members'],
      summary: 'Members of the current organization',
      querystring: PageQuerySchema,
      response: { 200: pageSchema(MemberSchema) },
    },
    handler: async (request) => organizations.listMembers(principalOf(request), request.query),
  });

  app.patch('/members/:userId', {
    config: {
      access: { role: 'admin' },
      audit: { action: 'member.role_changed', target: 'member', details: auditFields('role') },
    },
    schema: {
      tags: ['members'],
      summary: "Change a member's role",
      params: UserIdParams,
      body: z.strictObject({ role: RoleSchema }),
      response: { 200: MemberSchema },
    },
    handler: async (request) =>
      organizations.changeRole(principalOf(request), request.params.userId, request.body.role),
  });

  app.delete('/members/:userId', {
    config: { access: { role: 'admin' }, audit: { action: 'member.removed', target: 'member' } },
    schema: {
      tags: ['members'],
      summary: 'Remove a member from the organization',
      params: UserIdParams,
      response: { 204: z.null() },
    },
    handler: async (request, reply) => {
      await organizations.removeMember(principalOf(request), request.params.userId);
      return reply.code(204).send(null);
    },
  });

  app.get('/invitations', {
    config: { access: { role: 'admin' } },
    schema: {
      tags: ['members'],
      summary: 'Pending invitations',
      querystring: PageQuerySchema,
      response: { 200: pageSchema(InvitationSchema) },
    },
    handler: async (request) => organizations.listInvitations(principalOf(request), request.query),
  });

  app.post('/invitations', {
    config: {
      access: { role: 'admin' },
      audit: { action: 'member.invited', target: 'invitation', details: auditFields('role') },
    },
    schema: {
      tags: ['members'],
      summary: 'Invite someone by email; the accept link is shown once',
      body: z.strictObject({ email: z.email().max(320), role: RoleSchema }),
      response: { 201: InvitationSchema.extend({ token: z.string(), acceptUrl: z.string() }) },
    },
    handler: async (request, reply) =>
      reply.code(201).send(await organizations.invite(principalOf(request), request.body)),
  });

  app.delete('/invitations/:id', {
    config: {
      access: { role: 'admin' },
      audit: { action: 'member.invitation_revoked', target: 'invitation' },
    },
    schema: {
      tags: ['members'],
      summary: 'Revoke a pending invitation',
      params: IdParams,
      response: { 204: z.null() },
    },
    handler: async (request, reply) => {
      await organizations.revokeInvitation(principalOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  });

  app.post('/invitations/accept', {
    config: { access: { role: 'viewer', principal: 'user' } },
    schema: {
      tags: ['members'],
      summary: 'Join the organization that invited you',
      body: z.strictObject({ token: z.string().min(1).max(200) }),
      response: { 200: z.object({ organization: OrganizationSchema, role: RoleSchema }) },
    },
    handler: async (request) =>
      organizations.acceptInvitation(principalOf(request), request.body.token),
  });
};
