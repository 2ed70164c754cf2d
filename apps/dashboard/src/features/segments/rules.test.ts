import { describe, expect, it } from 'vitest';
import {
  changeOp,
  draftForPath,
  newCondition,
  newGroup,
  parseDefinition,
  resetForType,
  serialize,
  updateDraft,
  type ConditionDraft,
  type GroupDraft,
  type ValueType,
} from './rules';
import { findEventProblem, newPropertyFilter } from './event-rules';

const fieldTypes = new Map<string, ValueType>([
  ['plan', 'string'],
  ['seats', 'number'],
  ['trial', 'boolean'],
  ['renews_on', 'date'],
]);

describe('segment rules', () => {
  it('turns drafts into the API definition, typed by custom fields', () => {
    const root = newGroup('all', [
      newCondition({ field: 'email', op: 'ends_with', value: '@x.com' }),
      newCondition({
        subject: 'attribute',
        attribute: 'seats',
        op: 'between',
        value: '2',
        value2: '10',
      }),
      newCondition({ subject: 'attribute', attribute: 'trial', op: 'eq', value: 'false' }),
      newCondition({ subject: 'attribute', attribute: 'seats', op: 'in', value: '1, 2 ,3' }),
      newCondition({ field: 'createdAt', op: 'within_last', value: '30' }),
      newCondition({ field: 'status', op: 'in', statuses: ['subscribed', 'bounced'] }),
      { ...newCondition({ subject: 'tag', op: 'has', value: ' vip ' }), negate: true },
      newGroup('any', [
        newCondition({ subject: 'list', op: 'in', value: 'list-1' }),
        newCondition({ subject: 'attribute', attribute: 'renews_on', op: 'is_empty' }),
      ]),
    ]);
    const { definition, problems } = serialize(root, fieldTypes);
    expect(problems.size).toBe(0);
    expect(definition).toEqual({
      all: [
        { field: 'email', op: 'ends_with', value: '@x.com' },
        { attribute: 'seats', op: 'between', value: [2, 10] },
        { attribute: 'trial', op: 'eq', value: false },
        { attribute: 'seats', op: 'in', value: [1, 2, 3] },
        { field: 'createdAt', op: 'within_last', value: 30 },
        { field: 'status', op: 'in', value: ['subscribed', 'bounced'] },
        { not: { tag: 'vip', op: 'has' } },
        {
          any: [
            { list: 'list-1', op: 'in' },
            { attribute: 'renews_on', op: 'is_empty' },
          ],
        },
      ],
    });
  });

  it('leaves unfinished rules out, says why, and drops groups they leave empty', () => {
    const unfinished = newCondition({
      subject: 'attribute',
      attribute: 'seats',
      op: 'gt',
      value: '',
    });
    const emptyList = newCondition({ subject: 'list', op: 'in', value: '' });
    const done = newCondition({ subject: 'tag', op: 'has', value: 'vip' });
    const root = newGroup('all', [unfinished, newGroup('any', [emptyList]), done]);
    const { definition, problems, nodeAt } = serialize(root, fieldTypes);
    expect(definition).toEqual({ all: [{ tag: 'vip', op: 'has' }] });
    expect(problems.get(unfinished.id)).toBe('Enter a number.');
    expect(problems.get(emptyList.id)).toBe('Choose a list.');
    // Paths follow what was sent, not the drafts' positions.
    expect(nodeAt.get('definition.all.0')).toBe(done.id);
    expect(serialize(newGroup(), fieldTypes).definition).toBeNull();
  });

  it('points an error path at the deepest draft on it, through negations', () => {
    const first = newCondition({ subject: 'tag', op: 'has', value: 'a' });
    const second = {
      ...newCondition({ subject: 'segment', op: 'in', value: 'seg-1' }),
      negate: true,
    };
    const nested = newCondition({ field: 'locale', op: 'eq', value: 'en' });
    const group: GroupDraft = { ...newGroup('any', [nested]), negate: true };
    const root = newGroup('all', [first, second, group]);
    const { nodeAt } = serialize(root, fieldTypes);
    expect(draftForPath('definition.all.0.tag', nodeAt)).toBe(first.id);
    expect(draftForPath('definition.all.1.not.segment.any.3.value', nodeAt)).toBe(second.id);
    expect(draftForPath('definition.all.2.not.any.0.value', nodeAt)).toBe(nested.id);
    expect(draftForPath('definition.all.2', nodeAt)).toBe(group.id);
    expect(draftForPath('definition', nodeAt)).toBe(root.id);
    expect(draftForPath('name', nodeAt)).toBeNull();
  });

  it('reads a saved definition back into drafts that serialize to the same JSON', () => {
    const definition = {
      not: {
        any: [
          { field: 'status', op: 'eq', value: 'bounced' },
          { attribute: 'renews_on', op: 'between', value: ['2025-01-01', '2025-02-01T00:00:00Z'] },
          { not: { attribute: 'seats', op: 'in', value: [1, 2] } },
          { segment: '0190a1a2-0000-7000-8000-000000000000', op: 'not_in' },
        ],
      },
    };
    const root = parseDefinition(definition, fieldTypes);
    expect(root.negate).toBe(true);
    expect(serialize(root, fieldTypes).definition).toEqual({
      not: {
        any: [
          { field: 'status', op: 'eq', value: 'bounced' },
          { attribute: 'renews_on', op: 'between', value: ['2025-01-01', '2025-02-01'] },
          { not: { attribute: 'seats', op: 'in', value: [1, 2] } },
          { segment: '0190a1a2-0000-7000-8000-000000000000', op: 'not_in' },
        ],
      },
    });
    // A bare condition still opens inside a group, where rules can be added next to it.
    const single = parseDefinition({ tag: 'vip', op: 'has' }, fieldTypes);
    expect(single.kind).toBe('group');
    expect(single.children).toHaveLength(1);
  });

  it('keeps values that still fit when the operator changes', () => {
    const days = newCondition({ field: 'createdAt', op: 'within_last', value: '7' });
    expect(changeOp(days, 'date', 'more_than_ago').value).toBe('7');
    expect(changeOp(days, 'date', 'gt').value).toBe('');
    const status = newCondition({ field: 'status', op: 'eq', value: 'bounced' });
    expect(changeOp(status, 'status', 'in').statuses).toEqual(['bounced']);
  });

  it('updates and removes drafts anywhere in the tree without touching the rest', () => {
    const keep = newCondition({ subject: 'tag', value: 'a', op: 'has' });
    const target = newCondition({ subject: 'tag', value: 'b', op: 'has' });
    const inner = newGroup('any', [target]);
    const root = newGroup('all', [keep, inner]);
    const changed = updateDraft(root, target.id, (d) => ({ ...(d as ConditionDraft), value: 'c' }));
    expect(changed.children[0]).toBe(keep);
    expect(((changed.children[1] as GroupDraft).children[0] as ConditionDraft).value).toBe('c');
    const removed = updateDraft(root, inner.id, () => null);
    expect(removed.children).toEqual([keep]);
  });

  describe('event conditions', () => {
    const event = (overrides: Partial<ConditionDraft>) =>
      newCondition({ subject: 'event', event: 'Order Completed', op: 'at_least', ...overrides });

    it('turns event drafts into counts, windows, last-performed dates and property filters', () => {
      const root = newGroup('all', [
        event({
          event: ' Order Completed ',
          value: '2',
          period: 'within',
          withinDays: '30',
          where: [
            newPropertyFilter({ property: 'total', op: 'gt', value: '50' }),
            newPropertyFilter({ property: 'order.currency', op: 'eq', value: 'EUR' }),
            newPropertyFilter({ property: 'gift', op: 'neq', value: 'true' }),
            newPropertyFilter({ property: 'coupon', op: 'contains', value: ' 10 ' }),
            newPropertyFilter({ property: 'paid_at', op: 'gte', value: '2025-01-01' }),
          ],
        }),
        // A window typed but not chosen is not sent.
        event({ op: 'exactly', value: '0', period: 'ever', withinDays: '7' }),
        event({ event: 'Signed In', op: 'last_before_days', value: '30' }),
        event({ event: 'Signed In', op: 'last_after_days', value: '0' }),
        { ...event({ op: 'last_before', value: '2025-05-01' }), negate: true },
        event({ op: 'last_after', value: '2025-05-01' }),
      ]);
      const { definition, problems } = serialize(root, fieldTypes);
      expect(problems.size).toBe(0);
      expect(definition).toEqual({
        all: [
          {
            event: 'Order Completed',
            op: 'at_least',
            count: 2,
            withinDays: 30,
            where: [
              { property: 'total', op: 'gt', value: 50 },
              { property: 'order.currency', op: 'eq', value: 'EUR' },
              { property: 'gift', op: 'neq', value: true },
              { property: 'coupon', op: 'contains', value: '10' },
              { property: 'paid_at', op: 'gte', value: '2025-01-01' },
            ],
          },
          { event: 'Order Completed', op: 'exactly', count: 0 },
          { event: 'Signed In', op: 'last_before', daysAgo: 30 },
          { event: 'Signed In', op: 'last_after', daysAgo: 0 },
          { not: { event: 'Order Completed', op: 'last_before', date: '2025-05-01' } },
          { event: 'Order Completed', op: 'last_after', date: '2025-05-01' },
        ],
      });
    });

    it('says what an unfinished event rule is missing and leaves it out', () => {
      const cases: [Partial<ConditionDraft>, string][] = [
        [{ event: '  ' }, 'Enter an event name, e.g. Order Completed.'],
        [{ value: '0' }, 'Enter how many times: a whole number, 1 or more.'],
        [{ op: 'at_most', value: '1.5' }, 'Enter how many times: a whole number, 0 or more.'],
        [{ op: 'exactly', value: '-1' }, 'Enter how many times: a whole number, 0 or more.'],
        [{ value: '2', period: 'within', withinDays: '0' }, 'Enter a number of days, 1 or more.'],
        [{ op: 'last_before_days', value: '' }, 'Enter a number of days.'],
        [{ op: 'last_after', value: '' }, 'Pick a date.'],
        [
          { value: '1', where: [newPropertyFilter({ value: '5' })] },
          'Name the event property to filter on, e.g. total.',
        ],
        [
          { value: '1', where: [newPropertyFilter({ property: 'order..total', value: '5' })] },
          'Write nested properties as order.total, without empty parts (“order..total”).',
        ],
        [
          {
            value: '1',
            where: [newPropertyFilter({ property: 'total', op: 'gt', value: 'lots' })],
          },
          'Compare “total” with a number or a date (YYYY-MM-DD).',
        ],
        [
          { value: '1', where: [newPropertyFilter({ property: 'plan', value: ' ' })] },
          'Enter a value for “plan”.',
        ],
      ];
      // Only a wrong number is worth saying before save; the rest is still being typed.
      expect(findEventProblem(event({ value: '1.5' }))?.isMistake).toBe(true);
      expect(findEventProblem(event({ value: '' }))?.isMistake).toBe(false);
      expect(findEventProblem(event({ event: '' }))?.isMistake).toBe(false);
      for (const [overrides, message] of cases) {
        const draft = event(overrides);
        const { definition, problems } = serialize(newGroup('all', [draft]), fieldTypes);
        expect(problems.get(draft.id)).toBe(message);
        expect(definition).toBeNull();
      }
    });

    it('reads saved event conditions back into drafts that serialize to the same JSON', () => {
      const definition = {
        any: [
          {
            event: 'Order Completed',
            op: 'at_least',
            count: 2,
            withinDays: 30,
            where: [
              { property: 'total', op: 'gt', value: 50 },
              { property: 'plan', op: 'eq', value: 'pro' },
              { property: 'trial', op: 'eq', value: false },
            ],
          },
          { event: 'Order Completed', op: 'at_most', count: 0 },
          { not: { event: 'Signed In', op: 'last_before', daysAgo: 30 } },
          { event: 'Signed In', op: 'last_after', date: '2025-05-01' },
        ],
      };
      const root = parseDefinition(definition, fieldTypes);
      const [counted, none, signedIn, since] = root.children as ConditionDraft[];
      expect(counted).toMatchObject({
        subject: 'event',
        event: 'Order Completed',
        op: 'at_least',
        value: '2',
        period: 'within',
        withinDays: '30',
      });
      expect(counted!.where.map(({ property, op, value }) => [property, op, value])).toEqual([
        ['total', 'gt', '50'],
        ['plan', 'eq', 'pro'],
        ['trial', 'eq', 'false'],
      ]);
      expect(none).toMatchObject({ op: 'at_most', value: '0', period: 'ever' });
      expect(signedIn).toMatchObject({ negate: true, op: 'last_before_days', value: '30' });
      expect(since).toMatchObject({ op: 'last_after', value: '2025-05-01' });
      expect(serialize(root, fieldTypes).definition).toEqual(definition);
      // A date-time from another client opens as its day.
      const timed = parseDefinition(
        { event: 'Signed In', op: 'last_before', date: '2025-05-01T10:00:00Z' },
        fieldTypes,
      );
      expect(serialize(timed, fieldTypes).definition).toEqual({
        all: [{ event: 'Signed In', op: 'last_before', date: '2025-05-01' }],
      });
    });

    it('keeps the count, days or date while the operator takes the same kind of value', () => {
      const counted = event({ value: '3' });
      expect(changeOp(counted, 'event', 'exactly').value).toBe('3');
      expect(changeOp(counted, 'event', 'last_before_days').value).toBe('30');
      const days = event({ op: 'last_before_days', value: '7' });
      expect(changeOp(days, 'event', 'last_after_days').value).toBe('7');
      expect(changeOp(days, 'event', 'last_after').value).toBe('');
      expect(changeOp(days, 'event', 'at_least').value).toBe('1');
      // Switching a rule to "Event" starts from "performed at least 1 time".
      const fresh = resetForType(
        { ...newCondition({ field: 'email', value: 'x' }), subject: 'event' },
        'event',
      );
      expect(fresh).toMatchObject({ op: 'at_least', value: '1', event: '' });
    });
  });
});
