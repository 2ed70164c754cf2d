import type { Principal } from '../../http/access.js';
import { AppError, notFound } from '../../http/errors.js';
import type { Clock } from '../../platform/clock.js';
import type { ContactRow } from '../contacts/contacts.repo.js';
import { FlowGraph, parseFlowDefinition } from './flow-graph.js';
import { durationMs, type ExitCondition, type NodeOf } from './flow.definition.js';
import { MAX_VISITS } from './flow-engine.js';
import { matchesFilter } from './flow-match.js';
import {
  chooseSplit,
  evaluateBranch,
  type BranchDeps,
  type ConditionResult,
} from './flow-steps/branch.step.js';
import { describeAction } from './flow-steps/update-contact.step.js';
import { waitEnd } from './flow-steps/wait.step.js';
import { renderWebhookBody, webhookScope } from './flow-steps/webhook.step.js';
import type { FlowsService } from './flows.service.js';

export interface SimulationInput {
  contactId: string;
  events: { name: string; properties: Record<string, unknown>; at?: string | undefined }[];
  version?: number | undefined;
  trigger?: Record<string, unknown> | undefined;
  assume?: { opened?: boolean | undefined; clicked?: boolean | undefined } | undefined;
}

interface SimulatedStep {
  stepId: string;
  type: string;
  label: string | null;
  at: string;
  outcome: string | null;
  reason: string;
  email?: { templateId: string; subject: string; from: string | null; wouldSend: boolean };
  webhook?: { method: string; url: string; body: string | null };
  changes?: string[];
  conditions?: ConditionResult[];
}

/** Steps one simulation walks at most: a loop through waits stops here. */
const MAX_SIMULATED_STEPS = 500;

/**
 * Walks a flow for one contact in simulated time: waits move the clock, events given with a
 * time resume waits and trigger exit conditions, branches are evaluated against the contact as
 * stored (and as earlier update steps would change it in memory). Reads only: nothing is sent,
 * called or written.
 */
export function createFlowSimulator(deps: {
  flows: FlowsService;
  contacts: { find(orgId: string, id: string): Promise<ContactRow | null> };
  branch: BranchDeps;
  /** The subject the contact would get (Liquid rendered), or the render problem. */
  renderSubject(
    principal: Principal,
    input: { templateId: string; subject: string | null; contactId: string },
  ): Promise<{ subject: string; error: string | null }>;
  fromOf(principal: Principal, senderId: string | null): Promise<string | null>;
  isSuppressed(orgId: string, email: string): Promise<boolean>;
  clock: Clock;
}) {
  async function definitionFor(principal: Principal, flowId: string, version?: number) {
    if (version !== undefined) {
      const published = await deps.flows.publishedDefinition(principal, flowId, version);
      return { version: published.version, definition: published.definition };
    }
    const flow = await deps.flows.get(principal, flowId);
    const { definition, problems } = parseFlowDefinition(flow.draft);
    if (!definition || problems.length > 0)
      throw new AppError('unprocessable', 'Fix the draft’s problems before simulating it.', {
        errors: problems,
      });
    return { version: null, definition };
  }

  return {
    async simulate(principal: Principal, flowId: string, input: SimulationInput) {
      const { version, definition } = await definitionFor(principal, flowId, input.version);
      const stored = await deps.contacts.find(principal.orgId, input.contactId);
      if (!stored) throw notFound('Contact');
      const contact: ContactRow = {
        ...stored,
        tags: [...stored.tags],
        attributes: { ...stored.attributes },
      };
      const graph = new FlowGraph(definition);
      const start = deps.clock.now();
      const events = input.events
        .map((e, i) => ({ ...e, index: i, time: e.at ? new Date(e.at) : start, isUsed: false }))
        .sort((a, b) => a.time.getTime() - b.time.getTime() || a.index - b.index);
      const trigger = input.trigger ?? defaultTrigger(graph);
      const steps: SimulatedStep[] = [];
      const visits = new Map<string, number>();
      let now = start;
      let status = 'completed' as 'completed' | 'exited' | 'failed';
      let exitReason: string | null = null;

      const isExitEvent = (e: (typeof events)[number]) =>
        definition.exitConditions.some(
          (c: ExitCondition) => c.name === e.name && matchesFilter(e.properties, c.propertyFilter),
        );
      /** The first exit-condition event after `from` (or at it, for the start) and by `to`. */
      const exitBetween = (from: Date, to: Date, isFromIncluded: boolean) =>
        events.find(
          (e) =>
            (isFromIncluded ? e.time >= from : e.time > from) && e.time <= to && isExitEvent(e),
        );
      const exitOn = (event: (typeof events)[number]) => {
        status = 'exited';
        now = event.time;
        exitReason = `event: ${event.name} at ${event.time.toISOString()}`;
      };

      // Exit events at the very start end the run before its first step.
      const atStart = exitBetween(start, start, true);
      if (atStart) exitOn(atStart);
      let current = status === 'completed' ? graph.entry : null;
      while (current !== null) {
        const node = graph.nodes.get(current)!;
        const visit = (visits.get(node.id) ?? 0) + 1;
        visits.set(node.id, visit);
        if (visit > MAX_VISITS || steps.length >= MAX_SIMULATED_STEPS) {
          status = 'failed';
          exitReason = `step ${node.id} was reached too many times: a loop`;
          break;
        }
        const step: SimulatedStep = {
          stepId: node.id,
          type: node.type,
          label: node.label ?? null,
          at: now.toISOString(),
          outcome: null,
          reason: '',
        };
        steps.push(step);
        let handle: string | null = null;
        /** Time passes until `until`, unless an exit event comes first. */
        const passTime = (until: Date): boolean => {
          const exit = exitBetween(now, until, false);
          if (exit) {
            exitOn(exit);
            step.reason += `; the run exits at ${exit.time.toISOString()} (${exit.name})`;
            return false;
          }
          if (until > now) now = until;
          return true;
        };
        switch (node.type) {
          case 'trigger':
            break;
          case 'send_email': {
            const rendered = await deps.renderSubject(principal, {
              templateId: node.config.templateId,
              subject: node.config.subject ?? null,
              contactId: contact.id,
            });
            const blocked =
              contact.status !== 'subscribed'
                ? `the contact is ${contact.status}`
                : (await deps.isSuppressed(principal.orgId, contact.email))
                  ? 'the address is suppressed'
                  : rendered.error;
            step.email = {
              templateId: node.config.templateId,
              subject: rendered.subject,
              from: await deps.fromOf(principal, node.config.senderId ?? null),
              wouldSend: blocked === null,
            };
            step.outcome = blocked === null ? 'sent' : 'skipped';
            step.reason =
              blocked === null ? `would send “${rendered.subject}”` : `would not send: ${blocked}`;
            break;
          }
          case 'wait': {
            const end = waitEnd(node.config, contact, now);
            step.reason =
              end.until <= now
                ? `no wait${end.note ? `: ${end.note}` : ''}`
                : `waits until ${end.until.toISOString()}${end.note ? ` (${end.note})` : ''}`;
            passTime(end.until);
            break;
          }
          case 'wait_for_event': {
            const deadline = new Date(now.getTime() + durationMs(node.config.timeout));
            const match = events.find(
              (e) =>
                !e.isUsed &&
                e.name === node.config.name &&
                e.time >= now &&
                e.time <= deadline &&
                matchesFilter(e.properties, node.config.propertyFilter),
            );
            handle = match ? 'event' : 'timeout';
            step.outcome = handle;
            step.reason = match
              ? `${node.config.name} happens at ${match.time.toISOString()}`
              : `no ${node.config.name} by ${deadline.toISOString()}`;
            if (passTime(match ? match.time : deadline) && match) match.isUsed = true;
            break;
          }
          case 'branch': {
            const result = await evaluateBranch(
              node.config,
              {
                orgId: principal.orgId,
                contactId: contact.id,
                runId: null,
                trigger,
                assume: input.assume,
              },
              deps.branch,
            );
            handle = result.result ? 'yes' : 'no';
            step.outcome = handle;
            step.conditions = result.conditions;
            step.reason = `${node.config.match} of ${result.conditions.length} condition(s) → ${handle}`;
            break;
          }
          case 'random_split': {
            const { branchId, roll } = chooseSplit(
              node.config,
              `${contact.id}:${node.id}:${visit}`,
            );
            const branch = node.config.branches.find((b) => b.id === branchId)!;
            handle = branchId;
            step.outcome = branchId;
            step.reason = `chosen at random: ${branch.percent}% of runs go this way (roll ${(roll * 100).toFixed(1)})`;
            break;
          }
          case 'update_contact':
            step.changes = applyInMemory(contact, node.config.actions);
            step.reason = 'would change the contact (nothing is saved in a simulation)';
            break;
          case 'webhook': {
            const body =
              node.config.body && node.config.method !== 'GET'
                ? renderWebhookBody(
                    node.config.body,
                    webhookScope({ contact, trigger, flow: { id: flowId, name: '' }, run: null }),
                  )
                : null;
            step.webhook = {
              method: node.config.method,
              url: node.config.url,
              body: body ? (body.ok ? body.text : `(cannot render: ${body.error})`) : null,
            };
            step.reason = 'would call the URL (nothing is called in a simulation)';
            break;
          }
          case 'exit':
            step.outcome = 'exit';
            step.reason = 'the run ends here';
            break;
        }
        if (status !== 'completed' || node.type === 'exit') break;
        current = graph.target(node.id, handle);
        if (current === null) step.reason += '; nothing follows: the run ends';
      }
      return { version, status, endedAt: now.toISOString(), exitReason, steps };
    },
  };
}

function defaultTrigger(graph: FlowGraph): Record<string, unknown> {
  const config = graph.trigger.config;
  return config.type === 'event'
    ? { type: 'event', name: config.name, properties: {} }
    : { type: config.type };
}

/** What an update step would do, applied to the simulation's copy of the contact. */
function applyInMemory(
  contact: ContactRow,
  actions: NodeOf<'update_contact'>['config']['actions'],
) {
  for (const action of actions) {
    if (action.type === 'set_attribute') contact.attributes[action.attribute] = action.value;
    if (action.type === 'unset_attribute')
      contact.attributes = Object.fromEntries(
        Object.entries(contact.attributes).filter(([key]) => key !== action.attribute),
      );
    if (action.type === 'add_tag' && !contact.tags.includes(action.tag))
      contact.tags.push(action.tag);
    if (action.type === 'remove_tag') contact.tags = contact.tags.filter((t) => t !== action.tag);
    if (action.type === 'unsubscribe' && contact.status === 'subscribed')
      contact.status = 'unsubscribed';
  }
  return actions.map(describeAction);
}

export type FlowSimulator = ReturnType<typeof createFlowSimulator>;
