import { Panel, type ReactFlowInstance } from '@xyflow/react';
import clsx from 'clsx';
import { AlertCircle, BarChart3, CheckCircle2, ChevronDown, Link2Off } from 'lucide-react';
import { useMemo, useRef, useState } from 'react';
import { Button } from '../../../components/ui/button';
import type { Flow, FlowProblem, FlowStats, Simulation } from '../api';
import { CanvasContext, problemsByNode, type CanvasDecorations } from '../canvas-context';
import { pathOnCanvas, type StepNode } from '../canvas-model';
import { canConnect, type Step } from '../definition';
import { problemText } from '../problem-text';
import { STEP_INFO } from '../step-catalog';
import type { NameLookups } from '../step-summary';
import type { FlowEditor } from '../use-flow-editor';
import { FlowCanvas } from './flow-canvas';
import { FlowSettingsPanel } from './flow-settings-panel';
import { SimulatePanel } from './simulate-panel';
import { PanelFrame, StepPanel } from './step-panel';
import { StepPalette } from './step-palette';

interface FlowBuilderProps {
  flow: Flow;
  editor: FlowEditor;
  names: NameLookups;
  stats: FlowStats | undefined;
  /** The draft's problems, as the canvas shows them (see withoutCascades). */
  problems: FlowProblem[];
  isReadOnly: boolean;
  isSimulating: boolean;
  onSimulating: (isOpen: boolean) => void;
}

/** Palette, canvas and side panel: where a flow is drawn and each step set up. */
export function FlowBuilder({
  flow,
  editor,
  names,
  stats,
  problems,
  isReadOnly,
  isSimulating,
  onSimulating,
}: FlowBuilderProps) {
  const instance = useRef<ReactFlowInstance<StepNode> | null>(null);
  const [showStats, setShowStats] = useState(true);
  const [simulation, setSimulation] = useState<Simulation | null>(null);
  const [isProblemsOpen, setIsProblemsOpen] = useState(true);

  const steps = useMemo(
    () => editor.nodes.map((n) => ({ ...n.data.step, position: n.position }) as Step),
    [editor.nodes],
  );
  const selectedNode = editor.nodes.find((n) => n.selected);
  const selectedEdge = editor.edges.find((e) => e.selected);
  const trigger = steps.find((s) => s.type === 'trigger');
  const byNode = useMemo(() => problemsByNode(problems), [problems]);
  const hasStats = Boolean(stats && (stats.runs.entered > 0 || flow.publishedVersion !== null));

  const simulated = useMemo(() => {
    if (!isSimulating || !simulation) return null;
    const walked = simulation.steps.map((s) => ({
      stepId: s.stepId,
      outcome: s.outcome,
      status: 'would run',
    }));
    const withTrigger = trigger
      ? [{ stepId: trigger.id, outcome: null, status: 'entered' }, ...walked]
      : walked;
    return pathOnCanvas(withTrigger, editor.edges);
  }, [isSimulating, simulation, trigger, editor.edges]);

  const decorations: CanvasDecorations = useMemo(
    () => ({
      names,
      problems: byNode,
      stats:
        showStats && hasStats && stats && !simulated
          ? new Map([
              ...stats.steps.map((s) => [s.stepId, s] as const),
              // The trigger shows the flow's totals: who entered, who finished.
              ...(trigger
                ? [
                    [
                      trigger.id,
                      {
                        stepId: trigger.id,
                        type: 'trigger',
                        label: null,
                        entered: stats.runs.entered,
                        completed: stats.runs.completed + stats.runs.exited,
                        waiting: stats.runs.waiting + stats.runs.running,
                        errors: stats.runs.failed,
                        email: null,
                      },
                    ] as const,
                  ]
                : []),
            ])
          : null,
      path: simulated?.path ?? null,
    }),
    [names, byNode, showStats, hasStats, stats, simulated, trigger],
  );

  /** Selects a step, brings it into view and moves keyboard focus to it. */
  const focusStep = (id: string) => {
    editor.select(id);
    onSimulating(false);
    void instance.current?.fitView({ nodes: [{ id }], duration: 300, maxZoom: 1, padding: 0.6 });
    setTimeout(() => {
      document
        .querySelector<HTMLElement>(`.react-flow__node[data-id="${CSS.escape(id)}"]`)
        ?.focus();
    }, 320);
  };

  const addStep = (type: Parameters<FlowEditor['addStep']>[0]) => {
    const id = editor.addStep(type, { after: selectedNode?.id });
    onSimulating(false);
    // Into view: the new step with the one it hangs from, or the whole flow it was added to.
    setTimeout(
      () =>
        void instance.current?.fitView({
          ...(selectedNode ? { nodes: [{ id }, { id: selectedNode.id }] } : {}),
          duration: 300,
          maxZoom: 1,
          padding: selectedNode ? 0.4 : 0.2,
        }),
      60,
    );
  };

  const panel = isSimulating ? (
    <SimulatePanel
      flow={flow}
      beforeRun={editor.save.flush}
      result={simulation}
      onResult={setSimulation}
      onFocusStep={(id) => {
        editor.select(id);
        void instance.current?.fitView({
          nodes: [{ id }],
          duration: 300,
          maxZoom: 1,
          padding: 0.6,
        });
      }}
      onClose={() => onSimulating(false)}
    />
  ) : selectedNode ? (
    <StepPanel
      key={selectedNode.id}
      step={selectedNode.data.step}
      steps={steps}
      edges={editor.edges}
      problems={byNode.get(selectedNode.id) ?? []}
      isReadOnly={isReadOnly}
      onChange={(step) => editor.updateStep(selectedNode.id, () => step)}
      onSetTarget={(handle, target) => editor.setTarget(selectedNode.id, handle, target)}
      onRemove={() => editor.removeStep(selectedNode.id)}
      onClose={() => editor.select(null)}
    />
  ) : selectedEdge ? (
    <PanelFrame title="Connection" onClose={() => editor.select(null)}>
      <p className="text-sm text-slate-700">
        From <strong>{selectedEdge.source}</strong>
        {selectedEdge.sourceHandle ? ` (${selectedEdge.sourceHandle})` : ''} to{' '}
        <strong>{selectedEdge.target}</strong>.
      </p>
      {!isReadOnly && (
        <Button variant="danger-ghost" size="sm" onClick={() => editor.removeEdge(selectedEdge.id)}>
          <Link2Off className="size-4" aria-hidden />
          Delete connection
        </Button>
      )}
      <p className="text-xs text-slate-500">Or press Delete while the connection is selected.</p>
    </PanelFrame>
  ) : (
    <FlowSettingsPanel
      name={editor.settings.name}
      reEntry={editor.settings.reEntry}
      exitConditions={editor.settings.exitConditions}
      trigger={trigger}
      problems={problems}
      isReadOnly={isReadOnly}
      onName={(name) => editor.setSettings((s) => ({ ...s, name }))}
      onReEntry={(reEntry) => editor.setSettings((s) => ({ ...s, reEntry }))}
      onExitConditions={(exitConditions) => editor.setSettings((s) => ({ ...s, exitConditions }))}
      onTrigger={(step) => editor.updateStep(step.id, () => step)}
    />
  );

  return (
    <div className="grid grid-cols-1 gap-4 lg:h-[calc(100vh-17.75rem)] lg:min-h-[30rem] lg:grid-cols-[minmax(0,1fr)_22rem]">
      <div className="flex min-h-0 flex-col gap-3">
        <StepPalette
          onAdd={addStep}
          disabled={isReadOnly}
          selectedLabel={
            selectedNode
              ? selectedNode.data.step.label || STEP_INFO[selectedNode.data.step.type].title
              : null
          }
        />
        {/* A new flow's only problem is that it has no steps yet: the canvas hint says so. */}
        {problems.length > 0 && steps.length === 1 ? null : problems.length > 0 ? (
          <section
            aria-label="Problems"
            className="rounded-lg border border-red-200 bg-red-50 text-sm text-red-900"
          >
            <button
              type="button"
              aria-expanded={isProblemsOpen}
              onClick={() => setIsProblemsOpen(!isProblemsOpen)}
              className="flex w-full items-center gap-2 px-3 py-2 text-left font-medium"
            >
              <AlertCircle className="size-4 text-red-500" aria-hidden />
              {problems.length === 1
                ? '1 problem to fix before publishing'
                : `${problems.length} problems to fix before publishing`}
              <ChevronDown
                className={clsx(
                  'ml-auto size-4 transition-transform',
                  isProblemsOpen && 'rotate-180',
                )}
                aria-hidden
              />
            </button>
            {isProblemsOpen && (
              <ul className="max-h-32 space-y-0.5 overflow-y-auto border-t border-red-200 px-3 py-2">
                {problems.map((problem, index) => {
                  const nodeId =
                    problem.nodeId ?? /^nodes\.([A-Za-z0-9_-]+)/.exec(problem.path)?.[1];
                  const target = nodeId && steps.some((s) => s.id === nodeId) ? nodeId : null;
                  const text = problemText(problem);
                  return (
                    <li key={index}>
                      {target ? (
                        <button
                          type="button"
                          onClick={() => focusStep(target)}
                          className="rounded text-left hover:underline"
                        >
                          <span className="font-mono text-xs text-red-700">{target}</span> · {text}
                        </button>
                      ) : (
                        <span>{text}</span>
                      )}
                    </li>
                  );
                })}
              </ul>
            )}
          </section>
        ) : flow.publishedVersion === null || flow.hasUnpublishedChanges ? (
          <p
            role="status"
            className="flex items-center gap-2 rounded-lg border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-900"
          >
            <CheckCircle2 className="size-4 text-emerald-600" aria-hidden />
            No problems: this draft can be published.
          </p>
        ) : null}
        <div className="h-[32rem] min-h-[16rem] lg:h-auto lg:flex-1">
          <CanvasContext.Provider value={decorations}>
            <FlowCanvas
              label="Flow canvas"
              nodes={editor.nodes}
              edges={editor.edges}
              problems={problems}
              pathEdges={simulated?.edges ?? null}
              isReadOnly={isReadOnly}
              onNodesChange={editor.onNodesChange}
              onEdgesChange={editor.onEdgesChange}
              onInit={(rf) => {
                instance.current = rf;
              }}
              onConnect={(c) => void editor.connect(c.source, c.sourceHandle ?? null, c.target)}
              isValidConnection={(c) => {
                const source = steps.find((s) => s.id === c.source);
                const target = steps.find((s) => s.id === c.target);
                return canConnect(source, c.sourceHandle ?? null, target, editor.edges);
              }}
              onDropStep={(type, point) => {
                const position = instance.current?.screenToFlowPosition(point) ?? point;
                editor.addStep(type, { position: { x: position.x - 136, y: position.y - 30 } });
                onSimulating(false);
              }}
            >
              {hasStats && !simulated && (
                <Panel position="top-right">
                  <button
                    type="button"
                    aria-pressed={showStats}
                    onClick={() => setShowStats(!showStats)}
                    className={clsx(
                      'inline-flex h-8 items-center gap-1.5 rounded-md px-2.5 text-sm font-medium shadow-sm ring-1 ring-inset',
                      showStats
                        ? 'bg-indigo-50 text-indigo-700 ring-indigo-300'
                        : 'bg-white text-slate-700 ring-slate-300',
                    )}
                  >
                    <BarChart3 className="size-4" aria-hidden />
                    Numbers
                  </button>
                </Panel>
              )}
              {steps.length === 1 && !isReadOnly && (
                <Panel position="top-center">
                  <p className="rounded-lg bg-white px-3 py-2 text-sm text-slate-700 shadow-sm ring-1 ring-slate-200">
                    Set the trigger on the right, then add steps from the bar above.
                  </p>
                </Panel>
              )}
            </FlowCanvas>
          </CanvasContext.Provider>
        </div>
      </div>
      <aside
        aria-label="Side panel"
        className="max-h-[48rem] min-h-0 overflow-hidden lg:max-h-none rounded-xl border border-slate-200 bg-white shadow-xs"
      >
        {panel}
      </aside>
    </div>
  );
}
