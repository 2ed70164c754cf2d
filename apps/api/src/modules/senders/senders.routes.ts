import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf } from '../../http/access.js';
import { auditChangedFields, auditFields } from '../audit-log/audit-log.hooks.js';
import type { SendersService } from './senders.service.js';

const TlsSchema = z
  .enum(['implicit', 'starttls', 'starttls-opportunistic', 'none'])
  .describe(
    'implicit: TLS from the first byte (port 465); starttls: STARTTLS required; starttls-opportunistic: used when offered; none',
  );
const AuthSchema = z.enum(['none', 'plain', 'login', 'xoauth2']);
const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 24-hour');
const WindowSchema = z
  .strictObject({
    days: z
      .array(z.number().int().min(1).max(7))
      .min(1)
      .max(7)
      .refine((d) => new Set(d).size === d.length, 'each day once')
      .describe('ISO weekdays: 1 = Monday … 7 = Sunday'),
    start: HHMM,
    end: HHMM.describe('An end before the start spans midnight'),
    timezone: z.string().min(1).max(100).describe('IANA timezone, e.g. Europe/Paris'),
  })
  .nullable();
const LimitSchema = z.number().int().min(1).max(1_000_000_000).nullable().optional();
const LimitsSchema = z.strictObject({
  perSecond: LimitSchema,
  perHour: LimitSchema,
  perDay: LimitSchema,
});
const SmtpInputSchema = z.strictObject({
  host: z
    .string()
    .trim()
    .min(1)
    .max(253)
    .regex(/^[a-zA-Z0-9.-]+$|^\[?[0-9a-fA-F:.]+\]?$/, 'a host name or IP address'),
  port: z.number().int().min(1).max(65535),
  tls: TlsSchema.default('starttls'),
  auth: AuthSchema.default('plain'),
  username: z.string().max(320).nullable().optional(),
  password: z
    .string()
    .max(8192)
    .nullable()
    .optional()
    .describe(
      'Password, or the OAuth2 access token for xoauth2. Write-only: stored encrypted, never returned. Omit to keep the stored one.',
    ),
  allowInvalidCertificates: z
    .boolean()
    .optional()
    .describe('Accept self-signed certificates (test servers only)'),
});
const EmailSchema = z.email().max(254);

const SenderSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  fromName: z.string().nullable(),
  fromEmail: z.string(),
  replyTo: z.string().nullable(),
  provider: z.enum(['smtp', 'outbox']),
  smtp: z
    .object({
      host: z.string(),
      port: z.number().int(),
      tls: TlsSchema,
      auth: AuthSchema,
      username: z.string().nullable(),
      allowInvalidCertificates: z.boolean(),
      hasPassword: z.boolean().describe('Whether a password/token is stored (it is never shown)'),
    })
    .nullable(),
  limits: z.object({
    perSecond: z.number().int().nullable(),
    perHour: z.number().int().nullable(),
    perDay: z.number().int().nullable(),
  }),
  window: WindowSchema,
  isInWindow: z.boolean(),
  nextWindowOpensAt: z.date().nullable(),
  status: z.enum(['active', 'paused']),
  pausedReason: z.string().nullable(),
  pausedAt: z.date().nullable(),
  health: z.object({
    score: z.number().int().nullable().describe('0–100: accepted share of the last 24 h'),
    sent24h: z.number().int(),
    failed24h: z.number().int(),
    deferred24h: z.number().int(),
    consecutiveFailures: z.number().int(),
    lastSuccessAt: z.date().nullable(),
    lastFailureAt: z.date().nullable(),
    lastError: z.string().nullable(),
  }),
  lastVerify: z
    .object({
      ok: z.boolean(),
      at: z.string(),
      steps: z.array(
        z.object({ step: z.string(), ok: z.boolean(), detail: z.string(), ms: z.number() }),
      ),
    })
    .nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});

const IdParams = z.strictObject({ id: z.uuid() });
const tags = ['senders'];

export const sendersRoutes: FastifyPluginAsyncZod<{ senders: SendersService }> = async (
  app,
  { senders },
) => {
  app.get('/senders', {
    config: { access: { role: 'viewer' } },
    schema: {
      tags,
      summary: 'Sending accounts with limits, window and health',
      response: { 200: z.object({ items: z.array(SenderSchema) }) },
    },
    handler: async (request) => senders.list(principalOf(request)),
  });

  app.post('/senders', {
    config: {
      access: { role: 'admin' },
      audit: {
        action: 'sender.created',
        target: 'sender',
        details: auditFields('provider', 'fromEmail'),
      },
    },
    schema: {
      tags,
      summary: 'Add a sending account (smtp, or the built-in outbox)',
      body: z.strictObject({
        name: z.string().trim().min(1).max(200),
        fromName: z.string().trim().max(200).nullable().optional(),
        fromEmail: EmailSchema,
        replyTo: EmailSchema.nullable().optional(),
        provider: z.enum(['smtp', 'outbox']),
        smtp: SmtpInputSchema.nullable().optional(),
        limits: LimitsSchema.optional(),
        window: WindowSchema.optional(),
      }),
      response: { 201: SenderSchema },
    },
    handler: async (request, reply) =>
      reply.code(201).send(await senders.create(principalOf(request), request.body)),
  });

  app.get('/senders/:id', {
    config: { access: { role: 'viewer' } },
    schema: { tags, summary: 'One sender', params: IdParams, response: { 200: SenderSchema } },
    handler: async (request) => senders.getView(principalOf(request), request.params.id),
  });

  app.patch('/senders/:id', {
    config: {
      access: { role: 'admin' },
      audit: { action: 'sender.updated', target: 'sender', details: auditChangedFields },
    },
    schema: {
      tags,
      summary: 'Change a sender; smtp.password omitted keeps the stored one',
      params: IdParams,
      body: z.strictObject({
        name: z.string().trim().min(1).max(200).optional(),
        fromName: z.string().trim().max(200).nullable().optional(),
        fromEmail: EmailSchema.optional(),
        replyTo: EmailSchema.nullable().optional(),
        smtp: SmtpInputSchema.optional(),
        limits: LimitsSchema.optional(),
        window: WindowSchema.optional(),
      }),
      response: { 200: SenderSchema },
    },
    handler: async (request) =>
      senders.update(principalOf(request), request.params.id, request.body),
  });

  app.delete('/senders/:id', {
    config: { access: { role: 'admin' }, audit: { action: 'sender.deleted', target: 'sender' } },
    schema: {
      tags,
      summary: 'Remove a sender (409 while an unfinished campaign uses it)',
      params: IdParams,
      response: { 204: z.null() },
    },
    handler: async (request, reply) => {
      await senders.remove(principalOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  });

  app.post('/senders/:id/verify', {
    config: { access: { role: 'admin' } },
    schema: {
      tags,
      summary: 'Connect, negotiate TLS and log in, reporting each step',
      params: IdParams,
      response: {
        200: z.object({
          ok: z.boolean(),
          at: z.string(),
          steps: z.array(
            z.object({ step: z.string(), ok: z.boolean(), detail: z.string(), ms: z.number() }),
          ),
          sender: SenderSchema,
        }),
      },
    },
    handler: async (request) => senders.verify(principalOf(request), request.params.id),
  });

  app.post('/senders/:id/pause', {
    config: { access: { role: 'admin' } },
    schema: {
      tags,
      summary: 'Stop using a sender',
      params: IdParams,
      response: { 200: SenderSchema },
    },
    handler: async (request) => senders.pause(principalOf(request), request.params.id),
  });

  app.post('/senders/:id/resume', {
    config: { access: { role: 'admin' } },
    schema: {
      tags,
      summary: 'Use a paused sender again; clears its failure streak and alerts',
      params: IdParams,
      response: { 200: SenderSchema },
    },
    handler: async (request) => senders.resume(principalOf(request), request.params.id),
  });
};
