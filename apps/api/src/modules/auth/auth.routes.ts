import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf, ROLES } from '../../http/access.js';
import type { AuthService } from './auth.service.js';

export const RoleSchema = z.enum(ROLES);
const EmailSchema = z.email().max(320);
const PasswordSchema = z.string().min(10, 'must be at least 10 characters').max(200);

export const SessionSchema = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  expiresIn: z.number().int().describe('Access token lifetime in seconds'),
  user: z.object({ id: z.uuid(), email: z.string(), name: z.string() }),
  organization: z.object({ id: z.uuid(), name: z.string() }),
  role: RoleSchema,
});

const RefreshBodySchema = z.strictObject({ refreshToken: z.string().min(1).max(200) });

export const authRoutes: FastifyPluginAsyncZod<{ auth: AuthService }> = async (app, { auth }) => {
  app.post('/auth/register', {
    config: { access: { public: true } },
    schema: {
      tags: ['auth'],
      summary: 'Create an account and its organization (or join one with an invitation)',
      body: z.strictObject({
        email: EmailSchema,
        password: PasswordSchema,
        name: z.string().trim().min(1).max(200),
        organizationName: z.string().trim().min(1).max(200).optional(),
        inviteToken: z.string().min(1).max(200).optional(),
      }),
      response: { 201: SessionSchema },
    },
    handler: async (request, reply) =>
      reply.code(201).send(await auth.register(request.body, request.ip)),
  });

  app.post('/auth/login', {
    config: { access: { public: true } },
    schema: {
      tags: ['auth'],
      summary: 'Sign in; rate-limited per account and per IP',
      body: z.strictObject({
        email: EmailSchema,
        password: z.string().min(1).max(200),
        organizationId: z.uuid().optional(),
      }),
      response: { 200: SessionSchema },
    },
    handler: async (request) => auth.login(request.body, request.ip),
  });

  app.post('/auth/refresh', {
    config: { access: { public: true } },
    schema: {
      tags: ['auth'],
      summary: 'Trade a refresh token for a new session; each refresh token works once',
      body: RefreshBodySchema,
      response: { 200: SessionSchema },
    },
    handler: async (request) => auth.refresh(request.body.refreshToken),
  });

  app.post('/auth/logout', {
    config: { access: { public: true } },
    schema: {
      tags: ['auth'],
      summary: 'End the session the refresh token belongs to',
      body: RefreshBodySchema,
      response: { 204: z.null() },
    },
    handler: async (request, reply) => {
      await auth.logout(request.body.refreshToken);
      return reply.code(204).send(null);
    },
  });

  app.post('/auth/switch-organization', {
    config: { access: { role: 'viewer', principal: 'user' } },
    schema: {
      tags: ['auth'],
      summary: 'Start a session in another organization you belong to',
      body: z.strictObject({
        organizationId: z.uuid(),
        refreshToken: z.string().min(1).max(200).optional(),
      }),
      response: { 200: SessionSchema },
    },
    handler: async (request) =>
      auth.switchOrganization(
        principalOf(request),
        request.body.organizationId,
        request.body.refreshToken,
      ),
  });
};
