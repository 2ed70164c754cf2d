import { describe, expect, it } from 'vitest';
import { FlowGraph, parseFlowDefinition } from './flow-graph.js';
import { matchesFilter, readPath } from './flow-match.js';
import { chooseSplit } from './flow-steps/branch.step.js';
import { nextTimeOfDay, zonedTime } from './flow-time.js';

const TEMPLATE = '0190c6a4-1111-7000-8000-000000000001';
const at = (x: number, y: number) => ({ x, y });

function definition(nodes: object[], edges: object[], extra: object = {}) {
  return {
    reEntry: 'once',
    exitConditions: [],
    nodes: [
      { id: 'trigger', type: 'trigger', position: at(0, 0), config: { type: 'manual' } },
      ...nodes,
    ],
    edges,
    ...extra,
  };
}

const problemsOf = (raw: unknown) => parseFlowDefinition(raw).problems;

describe('flow definition', () => {
  it('accepts a canvas graph and says where each handle leads', () => {
    const raw = definition(
      [
        {
          id: 'mail',
          type: 'send_email',
          position: at(0, 1),
          config: { templateId: TEMPLATE },
          measured: { width: 10 },
        },
        {
          id: 'split',
          type: 'random_split',
          position: at(0, 2),
          config: {
            branches: [
              { id: 'a', percent: 50 },
              { id: 'b', percent: 50 },
            ],
          },
        },
        { id: 'done', type: 'exit', position: at(0, 3) },
      ],
      [
        { id: 'e1', source: 'trigger', target: 'mail', sourceHandle: null },
        { id: 'e2', source: 'mail', target: 'split' },
        { id: 'e3', source: 'split', sourceHandle: 'a', target: 'done' },
      ],
    );
    const { definition: parsed, problems } = parseFlowDefinition(raw);
    expect(problems).toEqual([]);
    const graph = new FlowGraph(parsed!);
    expect(graph.entry).toBe('mail');
    expect(graph.target('split', 'a')).toBe('done');
    // An unconnected way out: the run ends there.
    expect(graph.target('split', 'b')).toBeNull();
    expect(parsed!.nodes[1]).not.toHaveProperty('measured');
  });

  it('names the node or edge of every problem', () => {
    const problems = problemsOf(
      definition(
        [
          { id: 'mail', type: 'send_email', position: at(0, 1), config: { templateId: 'nope' } },
          { id: 'branch', type: 'branch', position: at(0, 2), config: { conditions: [] } },
          {
            id: 'split',
            type: 'random_split',
            position: at(0, 3),
            config: {
              branches: [
                { id: 'a', percent: 60 },
                { id: 'b', percent: 30 },
              ],
            },
          },
          { id: 'orphan', type: 'exit', position: at(0, 4) },
          { id: 'end', type: 'exit', position: at(0, 5) },
        ],
        [
          { id: 'e1', source: 'trigger', target: 'mail' },
          { id: 'e2', source: 'mail', target: 'split' },
          { id: 'e3', source: 'split', sourceHandle: 'zzz', target: 'end' },
          { id: 'e4', source: 'split', sourceHandle: 'a', target: 'ghost' },
          { id: 'e5', source: 'end', target: 'mail' },
          { id: 'e6', source: 'split', sourceHandle: 'b', target: 'trigger' },
        ],
      ),
    );
    const byNode = (id: string) => problems.filter((p) => p.nodeId === id).map((p) => p.message);
    expect(byNode('mail').join()).toMatch(/UUID/i);
    expect(byNode('branch').length).toBeGreaterThan(0);
    expect(byNode('split')).toContain('percentages add up to 90, not 100');
    expect(byNode('split').join()).toMatch(/sourceHandle must be one of a, b/);
    expect(byNode('orphan')).toContain('no path from the trigger reaches this step');
    expect(byNode('end').join()).toMatch(/ends the run/);
    expect(problems.find((p) => p.edgeId === 'e4')!.message).toMatch(/ghost, which does not exist/);
    expect(problems.find((p) => p.edgeId === 'e6')!.message).toMatch(/back into the trigger/);
  });

  it('refuses a loop without a wait, allows one with a wait', () => {
    const tag = (id: string, y: number) => ({
      id,
      type: 'update_contact',
      position: at(0, y),
      config: { actions: [{ type: 'add_tag', tag: id }] },
    });
    const loop = (middle: object) =>
      definition(
        [tag('a', 1), middle, tag('c', 3)],
        [
          { id: 'e1', source: 'trigger', target: 'a' },
          { id: 'e2', source: 'a', target: 'b' },
          { id: 'e3', source: 'b', target: 'c' },
          { id: 'e4', source: 'c', target: 'a' },
        ],
      );
    const spinning = problemsOf(loop(tag('b', 2)));
    expect(spinning.map((p) => p.nodeId).sort()).toEqual(['a', 'b', 'c']);
    expect(spinning[0]!.message).toMatch(/loop without a wait/);
    const paused = problemsOf(
      loop({
        id: 'b',
        type: 'wait',
        position: at(0, 2),
        config: { mode: 'duration', duration: { amount: 1, unit: 'days' } },
      }),
    );
    expect(paused).toEqual([]);
  });

  it('needs exactly one trigger connected to a first step', () => {
    expect(problemsOf(definition([], [])).map((p) => [p.nodeId, p.message])).toEqual([
      ['trigger', 'connect the trigger to the first step'],
    ]);
    expect(problemsOf({ nodes: [], edges: [] })[0]!.message).toMatch(/exactly one trigger/);
    expect(problemsOf('nope')[0]!.path).toBe('');
    const two = problemsOf(
      definition(
        [{ id: 't2', type: 'trigger', position: at(1, 1), config: { type: 'contact_created' } }],
        [{ id: 'e1', source: 'trigger', target: 't2' }],
      ),
    );
    expect(two.map((p) => p.message)).toContain('a flow has exactly one trigger');
  });
});

describe('flow helpers', () => {
  it('reads dotted paths and applies property filters', () => {
    const data = { order: { total: '42.5', items: [{ sku: 'A1' }] }, plan: 'pro', tags: ['x'] };
    expect(readPath(data, 'order.items.0.sku')).toBe('A1');
    expect(readPath(data, '$.order.items[0].sku')).toBe('A1');
    expect(readPath(data, 'order.constructor')).toBeUndefined();
    expect(matchesFilter(data, [{ path: 'order.total', op: 'gt', value: 40 }])).toBe(true);
    expect(matchesFilter(data, [{ path: 'plan', op: 'in', value: ['free', 'pro'] }])).toBe(true);
    expect(matchesFilter(data, [{ path: 'tags', op: 'contains', value: 'x' }])).toBe(true);
    expect(matchesFilter(data, [{ path: 'missing', op: 'not_exists' }])).toBe(true);
    expect(matchesFilter(data, [{ path: 'plan', op: 'eq', value: 'free' }])).toBe(false);
    expect(matchesFilter(data, [])).toBe(true);
  });

  it('splits runs at random in the configured proportions, the same way every time', () => {
    const config = {
      branches: [
        { id: 'a', percent: 30 },
        { id: 'b', percent: 70 },
        { id: 'c', percent: 0 },
      ],
    };
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 10_000; i++) counts[chooseSplit(config, `run-${i}:split:1`).branchId]! += 1;
    expect(counts.a! / 10_000).toBeGreaterThan(0.27);
    expect(counts.a! / 10_000).toBeLessThan(0.33);
    expect(counts.c).toBe(0);
    expect(chooseSplit(config, 'same').branchId).toBe(chooseSplit(config, 'same').branchId);
  });

  it('finds times of day in a timezone', () => {
    expect(zonedTime('2024-07-01', '09:00', 'Europe/Paris').toISOString()).toBe(
      '2024-07-01T07:00:00.000Z',
    );
    expect(zonedTime('2024-01-15', '09:00', 'America/New_York').toISOString()).toBe(
      '2024-01-15T14:00:00.000Z',
    );
    // 10:00 in Paris is past 09:00: the next 09:00 is tomorrow.
    const from = new Date('2024-07-01T08:00:00Z');
    expect(nextTimeOfDay(from, '09:00', 'Europe/Paris').toISOString()).toBe(
      '2024-07-02T07:00:00.000Z',
    );
    // Only Mondays (2024-07-01 is a Monday; the next one is the 8th).
    expect(nextTimeOfDay(from, '09:00', 'Europe/Paris', [1]).toISOString()).toBe(
      '2024-07-08T07:00:00.000Z',
    );
  });
});
