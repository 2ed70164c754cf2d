import { describe, expect, it } from 'vitest';
import {
  pathOnCanvas,
  positionBelow,
  fromCanvas,
  toCanvasEdges,
  toCanvasNodes,
} from './canvas-model';
import { problemsByNode } from './canvas-context';
import {
  canConnect,
  freeHandle,
  handlesOf,
  newStep,
  nextId,
  pruneEdges,
  readDefinition,
  toDefinitionJson,
  type Step,
} from './definition';
import { problemField, problemText } from './problem-text';
import { NO_LOOKUPS, summarizeStep } from './step-summary';

const STORED = {
  reEntry: 'once_at_a_time',
  exitConditions: [{ type: 'event', name: 'Order Completed', propertyFilter: [] }],
  nodes: [
    {
      id: 'trigger',
      type: 'trigger',
      position: { x: 0, y: 0 },
      config: { type: 'event', name: 'signed_up' },
    },
    {
      id: 'welcome',
      type: 'send_email',
      position: { x: 0, y: 150 },
      label: 'Welcome',
      config: { templateId: 't1', senderId: null, subject: null },
      measured: { width: 272, height: 80 },
      selected: true,
    },
    {
      id: 'opened',
      type: 'branch',
      position: { x: 0, y: 300 },
      config: { match: 'all', conditions: [{ type: 'email', action: 'opened' }] },
    },
    { id: 'done', type: 'exit', position: { x: 200, y: 450 }, config: {} },
    { id: 'ghost', type: 'teleport', position: { x: 0, y: 0 }, config: {} },
  ],
  edges: [
    { id: 'e1', source: 'trigger', target: 'welcome' },
    { id: 'e2', source: 'welcome', target: 'opened', sourceHandle: null },
    { id: 'e3', source: 'opened', sourceHandle: 'yes', target: 'done', animated: true },
  ],
};

describe('flow definitions on the canvas', () => {
  it('reads a stored draft and writes back only what the API schema knows', () => {
    const definition = readDefinition(STORED);
    expect(definition.reEntry).toBe('once_at_a_time');
    expect(definition.nodes.map((n) => n.id)).toEqual(['trigger', 'welcome', 'opened', 'done']);
    const canvas = fromCanvas(toCanvasNodes(definition), toCanvasEdges(definition.edges));
    const json = toDefinitionJson({ ...definition, ...canvas });
    expect(json.nodes).toEqual([
      {
        id: 'trigger',
        type: 'trigger',
        position: { x: 0, y: 0 },
        config: { type: 'event', name: 'signed_up' },
      },
      {
        id: 'welcome',
        type: 'send_email',
        position: { x: 0, y: 150 },
        label: 'Welcome',
        config: { templateId: 't1', senderId: null, subject: null },
      },
      STORED.nodes[2],
      STORED.nodes[3],
    ]);
    expect(json.edges).toEqual([
      { id: 'e1', source: 'trigger', target: 'welcome' },
      { id: 'e2', source: 'welcome', target: 'opened' },
      { id: 'e3', source: 'opened', sourceHandle: 'yes', target: 'done' },
    ]);
  });

  it('reads anything at all without throwing', () => {
    expect(readDefinition(null)).toEqual({
      reEntry: 'once',
      exitConditions: [],
      nodes: [],
      edges: [],
    });
    expect(readDefinition({ nodes: 'x', edges: [null, 3] }).nodes).toEqual([]);
  });

  it('names handles by step type and refuses edges the API would refuse', () => {
    const { nodes, edges } = readDefinition(STORED);
    const [trigger, welcome, branch, exit] = nodes as [Step, Step, Step, Step];
    expect(handlesOf(branch)).toEqual(['yes', 'no']);
    expect(handlesOf(exit)).toEqual([]);
    expect(handlesOf(welcome)).toEqual([null]);
    expect(freeHandle(branch, edges)).toBe('no');
    expect(freeHandle(welcome, edges)).toBeUndefined();
    expect(canConnect(branch, 'no', welcome, edges)).toBe(true);
    expect(canConnect(branch, 'yes', welcome, edges)).toBe(false);
    expect(canConnect(exit, null, welcome, edges)).toBe(false);
    expect(canConnect(branch, 'no', trigger, edges)).toBe(false);
    expect(canConnect(branch, 'no', branch, edges)).toBe(false);
    expect(canConnect(branch, 'maybe', exit, edges)).toBe(false);
  });

  it('gives new steps unused ids and defaults, and drops edges of removed split branches', () => {
    expect(nextId('email', ['email-1', 'email-2'])).toBe('email-3');
    const split = newStep('random_split', { x: 0, y: 0 }, []);
    expect(split.id).toBe('split-1');
    expect(split.config.branches.reduce((sum, b) => sum + b.percent, 0)).toBe(100);
    const exit = newStep('exit', { x: 0, y: 0 }, []);
    const edges = [
      { id: 'e1', source: 'split-1', sourceHandle: 'a', target: 'exit-1' },
      { id: 'e2', source: 'split-1', sourceHandle: 'b', target: 'exit-1' },
    ];
    const narrowed = { ...split, config: { branches: [{ id: 'a', percent: 100 }] } };
    expect(pruneEdges([narrowed, exit], edges).map((e) => e.id)).toEqual(['e1']);
  });

  it('summarizes each step in one line', () => {
    const { nodes } = readDefinition(STORED);
    const names = {
      ...NO_LOOKUPS,
      template: (id: string) => (id === 't1' ? 'Welcome email' : undefined),
    };
    expect(nodes.map((n) => summarizeStep(n, names))).toEqual([
      'When “signed_up” happens',
      'Welcome email',
      'Has opened the last email',
      'The run ends here',
    ]);
    const wait = newStep('wait', { x: 0, y: 0 }, []);
    expect(summarizeStep(wait, names)).toBe('Wait 1 day');
    expect(summarizeStep(newStep('send_email', { x: 0, y: 0 }, []), names)).toBe(
      'Choose a template',
    );
  });
});

describe('problems and paths on the canvas', () => {
  it('puts problems on their node and says where in the step they are', () => {
    const problems = [
      { nodeId: 'email-1', path: 'nodes.email-1.config.templateId', message: 'Invalid UUID' },
      {
        path: 'nodes.wait-1.config.duration.amount',
        message: 'Too small: expected number to be >=1',
      },
      { path: 'nodes.3.type', message: 'Invalid input' },
      {
        nodeId: 'branch-1',
        path: 'nodes.branch-1.config.conditions.1.segmentId',
        message: 'no such segment in this organization',
      },
    ];
    const byNode = problemsByNode(problems);
    expect([...byNode.keys()]).toEqual(['email-1', 'wait-1', 'branch-1']);
    expect(problemText(problems[0]!)).toBe('Template: choose one');
    expect(problemText(problems[1]!)).toBe('Duration: at least 1');
    expect(problemField(problems[3]!)).toBe('Condition 2 · Segment');
    expect(
      problemText({
        nodeId: 'x',
        path: 'nodes.x',
        message: 'no path from the trigger reaches this step',
      }),
    ).toBe('No path from the trigger reaches this step');
  });

  it('marks a path with numbered steps and the edges it took', () => {
    const { edges } = readDefinition(STORED);
    const marked = pathOnCanvas(
      [
        { stepId: 'trigger', outcome: null, status: 'entered' },
        { stepId: 'welcome', outcome: null, status: 'completed' },
        { stepId: 'opened', outcome: 'yes', status: 'completed' },
        { stepId: 'done', outcome: null, status: 'completed' },
      ],
      edges,
    );
    expect([...marked.edges]).toEqual(['e1', 'e2', 'e3']);
    expect(marked.path.get('opened')).toEqual({ order: 2, outcome: 'yes', status: 'completed' });
    expect(marked.path.get('trigger')?.order).toBe(0);
  });

  it('places a click-added step below its anchor, clear of the steps already there', () => {
    const nodes = [{ position: { x: 0, y: 0 } }, { position: { x: 0, y: 170 } }];
    expect(positionBelow({ x: 0, y: 0 }, nodes)).toEqual({ x: 312, y: 170 });
    expect(positionBelow(undefined, nodes)).toEqual({ x: 0, y: 340 });
    expect(positionBelow(undefined, [])).toEqual({ x: 0, y: 0 });
  });
});
