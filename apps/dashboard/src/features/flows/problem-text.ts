import type { FlowProblem } from './api';

/** Config keys as the side panel labels them. */
const FIELD_NAMES: Record<string, string> = {
  templateId: 'Template',
  senderId: 'Sender',
  subject: 'Subject',
  segmentId: 'Segment',
  listId: 'List',
  name: 'Event name',
  url: 'URL',
  method: 'Method',
  body: 'Body',
  headers: 'Headers',
  responseMapping: 'Response mapping',
  timeout: 'Timeout',
  duration: 'Duration',
  amount: 'Amount',
  attribute: 'Attribute',
  at: 'Time',
  timezone: 'Timezone',
  days: 'Days',
  offsetDays: 'Days before or after',
  branches: 'Branches',
  percent: 'Percentage',
  conditions: 'Conditions',
  actions: 'Updates',
  tag: 'Tag',
  value: 'Value',
  path: 'Property',
  rules: 'Rules',
  propertyFilter: 'Property filter',
  type: 'Type',
  stepId: 'Email step',
};

/**
 * Where in the step a problem is, in the side panel's words: `nodes.email-1.config.templateId`
 * → "Template", `….conditions.1.segmentId` → "Condition 2 · Segment". Empty when the problem is
 * about the step as a whole (unreachable, no edge out).
 */
export function problemField(problem: FlowProblem): string {
  const parts = problem.path.split('.');
  const config = parts.indexOf('config');
  if (config < 0) {
    if (parts[0] === 'reEntry') return 'Re-entry';
    if (parts[0] === 'exitConditions') return 'Exit conditions';
    return '';
  }
  const words: string[] = [];
  const rest = parts.slice(config + 1);
  for (let i = 0; i < rest.length; i++) {
    const part = rest[i]!;
    const next = rest[i + 1];
    if (
      (part === 'conditions' || part === 'actions' || part === 'branches') &&
      next &&
      /^\d+$/.test(next)
    ) {
      const noun = part === 'conditions' ? 'Condition' : part === 'actions' ? 'Update' : 'Branch';
      words.push(`${noun} ${Number(next) + 1}`);
      i++;
      if (part === 'conditions' && rest[i + 1] === 'rules') break;
      continue;
    }
    if (part === 'rules') {
      words.push('Rules');
      break;
    }
    const name = FIELD_NAMES[part];
    if (name && !(part === 'amount' && words.length > 0)) words.push(name);
  }
  return [...new Set(words)].join(' · ');
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** The schema's wording where a person would say it shorter. */
export function plainMessage(message: string): string {
  if (message === 'Invalid UUID') return 'choose one';
  if (message === 'Invalid URL') return 'enter a full http(s):// address';
  if (/^Too small: expected string/.test(message)) return 'fill this in';
  if (/^Invalid input: expected \w+, received undefined/.test(message)) return 'fill this in';
  const atLeast = /^Too small: expected number to be >=(\d+)/.exec(message);
  if (atLeast) return `at least ${atLeast[1]}`;
  const atMost = /^Too big: expected number to be <=(\d+)/.exec(message);
  if (atMost) return `at most ${atMost[1]}`;
  return message;
}

/** One readable line: "Template: no such template in this organization". */
export function problemText(problem: FlowProblem): string {
  const field = problemField(problem);
  const message = plainMessage(problem.message);
  return field ? `${field}: ${message}` : capitalize(message);
}

/**
 * Drops graph problems that only exist because a step's settings are incomplete: the API leaves
 * a step it cannot parse out of its graph checks, so "connect the trigger" and "no path reaches
 * this step" appear on a canvas that is connected. The canvas's own graph decides those two;
 * publishing still validates everything on the server.
 */
export function withoutCascades(
  problems: readonly FlowProblem[],
  steps: readonly { id: string; type: string }[],
  edges: readonly { source: string; target: string }[],
): FlowProblem[] {
  const trigger = steps.find((s) => s.type === 'trigger');
  if (!trigger) return [...problems];
  const reached = new Set([trigger.id]);
  const stack = [trigger.id];
  while (stack.length > 0) {
    const from = stack.pop()!;
    for (const edge of edges) {
      if (edge.source === from && !reached.has(edge.target)) {
        reached.add(edge.target);
        stack.push(edge.target);
      }
    }
  }
  const hasFirstStep = edges.some((e) => e.source === trigger.id);
  return problems.filter((p) => {
    if (p.message === 'connect the trigger to the first step') return !hasFirstStep;
    if (p.message === 'no path from the trigger reaches this step' && p.nodeId)
      return !reached.has(p.nodeId);
    return true;
  });
}

/** A problem's message under its own field, as a sentence. */
export const fieldMessage = (message: string): string => capitalize(plainMessage(message));
