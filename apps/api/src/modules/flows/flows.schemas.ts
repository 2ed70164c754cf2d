import { z } from 'zod';

/** Request and response shapes of the flow routes (OpenAPI is generated from them). */

export const FLOW_STATUSES = ['draft', 'active', 'inactive'] as const;
export const RUN_STATUSES = ['running', 'waiting', 'completed', 'exited', 'failed'] as const;

export const DefinitionSchema = z
  .record(z.string(), z.unknown())
  .refine((d) => JSON.stringify(d).length <= 512 * 1024, 'at most 512 KB')
  .describe(
    'The flow graph: { reEntry, exitConditions, nodes: [{ id, type, position: { x, y }, config }], edges: [{ id, source, sourceHandle?, target }] }. See docs/flows.md. A draft may be saved with problems; publishing refuses them.',
  );
export const ProblemSchema = z.object({
  nodeId: z.string().optional().describe('The node to mark on the canvas'),
  edgeId: z.string().optional().describe('The edge to mark on the canvas'),
  path: z.string(),
  message: z.string(),
});
export const FlowSummarySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  status: z.enum(FLOW_STATUSES),
  publishedVersion: z.number().int().nullable().describe('The version new runs start on'),
  trigger: z
    .record(z.string(), z.unknown())
    .nullable()
    .describe('The published version’s trigger config'),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export const FlowListItemSchema = FlowSummarySchema.extend({
  runs: z
    .object({
      entered: z.number().int(),
      active: z.number().int().describe('Running or waiting'),
      completed: z.number().int(),
    })
    .describe('Runs of every version'),
});
export const FlowSchema = FlowSummarySchema.extend({
  definition: z.record(z.string(), z.unknown()).describe('The draft, as last saved'),
  problems: z.array(ProblemSchema).describe('What stops the draft from being published'),
  hasUnpublishedChanges: z.boolean(),
});
export const NameSchema = z.string().trim().min(1).max(200);
export const DescriptionSchema = z.string().trim().max(2000).nullable().optional();
export const IdParams = z.strictObject({ id: z.uuid() });
export const VersionSchema = z.object({
  version: z.number().int(),
  createdBy: z.uuid().nullable(),
  createdAt: z.date(),
});
export const RunSchema = z.object({
  id: z.uuid(),
  flowId: z.uuid(),
  version: z.number().int(),
  contactId: z.uuid(),
  contactEmail: z.string().nullable(),
  status: z.enum(RUN_STATUSES),
  currentStep: z.string().nullable(),
  wakeAt: z.date().nullable(),
  exitReason: z.string().nullable(),
  error: z.string().nullable(),
  startedAt: z.date(),
  updatedAt: z.date(),
  finishedAt: z.date().nullable(),
});
export const Json = z.record(z.string(), z.unknown());
export const RunDetailSchema = RunSchema.extend({
  waitingFor: Json.nullable(),
  trigger: Json,
  steps: z.array(
    z.object({
      stepId: z.string(),
      visit: z.number().int(),
      type: z.string(),
      label: z.string().nullable(),
      status: z.string().describe('running | waiting | completed | failed | exited'),
      outcome: z.string().nullable().describe('The way out taken, or what happened'),
      detail: Json,
      startedAt: z.date(),
      finishedAt: z.date().nullable(),
    }),
  ),
});
export const StatsSchema = z.object({
  flowId: z.uuid(),
  version: z.number().int().nullable(),
  runs: z.object({
    entered: z.number().int(),
    running: z.number().int(),
    waiting: z.number().int(),
    completed: z.number().int(),
    exited: z.number().int(),
    failed: z.number().int(),
  }),
  steps: z.array(
    z.object({
      stepId: z.string(),
      type: z.string().nullable(),
      label: z.string().nullable(),
      entered: z.number().int(),
      completed: z.number().int(),
      waiting: z.number().int(),
      errors: z.number().int(),
      email: z
        .object({
          sent: z.number().int(),
          failed: z.number().int(),
          opened: z.number().int(),
          clicked: z.number().int(),
          openRate: z.number(),
          clickRate: z.number(),
        })
        .nullable(),
    }),
  ),
});
export const SimulationSchema = z.object({
  version: z.number().int().nullable().describe('Null: the draft was simulated'),
  status: z.enum(['completed', 'exited', 'failed']),
  endedAt: z.string().describe('Simulated time the path ends'),
  exitReason: z.string().nullable(),
  steps: z.array(
    z.object({
      stepId: z.string(),
      type: z.string(),
      label: z.string().nullable(),
      at: z.string().describe('Simulated time the step starts'),
      outcome: z.string().nullable(),
      reason: z.string(),
      email: z
        .object({
          templateId: z.uuid(),
          subject: z.string(),
          from: z.string().nullable(),
          wouldSend: z.boolean(),
        })
        .optional(),
      webhook: z
        .object({ method: z.string(), url: z.string(), body: z.string().nullable() })
        .optional(),
      changes: z.array(z.string()).optional(),
      conditions: z
        .array(
          z.object({
            index: z.number().int(),
            type: z.string(),
            result: z.boolean(),
            reason: z.string(),
          }),
        )
        .optional(),
    }),
  ),
});
