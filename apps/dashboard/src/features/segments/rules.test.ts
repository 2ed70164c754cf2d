import { describe, expect, it } from 'vitest';
import {
  changeOp,
  draftForPath,
  newCondition,
  newGroup,
  parseDefinition,
  serialize,
  updateDraft,
  type ConditionDraft,
  type GroupDraft,
  type ValueType,
} from './rules';

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
});
