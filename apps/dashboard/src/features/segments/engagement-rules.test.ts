import { describe, expect, it } from 'vitest';
import { findEngagementProblem } from './engagement-rules';
import {
  changeOp,
  newCondition,
  newGroup,
  parseDefinition,
  resetForType,
  serialize,
  type ConditionDraft,
  type ValueType,
} from './rules';

const fieldTypes = new Map<string, ValueType>([['seats', 'number']]);
const CAMPAIGN = '0190a1a2-0000-7000-8000-000000000001';

describe('engagement conditions', () => {
  const engagement = (overrides: Partial<ConditionDraft>) =>
    newCondition({ subject: 'engagement', op: 'has', engagement: 'opened', ...overrides });

  it('turns engagement drafts into the API definition, with campaign and window when chosen', () => {
    const root = newGroup('all', [
      engagement({ period: 'within', withinDays: ' 30 ' }),
      engagement({ op: 'has_not', engagement: 'clicked', campaignId: CAMPAIGN }),
      // A window typed but not chosen is not sent.
      { ...engagement({ engagement: 'received', withinDays: '7' }), negate: true },
    ]);
    const { definition, problems } = serialize(root, fieldTypes);
    expect(problems.size).toBe(0);
    expect(definition).toEqual({
      all: [
        { engagement: 'opened', op: 'has', withinDays: 30 },
        { engagement: 'clicked', op: 'has_not', campaign: CAMPAIGN },
        { not: { engagement: 'received', op: 'has' } },
      ],
    });
  });

  it('leaves a rule with a wrong window out of the count, and says so as it is typed', () => {
    for (const withinDays of ['', '0', '1.5', '-3', '36501']) {
      const draft = engagement({ period: 'within', withinDays });
      const { definition, problems } = serialize(newGroup('all', [draft]), fieldTypes);
      expect(problems.get(draft.id)).toBe('Enter a number of days, 1 or more.');
      expect(definition).toBeNull();
      expect(findEngagementProblem(draft)?.isMistake).toBe(withinDays !== '');
    }
    expect(findEngagementProblem(engagement({ period: 'ever', withinDays: '' }))).toBeNull();
  });

  it('reads saved engagement conditions back into drafts that serialize to the same JSON', () => {
    const definition = {
      any: [
        { engagement: 'opened', op: 'has', withinDays: 30 },
        { engagement: 'clicked', op: 'has_not', campaign: CAMPAIGN },
        { not: { engagement: 'received', op: 'has', campaign: CAMPAIGN, withinDays: 7 } },
      ],
    };
    const root = parseDefinition(definition, fieldTypes);
    const [opened, clicked, received] = root.children as ConditionDraft[];
    expect(opened).toMatchObject({
      subject: 'engagement',
      op: 'has',
      engagement: 'opened',
      campaignId: '',
      period: 'within',
      withinDays: '30',
    });
    expect(clicked).toMatchObject({
      op: 'has_not',
      engagement: 'clicked',
      campaignId: CAMPAIGN,
      period: 'ever',
    });
    expect(received).toMatchObject({ negate: true, engagement: 'received', withinDays: '7' });
    expect(serialize(root, fieldTypes).definition).toEqual(definition);
  });

  it('starts a rule switched to "Engagement" at "has opened any campaign ever"', () => {
    const fresh = resetForType(
      { ...newCondition({ field: 'email', value: 'x' }), subject: 'engagement' },
      'engagement',
    );
    expect(fresh).toMatchObject({
      op: 'has',
      engagement: 'opened',
      campaignId: '',
      period: 'ever',
    });
    expect(serialize(newGroup('all', [fresh]), fieldTypes).definition).toEqual({
      all: [{ engagement: 'opened', op: 'has' }],
    });
    expect(changeOp(fresh, 'engagement', 'has_not')).toMatchObject({
      op: 'has_not',
      engagement: 'opened',
    });
  });
});

describe('conditions the builder does not know', () => {
  it('keeps them as advanced rules that save back unchanged, never as another rule', () => {
    const unknown = [
      { purchase: 'shoes', op: 'has' },
      { engagement: 'replied', op: 'has' },
      { engagement: 'opened', op: 'has', link: 'https://x.test' },
      { field: 'email', op: 'matches', value: '.*' },
      { field: 'birthday', op: 'eq', value: '2000-01-01' },
      { attribute: 'seats', op: 'contains', value: '1' },
      { tag: 'vip', op: 'has', since: '2025-01-01' },
      { event: 'Order Completed', op: 'first_after', daysAgo: 3 },
      {
        event: 'Order Completed',
        op: 'at_least',
        count: 1,
        where: [{ property: 'total', op: 'regex', value: '^1' }],
      },
      'email is set',
    ];
    const definition = {
      all: [
        { tag: 'vip', op: 'has' },
        ...unknown,
        { not: { purchase: 'hats', op: 'has' } },
        { any: [{ score: 10 }] },
      ],
    };
    const root = parseDefinition(definition, fieldTypes);
    const subjects = root.children.map((c) => (c.kind === 'condition' ? c.subject : c.kind));
    expect(subjects).toEqual(['tag', ...unknown.map(() => 'advanced'), 'advanced', 'group']);
    expect(root.children[root.children.length - 2]).toMatchObject({ negate: true });
    const { definition: saved, problems } = serialize(root, fieldTypes);
    expect(problems.size).toBe(0);
    expect(saved).toEqual(definition);
  });
});
