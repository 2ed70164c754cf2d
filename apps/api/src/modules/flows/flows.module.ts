import type { SQL } from 'drizzle-orm';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import type { Principal } from '../../http/access.js';
import { AppError } from '../../http/errors.js';
import type { AppJobCatalog } from '../../jobs/catalog.js';
import type { Clock } from '../../platform/clock.js';
import type { DomainEvents } from '../../platform/domain-events.js';
import type { Queue } from '../../platform/queue/queue.js';
import type { SendPipeline } from '../campaigns/send/pipeline.js';
import { createContactsRepo } from '../contacts/contacts.repo.js';
import type { ContactsService } from '../contacts/contacts.service.js';
import { createListsRepo } from '../lists/lists.repo.js';
import type { SegmentsService } from '../segments/segments.service.js';
import type { SendersService } from '../senders/senders.service.js';
import type { TemplatesService } from '../templates/templates.service.js';
import { createFlowEngine } from './flow-engine.js';
import { createFlowMessagesRepo } from './flow-messages.repo.js';
import { createFlowReportsRepo } from './flow-reports.repo.js';
import { createFlowRunsRepo } from './flow-runs.repo.js';
import { createFlowRunsService } from './flow-runs.service.js';
import { createFlowSimulator } from './flow-simulate.js';
import { createBranchStep, performRandomSplit, type BranchDeps } from './flow-steps/branch.step.js';
import { createSendEmailStep } from './flow-steps/send-email.step.js';
import { createUpdateContactStep, type ContactChanges } from './flow-steps/update-contact.step.js';
import { performExit, performWait, performWaitForEvent } from './flow-steps/wait.step.js';
import { createWebhookStep } from './flow-steps/webhook.step.js';
import { createFlowTriggers } from './flow-triggers.js';
import { createFlowsRepo } from './flows.repo.js';
import { createFlowsService } from './flows.service.js';

/** The principal a flow acts as when it changes a contact: the organization itself. */
const flowPrincipal = (orgId: string): Principal => ({
  kind: 'apiKey',
  orgId,
  role: 'editor',
  userId: null,
  apiKeyId: null,
});

/** Flows: definition and lifecycle, the engine, triggers, runs and simulation, wired once. */
export function createFlowsModule(deps: {
  db: Db;
  config: Config;
  clock: Clock;
  queue: Queue<AppJobCatalog>;
  domainEvents: DomainEvents;
  segments: SegmentsService;
  contacts: ContactsService;
  templates: TemplatesService;
  senders: SendersService;
  pipeline: SendPipeline;
}) {
  const { db, clock, queue, domainEvents } = deps;
  const repo = createFlowsRepo(db);
  const runs = createFlowRunsRepo(db);
  const messages = createFlowMessagesRepo(db);
  const contactsRepo = createContactsRepo(db);
  const listsRepo = createListsRepo(db);

  const matches = (orgId: string, contactId: string, where: SQL) =>
    repo.contactMatches(orgId, contactId, where);
  const branch: BranchDeps = {
    matchesRules: async (orgId, contactId, rules) =>
      matches(orgId, contactId, await deps.segments.compileFor(orgId, rules)),
    isInSegment: async (orgId, contactId, segmentId) => {
      try {
        return await matches(
          orgId,
          contactId,
          await deps.segments.whereForSegment(orgId, segmentId),
        );
      } catch (error) {
        if (error instanceof AppError) return null;
        throw error;
      }
    },
    lastEmail: (runId, stepId) => runs.lastEmailOfRun(runId, stepId),
  };
  const setAttributes = async (
    orgId: string,
    contactId: string,
    values: Record<string, unknown>,
  ) => {
    await deps.contacts.update(flowPrincipal(orgId), contactId, { attributes: values });
  };
  const changes: ContactChanges = {
    setAttributes,
    addTag: async (orgId, id, tag) =>
      void (await contactsRepo.addTag(orgId, { ids: [id] }, tag, clock.now())),
    removeTag: async (orgId, id, tag) =>
      void (await contactsRepo.removeTag(orgId, { ids: [id] }, tag, clock.now())),
    addToList: async (orgId, id, listId) =>
      (await listsRepo.addContacts(orgId, listId, { ids: [id] }, clock.now())) > 0,
    removeFromList: async (orgId, id, listId) =>
      void (await listsRepo.removeContacts(orgId, listId, { ids: [id] })),
    unsubscribe: async (orgId, id, source) => {
      const changed = await contactsRepo.setStatus(
        orgId,
        { ids: [id], status: 'subscribed' },
        'unsubscribed',
        source,
        clock.now(),
      );
      if (changed > 0)
        await domainEvents.emit(orgId, 'contact.unsubscribed', { contactId: id, source });
    },
  };

  const engine = createFlowEngine({
    flows: repo,
    runs,
    contacts: contactsRepo,
    queue,
    clock,
    events: domainEvents,
    performers: {
      send_email: createSendEmailStep({
        flows: repo,
        messages,
        sendOne: (campaignId, messageId) => deps.pipeline.sendOne(campaignId, messageId),
      }),
      wait: performWait,
      wait_for_event: performWaitForEvent,
      branch: createBranchStep(branch),
      random_split: performRandomSplit,
      update_contact: createUpdateContactStep({
        changes,
        onListAdded: (orgId, listId, contactId) =>
          domainEvents.emit(orgId, 'list.member_added', { listId, contactIds: [contactId] }),
      }),
      webhook: createWebhookStep({
        allow: () => deps.config.webhooks.allowedHosts,
        timeoutMs: deps.config.webhooks.timeoutMs,
        setAttributes,
      }),
      exit: performExit,
    },
  });
  const triggers = createFlowTriggers({
    flows: repo,
    runs,
    engine,
    segmentWhere: (orgId, segmentId) => deps.segments.whereForSegment(orgId, segmentId),
    queue,
    clock,
  });
  domainEvents.listen(triggers.listener);

  const service = createFlowsService({
    repo,
    clock,
    references: (orgId) => ({
      existing: (ids) => repo.existing(orgId, ids),
      compileRules: (rules) => deps.segments.compileFor(orgId, rules),
      hasDefaultSender: async () => (await repo.defaultSenderId(orgId)) !== null,
    }),
  });
  const runsService = createFlowRunsService({
    flows: service,
    runs,
    reports: createFlowReportsRepo(db),
    engine,
    triggers,
    contacts: contactsRepo,
  });
  const simulator = createFlowSimulator({
    flows: service,
    contacts: contactsRepo,
    branch,
    clock,
    isSuppressed: (orgId, email) => messages.isSuppressed(orgId, email),
    renderSubject: async (principal, input) => {
      const template = await deps.templates.get(principal, input.templateId);
      const preview = await deps.templates.preview(principal, null, {
        contactId: input.contactId,
        content: {
          subject: input.subject ?? template.subject,
          preheader: template.preheader,
          format: template.format,
          body: template.body,
          text: template.text,
        },
      });
      return {
        subject: preview.subject,
        error:
          preview.errors.length > 0
            ? `the email cannot be rendered: ${preview.errors[0]!.message}`
            : null,
      };
    },
    fromOf: async (principal, senderId) => {
      const id = senderId ?? (await repo.defaultSenderId(principal.orgId));
      if (!id) return null;
      try {
        const sender = await deps.senders.get(principal, id);
        return sender.fromName ? `${sender.fromName} <${sender.fromEmail}>` : sender.fromEmail;
      } catch (error) {
        if (error instanceof AppError) return null;
        throw error;
      }
    },
  });

  return { service, runs: runsService, simulator, engine, triggers };
}

export type FlowsModule = ReturnType<typeof createFlowsModule>;
