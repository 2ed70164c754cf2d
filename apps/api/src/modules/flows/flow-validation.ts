import { AppError } from '../../http/errors.js';
import { OutboundRequestError, parseOutboundUrl } from '../../platform/outbound-http.js';
import { parseLiquid, plainLiquid } from '../templates/render/liquid.js';
import { parseFlowDefinition } from './flow-graph.js';
import { type DefinitionProblem, type FlowDefinition, type FlowNode } from './flow.definition.js';

/** What validation needs from the rest of the system, for one organization. */
export interface ReferenceChecks {
  existing(ids: {
    templates: string[];
    senders: string[];
    segments: string[];
    lists: string[];
  }): Promise<{
    templates: Set<string>;
    senders: Set<string>;
    segments: Set<string>;
    lists: Set<string>;
  }>;
  /** Throws AppError (unprocessable, with errors) when segment rules do not compile. */
  compileRules(rules: unknown): Promise<unknown>;
  hasDefaultSender(): Promise<boolean>;
}

type Ref = { kind: 'templates' | 'senders' | 'segments' | 'lists'; id: string; path: string };

function referencesOf(node: FlowNode): Ref[] {
  const at = (kind: Ref['kind'], id: string, path: string): Ref => ({
    kind,
    id,
    path: `nodes.${node.id}.config.${path}`,
  });
  switch (node.type) {
    case 'trigger':
      if (node.config.type === 'segment_entered')
        return [at('segments', node.config.segmentId, 'segmentId')];
      if (node.config.type === 'list_added') return [at('lists', node.config.listId, 'listId')];
      return [];
    case 'send_email':
      return [
        at('templates', node.config.templateId, 'templateId'),
        ...(node.config.senderId ? [at('senders', node.config.senderId, 'senderId')] : []),
      ];
    case 'branch':
      return node.config.conditions.flatMap((c, i) =>
        c.type === 'segment' ? [at('segments', c.segmentId, `conditions.${i}.segmentId`)] : [],
      );
    case 'update_contact':
      return node.config.actions.flatMap((a, i) =>
        a.type === 'add_to_list' || a.type === 'remove_from_list'
          ? [at('lists', a.listId, `actions.${i}.listId`)]
          : [],
      );
    default:
      return [];
  }
}

const NAMES = {
  templates: 'template',
  senders: 'sender',
  segments: 'segment',
  lists: 'list',
} as const;

/**
 * The whole check a publish runs: shape and graph (flow.definition.ts), then everything that
 * needs the organization — referenced templates, senders, segments and lists exist, segment
 * rules in branches compile — and the Liquid and URLs written into steps.
 */
export async function validateFlowDefinition(
  raw: unknown,
  refs: ReferenceChecks,
): Promise<{ definition: FlowDefinition | null; problems: DefinitionProblem[] }> {
  const { definition, problems } = parseFlowDefinition(raw);
  if (!definition) return { definition, problems };

  const all = definition.nodes.flatMap(referencesOf);
  const found = await refs.existing({
    templates: all.filter((r) => r.kind === 'templates').map((r) => r.id),
    senders: all.filter((r) => r.kind === 'senders').map((r) => r.id),
    segments: all.filter((r) => r.kind === 'segments').map((r) => r.id),
    lists: all.filter((r) => r.kind === 'lists').map((r) => r.id),
  });
  for (const ref of all) {
    if (!found[ref.kind].has(ref.id))
      problems.push({
        nodeId: ref.path.split('.')[1]!,
        path: ref.path,
        message: `no such ${NAMES[ref.kind]} in this organization`,
      });
  }

  const emailSteps = new Set(
    definition.nodes.filter((n) => n.type === 'send_email').map((n) => n.id),
  );
  let needsDefaultSender = false;
  for (const node of definition.nodes) {
    const path = `nodes.${node.id}.config`;
    const problem = (where: string, message: string) =>
      problems.push({ nodeId: node.id, path: `${path}.${where}`, message });
    if (node.type === 'send_email') {
      if (!node.config.senderId) needsDefaultSender = true;
      if (node.config.subject) {
        const parsed = parseLiquid(plainLiquid, node.config.subject);
        if (!parsed.ok) problem('subject', parsed.failure.message);
      }
    }
    if (node.type === 'branch') {
      for (const [i, condition] of node.config.conditions.entries()) {
        if (condition.type === 'email' && condition.stepId && !emailSteps.has(condition.stepId))
          problem(`conditions.${i}.stepId`, 'must name a send_email step of this flow');
        if (condition.type === 'rules') {
          try {
            await refs.compileRules(condition.rules);
          } catch (error) {
            if (!(error instanceof AppError)) throw error;
            const details = error.details.errors ?? [];
            if (details.length === 0) problem(`conditions.${i}.rules`, error.message);
            for (const d of details)
              problem(`conditions.${i}.rules${d.path.replace(/^definition/, '')}`, d.message);
          }
        }
      }
    }
    if (node.type === 'webhook') {
      try {
        parseOutboundUrl(node.config.url);
      } catch (error) {
        if (!(error instanceof OutboundRequestError)) throw error;
        problem('url', error.message);
      }
      if (node.config.body) {
        const parsed = parseLiquid(plainLiquid, node.config.body);
        if (!parsed.ok) problem('body', parsed.failure.message);
      }
    }
  }
  if (needsDefaultSender && !(await refs.hasDefaultSender())) {
    for (const node of definition.nodes)
      if (node.type === 'send_email' && !node.config.senderId)
        problems.push({
          nodeId: node.id,
          path: `nodes.${node.id}.config.senderId`,
          message: 'the organization has no active sender: add one or pick a sender here',
        });
  }
  return { definition, problems };
}
