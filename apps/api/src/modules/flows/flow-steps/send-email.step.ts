import { fastUuidV7 } from '../../../platform/ids.js';
import type { SendPipeline } from '../../campaigns/send/pipeline.js';
import type { NodeOf } from '../flow.definition.js';
import type { FlowMessagesRepo } from '../flow-messages.repo.js';
import type { FlowsRepo } from '../flows.repo.js';
import type { StepPerformer } from './step.js';

type StepCampaigns = Pick<FlowsRepo, 'findStepCampaign' | 'upsertStepCampaign' | 'defaultSenderId'>;

/**
 * Brings the hidden campaign of a send-email step in line with the step: template, subject
 * override, sender (the organization's first active one when the step names none).
 */
export async function syncStepCampaign(
  flows: StepCampaigns,
  input: {
    orgId: string;
    flowId: string;
    flowName: string;
    node: NodeOf<'send_email'>;
    now: Date;
  },
): Promise<string> {
  const { node } = input;
  const senderId = node.config.senderId ?? (await flows.defaultSenderId(input.orgId));
  return flows.upsertStepCampaign({
    orgId: input.orgId,
    flowId: input.flowId,
    stepId: node.id,
    newCampaignId: fastUuidV7(input.now.getTime()),
    name: `${input.flowName} · ${node.label ?? node.id}`,
    templateId: node.config.templateId,
    subject: node.config.subject ?? null,
    senderIds: senderId ? [senderId] : [],
    now: input.now,
  });
}

/**
 * Sends the step's email through the campaign pipeline (render, links, tracking, MIME,
 * transport, ledger). The message row is unique per run and step visit and the pipeline claims
 * it before sending, so a retried or duplicated job never sends twice. A message the pipeline
 * deferred (a 4xx, a sender limit or window) keeps the run waiting here until its retry time.
 */
export function createSendEmailStep(deps: {
  flows: StepCampaigns;
  messages: FlowMessagesRepo;
  sendOne: SendPipeline['sendOne'];
}): StepPerformer<NodeOf<'send_email'>> {
  return async (ctx) => {
    const { run, node, contact, now } = ctx;
    const flowStep = `${node.id}:${ctx.visit}`;
    let message = await deps.messages.find(run.id, flowStep);
    if (!message) {
      const skipped =
        contact.status !== 'subscribed'
          ? `the contact is ${contact.status}`
          : (await deps.messages.isSuppressed(run.orgId, contact.email))
            ? 'the address is suppressed'
            : null;
      if (skipped) return { kind: 'next', handle: null, outcome: 'skipped', detail: { skipped } };
      const campaign = await deps.flows.findStepCampaign(run.flowId, node.id);
      const campaignId =
        campaign?.id ??
        (await syncStepCampaign(deps.flows, {
          orgId: run.orgId,
          flowId: run.flowId,
          flowName: ctx.flow.name,
          node,
          now,
        }));
      message = await deps.messages.add({
        id: fastUuidV7(now.getTime()),
        orgId: run.orgId,
        campaignId,
        contactId: contact.id,
        email: contact.email,
        runId: run.id,
        flowStep,
        now,
      });
    }
    let wait: { until: Date; reason: string } | null = null;
    if (message.status === 'queued' || message.status === 'sending') {
      wait = (await deps.sendOne(message.campaignId, message.id)).wait;
      message = (await deps.messages.find(run.id, flowStep)) ?? message;
    }
    const detail = {
      messageId: message.id,
      campaignId: message.campaignId,
      status: message.status,
      ...(message.lastReply ? { reply: message.lastReply } : {}),
    };
    const soon = new Date(now.getTime() + 1_000);
    switch (message.status) {
      case 'queued': {
        const until = wait?.until ?? message.nextAttemptAt;
        return {
          kind: 'wait',
          until: until > soon ? until : soon,
          detail: { ...detail, ...(wait ? { reason: wait.reason } : {}) },
        };
      }
      case 'sending': {
        // Another worker holds the message (a lane, or a crashed try whose lease runs out).
        const until = message.leaseUntil ?? new Date(now.getTime() + 60_000);
        return { kind: 'wait', until: until > soon ? until : soon, detail };
      }
      case 'sent':
        return { kind: 'next', handle: null, outcome: 'sent', detail };
      case 'cancelled':
        return { kind: 'next', handle: null, outcome: 'cancelled', detail };
      default:
        return { kind: 'next', handle: null, status: 'failed', outcome: message.status, detail };
    }
  };
}
