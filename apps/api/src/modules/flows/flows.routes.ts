import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf } from '../../http/access.js';
import { PageQuerySchema, pageSchema } from '../../http/pagination.js';
import type { FlowRunsService } from './flow-runs.service.js';
import type { FlowSimulator } from './flow-simulate.js';
import type { FlowsService } from './flows.service.js';
import {
  FLOW_STATUSES,
  RUN_STATUSES,
  DefinitionSchema,
  ProblemSchema,
  FlowListItemSchema,
  FlowSchema,
  NameSchema,
  DescriptionSchema,
  IdParams,
  VersionSchema,
  RunSchema,
  Json,
  RunDetailSchema,
  StatsSchema,
  SimulationSchema,
} from './flows.schemas.js';

const tags = ['flows'];

export const flowsRoutes: FastifyPluginAsyncZod<{
  flows: FlowsService;
  runs: FlowRunsService;
  simulator: FlowSimulator;
}> = async (app, { flows, runs, simulator }) => {
  app.get('/flows', {
    config: { access: { role: 'viewer' } },
    schema: {
      tags,
      summary: 'Flows, newest first',
      querystring: PageQuerySchema.extend({ status: z.enum(FLOW_STATUSES).optional() }),
      response: { 200: pageSchema(FlowListItemSchema) },
    },
    handler: async (request) => flows.list(principalOf(request), request.query),
  });

  app.post('/flows', {
    config: { access: { role: 'editor' } },
    schema: {
      tags,
      summary: 'Create a flow (a draft; without a definition it starts with a manual trigger)',
      body: z.strictObject({
        name: NameSchema,
        description: DescriptionSchema,
        definition: DefinitionSchema.optional(),
      }),
      response: { 201: FlowSchema },
    },
    handler: async (request, reply) =>
      reply.code(201).send(await flows.create(principalOf(request), request.body)),
  });

  app.get('/flows/:id', {
    config: { access: { role: 'viewer' } },
    schema: {
      tags,
      summary: 'One flow with its draft and the draft’s problems',
      params: IdParams,
      response: { 200: FlowSchema },
    },
    handler: async (request) => flows.view(principalOf(request), request.params.id),
  });

  app.patch('/flows/:id', {
    config: { access: { role: 'editor' } },
    schema: {
      tags,
      summary: 'Rename, describe or save the draft (saved even with problems; they come back)',
      params: IdParams,
      body: z.strictObject({
        name: NameSchema.optional(),
        description: DescriptionSchema,
        definition: DefinitionSchema.optional(),
      }),
      response: { 200: FlowSchema },
    },
    handler: async (request) => flows.update(principalOf(request), request.params.id, request.body),
  });

  app.delete('/flows/:id', {
    config: { access: { role: 'editor' }, audit: { action: 'flow.deleted', target: 'flow' } },
    schema: {
      tags,
      summary: 'Delete a flow that is not active, with its runs and its emails’ numbers',
      params: IdParams,
      response: { 204: z.null() },
    },
    handler: async (request, reply) => {
      await flows.remove(principalOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  });

  app.post('/flows/:id/validate', {
    config: { access: { role: 'editor' } },
    schema: {
      tags,
      summary: 'Check a definition (or the saved draft) without saving it',
      params: IdParams,
      body: z.strictObject({ definition: DefinitionSchema.optional() }).optional(),
      response: { 200: z.object({ isValid: z.boolean(), problems: z.array(ProblemSchema) }) },
    },
    handler: async (request) =>
      flows.validate(principalOf(request), request.params.id, request.body?.definition),
  });

  app.post('/flows/:id/publish', {
    config: { access: { role: 'editor' }, audit: { action: 'flow.published', target: 'flow' } },
    schema: {
      tags,
      summary:
        'Freeze the draft as version n+1: new runs start on it, runs in flight stay on theirs (422 with the problems when it is not valid)',
      params: IdParams,
      response: { 200: z.object({ version: z.number().int(), flow: FlowSchema }) },
    },
    handler: async (request) => flows.publish(principalOf(request), request.params.id),
  });

  app.post('/flows/:id/activate', {
    config: { access: { role: 'editor' }, audit: { action: 'flow.activated', target: 'flow' } },
    schema: {
      tags,
      summary: 'Start enrolling (publishes first if the flow was never published); 409 when active',
      params: IdParams,
      response: { 200: FlowSchema },
    },
    handler: async (request) => flows.activate(principalOf(request), request.params.id),
  });

  app.post('/flows/:id/deactivate', {
    config: { access: { role: 'editor' }, audit: { action: 'flow.deactivated', target: 'flow' } },
    schema: {
      tags,
      summary: 'Stop enrolling; runs in flight carry on to their end. 409 unless active',
      params: IdParams,
      response: { 200: FlowSchema },
    },
    handler: async (request) => flows.deactivate(principalOf(request), request.params.id),
  });

  app.get('/flows/:id/versions', {
    config: { access: { role: 'viewer' } },
    schema: {
      tags,
      summary: 'Published versions, newest first',
      params: IdParams,
      querystring: PageQuerySchema,
      response: { 200: pageSchema(VersionSchema) },
    },
    handler: async (request) =>
      flows.versions(principalOf(request), request.params.id, request.query),
  });

  app.get('/flows/:id/versions/:version', {
    config: { access: { role: 'viewer' } },
    schema: {
      tags,
      summary: 'One published version’s definition',
      params: z.strictObject({
        id: z.uuid(),
        version: z.coerce.number().int().min(1).max(1_000_000),
      }),
      response: { 200: VersionSchema.extend({ definition: Json }) },
    },
    handler: async (request) =>
      flows.version(principalOf(request), request.params.id, request.params.version),
  });

  app.post('/flows/:id/enroll', {
    config: { access: { role: 'editor' } },
    schema: {
      tags,
      summary:
        'Enrol contacts now (409 unless active). Contacts the re-entry policy refuses, or unknown ones, come back in skipped',
      params: IdParams,
      body: z
        .strictObject({
          contactId: z.uuid().optional(),
          contactIds: z.array(z.uuid()).min(1).max(1000).optional(),
        })
        .refine((b) => (b.contactId === undefined) !== (b.contactIds === undefined), {
          message: 'give contactId or contactIds',
        }),
      response: {
        201: z.object({
          runs: z.array(z.object({ id: z.uuid(), contactId: z.uuid() })),
          skipped: z.array(z.uuid()),
        }),
      },
    },
    handler: async (request, reply) => {
      const { contactId, contactIds } = request.body;
      const ids = contactIds ?? (contactId ? [contactId] : []);
      return reply.code(201).send(await runs.enroll(principalOf(request), request.params.id, ids));
    },
  });

  app.get('/flows/:id/stats', {
    config: { access: { role: 'viewer' } },
    schema: {
      tags,
      summary: 'Runs by status and numbers per step (all versions, or one)',
      params: IdParams,
      querystring: z.strictObject({
        version: z.coerce.number().int().min(1).max(1_000_000).optional(),
      }),
      response: { 200: StatsSchema },
    },
    handler: async (request) =>
      runs.stats(principalOf(request), request.params.id, request.query.version),
  });

  app.get('/flows/:id/runs', {
    config: { access: { role: 'viewer' } },
    schema: {
      tags,
      summary: 'Runs, newest first',
      params: IdParams,
      querystring: PageQuerySchema.extend({ status: z.enum(RUN_STATUSES).optional() }),
      response: { 200: pageSchema(RunSchema) },
    },
    handler: async (request) => runs.list(principalOf(request), request.params.id, request.query),
  });

  app.get('/flow-runs/:id', {
    config: { access: { role: 'viewer' } },
    schema: {
      tags,
      summary: 'One run with its path: each step visit, the way out taken and why',
      params: IdParams,
      response: { 200: RunDetailSchema },
    },
    handler: async (request) => runs.get(principalOf(request), request.params.id),
  });

  app.post('/flows/:id/simulate', {
    config: { access: { role: 'viewer' } },
    schema: {
      tags,
      summary:
        'The path a contact would take, with branch reasons and rendered subjects. Sends nothing, writes nothing',
      params: IdParams,
      body: z.strictObject({
        contactId: z.uuid(),
        events: z
          .array(
            z.strictObject({
              name: z.string().min(1).max(200),
              properties: z.record(z.string(), z.unknown()).default({}),
              at: z.iso
                .datetime({ offset: true })
                .optional()
                .describe('When it happens (default: when the simulation starts)'),
            }),
          )
          .max(50)
          .default([]),
        version: z
          .number()
          .int()
          .min(1)
          .optional()
          .describe('A published version (default: the draft)'),
        trigger: z
          .record(z.string(), z.unknown())
          .optional()
          .describe('The trigger data, e.g. { properties: { plan: "pro" } } for event conditions'),
        assume: z
          .strictObject({ opened: z.boolean().optional(), clicked: z.boolean().optional() })
          .optional()
          .describe('Email engagement to assume for branches (default: neither)'),
      }),
      response: { 200: SimulationSchema },
    },
    handler: async (request) =>
      simulator.simulate(principalOf(request), request.params.id, request.body),
  });
};
