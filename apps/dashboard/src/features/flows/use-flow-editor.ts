import { useQueryClient } from '@tanstack/react-query';
import {
  applyEdgeChanges,
  applyNodeChanges,
  type Edge,
  type EdgeChange,
  type NodeChange,
} from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { storeFlow, updateFlow, type Flow } from './api';
import {
  canConnect,
  freeHandle,
  newStep,
  nextId,
  handlesOf,
  readDefinition,
  toDefinitionJson,
  type ExitCondition,
  type ReEntry,
  type Step,
  type StepType,
} from './definition';
import {
  fromCanvas,
  positionBelow,
  toCanvasEdges,
  toCanvasNodes,
  type StepNode,
} from './canvas-model';

export type SaveState =
  | { status: 'idle' }
  | { status: 'saving' }
  | { status: 'saved'; at: number }
  | { status: 'failed'; error: unknown };

/** Edits settle (typing, dragging) for this long before the draft is saved. */
const SAVE_DEBOUNCE_MS = 700;

interface Settings {
  name: string;
  reEntry: ReEntry;
  exitConditions: ExitCondition[];
}

/**
 * The builder's working copy of a flow: steps and edges as React Flow holds them, the flow's
 * settings, and an autosave that PATCHes the draft once edits settle. The API keeps a draft
 * even when it is invalid and answers with its problems, so saving never waits for validity.
 * Saves run one at a time, each with the latest state; `flush` waits for them all (publishing
 * must not publish an older draft).
 */
export function useFlowEditor(flow: Flow, isReadOnly: boolean) {
  const queryClient = useQueryClient();
  // Read once per flow: later answers from the server must not reset what is being edited.
  const [initial] = useState(() => readDefinition(flow.definition));
  const [nodes, setNodes] = useState<StepNode[]>(() => toCanvasNodes(initial));
  const [edges, setEdges] = useState<Edge[]>(() => toCanvasEdges(initial.edges));
  const [settings, setSettings] = useState<Settings>({
    name: flow.name,
    reEntry: initial.reEntry,
    exitConditions: initial.exitConditions,
  });

  const body = useMemo(() => {
    const graph = fromCanvas(nodes, edges);
    return {
      name: settings.name.trim() || flow.name,
      definition: toDefinitionJson({
        reEntry: settings.reEntry,
        exitConditions: settings.exitConditions,
        ...graph,
      }),
    };
  }, [nodes, edges, settings, flow.name]);
  const json = JSON.stringify(body);

  const saved = useRef(JSON.stringify({ name: flow.name, definition: toDefinitionJson(initial) }));
  const latest = useRef(body);
  const inFlight = useRef<Promise<Flow> | null>(null);
  const [state, setState] = useState<SaveState>({ status: 'idle' });
  useEffect(() => {
    latest.current = body;
  });

  const flush = useCallback(async (): Promise<Flow | null> => {
    while (inFlight.current) await inFlight.current.catch(() => undefined);
    const text = JSON.stringify(latest.current);
    if (text === saved.current) return null;
    const run = updateFlow(flow.id, latest.current).then((answer) => {
      saved.current = text;
      void storeFlow(queryClient, answer);
      return answer;
    });
    inFlight.current = run;
    setState({ status: 'saving' });
    try {
      const answer = await run;
      setState({ status: 'saved', at: Date.now() });
      return answer;
    } catch (error) {
      setState({ status: 'failed', error });
      throw error;
    } finally {
      inFlight.current = null;
    }
  }, [flow.id, queryClient]);

  useEffect(() => {
    if (isReadOnly || json === saved.current) return;
    const timer = setTimeout(() => void flush().catch(() => undefined), SAVE_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [json, flush, isReadOnly]);

  // Leaving the builder mid-pause still saves what was done.
  useEffect(
    () => () => void (isReadOnly ? undefined : flush().catch(() => undefined)),
    [flush, isReadOnly],
  );

  const onNodesChange = useCallback(
    (changes: NodeChange<StepNode>[]) => {
      const allowed = isReadOnly
        ? changes.filter((c) => c.type === 'select' || c.type === 'dimensions')
        : changes;
      // React Flow removes a deleted step's edges itself, through onEdgesChange.
      setNodes((current) => applyNodeChanges(allowed, current));
    },
    [isReadOnly],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange[]) => {
      const allowed = isReadOnly ? changes.filter((c) => c.type === 'select') : changes;
      setEdges((current) => applyEdgeChanges(allowed, current));
    },
    [isReadOnly],
  );

  const stepOf = useCallback((id: string) => nodes.find((n) => n.id === id)?.data.step, [nodes]);

  /** Adds an edge when the API would accept it; returns whether it did. */
  const connect = useCallback(
    (source: string, handle: string | null, target: string): boolean => {
      const graph = fromCanvas(nodes, edges);
      const from = graph.nodes.find((n) => n.id === source);
      const to = graph.nodes.find((n) => n.id === target);
      if (!canConnect(from, handle, to, graph.edges)) return false;
      setEdges((current) => [
        ...current,
        {
          id: nextId(
            'e',
            current.map((e) => e.id),
          ),
          source,
          target,
          sourceHandle: handle,
        },
      ]);
      return true;
    },
    [nodes, edges],
  );

  /** Points a handle somewhere else (or nowhere, with target null). */
  const setTarget = useCallback((source: string, handle: string | null, target: string | null) => {
    setEdges((current) => {
      const rest = current.filter(
        (e) => !(e.source === source && (e.sourceHandle ?? null) === handle),
      );
      if (!target) return rest;
      return [
        ...rest,
        {
          id: nextId(
            'e',
            current.map((e) => e.id),
          ),
          source,
          target,
          sourceHandle: handle,
        },
      ];
    });
  }, []);

  /**
   * Adds a step: at `position` (a drop), or below `after` and connected from its first free
   * way out (the click-to-add path). The new step is selected, so its settings open at once.
   */
  const addStep = useCallback(
    (type: StepType, where: { position?: { x: number; y: number }; after?: string }) => {
      const anchor = where.after ? nodes.find((n) => n.id === where.after) : undefined;
      const position = where.position ?? positionBelow(anchor?.position, nodes);
      const step = newStep(
        type,
        position,
        nodes.map((n) => n.id),
      );
      setNodes((current) => [
        ...current.map((n) => (n.selected ? { ...n, selected: false } : n)),
        {
          id: step.id,
          type: step.type,
          position,
          data: { step: step as Step },
          deletable: true,
          selected: true,
        },
      ]);
      if (anchor) {
        const graph = fromCanvas(nodes, edges);
        const handle = freeHandle(anchor.data.step, graph.edges);
        if (handle !== undefined) {
          setEdges((current) => [
            ...current.map((e) => (e.selected ? { ...e, selected: false } : e)),
            {
              id: nextId(
                'e',
                current.map((e) => e.id),
              ),
              source: anchor.id,
              target: step.id,
              sourceHandle: handle,
            },
          ]);
        }
      }
      return step.id;
    },
    [nodes, edges],
  );

  const nodesRef = useRef(nodes);
  nodesRef.current = nodes;

  const updateStep = useCallback((id: string, next: (step: Step) => Step) => {
    const step = nodesRef.current.find((n) => n.id === id)?.data.step;
    if (!step) return;
    const updated = next(step);
    setNodes((current) =>
      current.map((n) => (n.id === id ? { ...n, data: { step: updated } } : n)),
    );
    // A split that lost a branch loses that branch's edge too.
    const handles = handlesOf(updated);
    setEdges((current) =>
      current.some((e) => e.source === id && !handles.includes(e.sourceHandle ?? null))
        ? current.filter((e) => e.source !== id || handles.includes(e.sourceHandle ?? null))
        : current,
    );
  }, []);

  const removeStep = useCallback((id: string) => {
    setNodes((current) => current.filter((n) => n.id !== id || n.data.step.type === 'trigger'));
    setEdges((current) => current.filter((e) => e.source !== id && e.target !== id));
  }, []);

  const removeEdge = useCallback((id: string) => {
    setEdges((current) => current.filter((e) => e.id !== id));
  }, []);

  /** Selects one step (or nothing), as a click on it would. */
  const select = useCallback((id: string | null) => {
    setNodes((current) =>
      current.map((n) =>
        (n.id === id) === Boolean(n.selected) ? n : { ...n, selected: n.id === id },
      ),
    );
    setEdges((current) => current.map((e) => (e.selected ? { ...e, selected: false } : e)));
  }, []);

  return {
    nodes,
    edges,
    settings,
    setSettings,
    onNodesChange,
    onEdgesChange,
    stepOf,
    connect,
    setTarget,
    addStep,
    updateStep,
    removeStep,
    removeEdge,
    select,
    save: { state, flush, isDirty: json !== saved.current },
  };
}

export type FlowEditor = ReturnType<typeof useFlowEditor>;
