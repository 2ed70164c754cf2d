import type {
  BranchCondition,
  Duration,
  PropertyCondition,
  Step,
  TriggerConfig,
  UpdateAction,
  WaitConfig,
} from './definition';

/** Names the summaries show instead of ids. */
export interface NameLookups {
  template: (id: string) => string | undefined;
  segment: (id: string) => string | undefined;
  list: (id: string) => string | undefined;
  sender: (id: string) => string | undefined;
}

export const NO_LOOKUPS: NameLookups = {
  template: () => undefined,
  segment: () => undefined,
  list: () => undefined,
  sender: () => undefined,
};

const OP_WORDS: Record<PropertyCondition['op'], string> = {
  eq: '=',
  neq: '≠',
  gt: '>',
  gte: '≥',
  lt: '<',
  lte: '≤',
  contains: 'contains',
  in: 'is one of',
  exists: 'is set',
  not_exists: 'is not set',
};

export const opWord = (op: PropertyCondition['op']): string => OP_WORDS[op] ?? op;

export function formatDuration(duration: Duration | undefined): string {
  if (!duration || !duration.amount) return '…';
  const unit = duration.amount === 1 ? duration.unit.replace(/s$/, '') : duration.unit;
  return `${duration.amount} ${unit}`;
}

const valueText = (value: PropertyCondition['value']) =>
  Array.isArray(value) ? value.join(', ') : value === undefined ? '' : String(value);

export function describeCondition(condition: PropertyCondition): string {
  const op = opWord(condition.op);
  return condition.op === 'exists' || condition.op === 'not_exists'
    ? `${condition.path} ${op}`
    : `${condition.path} ${op} ${valueText(condition.value)}`;
}

const withFilter = (text: string, filter: PropertyCondition[] | undefined) =>
  filter && filter.length > 0
    ? `${text} where ${filter.length === 1 ? describeCondition(filter[0]!) : `${filter.length} conditions`}`
    : text;

const name = (value: string | undefined, fallback: string) => value || fallback;

const DAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

function describeDateOffset(config: {
  attribute: string;
  offsetDays?: number | undefined;
  direction?: 'before' | 'after' | undefined;
  at?: string | undefined;
}): string {
  const days = config.offsetDays ?? 0;
  const when =
    days === 0
      ? 'On'
      : `${days} day${days === 1 ? '' : 's'} ${config.direction === 'after' ? 'after' : 'before'}`;
  return `${when} ${name(config.attribute, '…')} at ${config.at ?? '09:00'}`;
}

export function describeTrigger(config: TriggerConfig, names: NameLookups): string {
  switch (config.type) {
    case 'event':
      return withFilter(`When “${name(config.name, '…')}” happens`, config.propertyFilter);
    case 'segment_entered':
      return `When a contact enters ${names.segment(config.segmentId) ?? 'a segment'}`;
    case 'contact_created':
      return 'When a contact is created';
    case 'date_attribute':
      return `${describeDateOffset(config)}${config.yearly ? ', every year' : ''}`;
    case 'list_added':
      return `When added to ${names.list(config.listId) ?? 'a list'}`;
    case 'manual':
      return 'Manually or through the API';
    default:
      return 'Choose what starts the flow';
  }
}

function describeWait(config: WaitConfig): string {
  switch (config.mode) {
    case 'duration':
      return `Wait ${formatDuration(config.duration)}`;
    case 'time_of_day': {
      const days =
        config.days && config.days.length > 0 && config.days.length < 7
          ? ` on ${config.days.map((d) => DAY_NAMES[d - 1]).join(', ')}`
          : '';
      return `Until ${config.at || '…'}${days}`;
    }
    case 'date_attribute':
      return `Until ${describeDateOffset(config).replace(/^On /, '')}`;
    default:
      return 'Choose how long';
  }
}

function describeBranchCondition(condition: BranchCondition, names: NameLookups): string {
  switch (condition.type) {
    case 'email':
      return `${condition.op === 'has_not' ? 'Did not' : 'Has'} ${condition.action === 'clicked' ? 'clicked' : 'opened'} ${condition.stepId ? condition.stepId : 'the last email'}`;
    case 'segment':
      return `${condition.op === 'not_in' ? 'Not in' : 'In'} ${names.segment(condition.segmentId) ?? 'a segment'}`;
    case 'trigger':
      return `Trigger ${describeCondition(condition)}`;
    case 'rules':
      return 'Matches contact rules';
    default:
      return 'A condition';
  }
}

function describeAction(action: UpdateAction, names: NameLookups): string {
  switch (action.type) {
    case 'set_attribute':
      return `Set ${name(action.attribute, '…')} = ${String(action.value ?? '')}`;
    case 'unset_attribute':
      return `Clear ${name(action.attribute, '…')}`;
    case 'add_tag':
      return `Tag “${name(action.tag, '…')}”`;
    case 'remove_tag':
      return `Untag “${name(action.tag, '…')}”`;
    case 'add_to_list':
      return `Add to ${names.list(action.listId) ?? 'a list'}`;
    case 'remove_from_list':
      return `Remove from ${names.list(action.listId) ?? 'a list'}`;
    case 'unsubscribe':
      return 'Unsubscribe';
    default:
      return 'An update';
  }
}

/** One line saying what a step does, for its node on the canvas. */
export function summarizeStep(step: Step, names: NameLookups): string {
  switch (step.type) {
    case 'trigger':
      return describeTrigger(step.config, names);
    case 'send_email': {
      const template = step.config.templateId
        ? (names.template(step.config.templateId) ?? 'A deleted template')
        : 'Choose a template';
      return step.config.subject ? `${template} · “${step.config.subject}”` : template;
    }
    case 'wait':
      return describeWait(step.config);
    case 'wait_for_event':
      return withFilter(
        `“${name(step.config.name, '…')}” within ${formatDuration(step.config.timeout)}`,
        step.config.propertyFilter,
      );
    case 'branch': {
      const conditions = step.config.conditions ?? [];
      if (conditions.length === 0) return 'Add a condition';
      if (conditions.length === 1) return describeBranchCondition(conditions[0]!, names);
      return `${step.config.match === 'any' ? 'Any' : 'All'} of ${conditions.length} conditions`;
    }
    case 'random_split':
      return (step.config.branches ?? [])
        .map((b) => `${b.label || b.id} ${b.percent} %`)
        .join(' / ');
    case 'update_contact': {
      const actions = step.config.actions ?? [];
      if (actions.length === 0) return 'Add an update';
      const first = describeAction(actions[0]!, names);
      return actions.length === 1 ? first : `${first} and ${actions.length - 1} more`;
    }
    case 'webhook': {
      const url = step.config.url ? step.config.url.replace(/^https?:\/\//, '') : 'Enter a URL';
      return `${step.config.method ?? 'POST'} ${url}`;
    }
    case 'exit':
      return 'The run ends here';
    default:
      return '';
  }
}
