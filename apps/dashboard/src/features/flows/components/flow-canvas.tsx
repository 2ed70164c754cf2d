import {
  Background,
  Controls,
  MarkerType,
  MiniMap,
  ReactFlow,
  type Connection,
  type Edge,
  type EdgeChange,
  type IsValidConnection,
  type NodeChange,
  type NodeTypes,
  type ReactFlowInstance,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useMemo, type DragEvent, type ReactNode } from 'react';
import type { FlowProblem } from '../api';
import type { StepNode as StepNodeModel } from '../canvas-model';
import type { StepType } from '../definition';
import { STEP_INFO } from '../step-catalog';
import { StepNode } from './step-node';

/** One component for every step type; it reads the step's type from its data. */
const NODE_TYPES: NodeTypes = {
  trigger: StepNode,
  send_email: StepNode,
  wait: StepNode,
  wait_for_event: StepNode,
  branch: StepNode,
  random_split: StepNode,
  update_contact: StepNode,
  webhook: StepNode,
  exit: StepNode,
};

const ARIA_LABELS = {
  'node.a11yDescription.default':
    'Press Enter to select this step and edit it in the side panel. Delete removes it; arrow keys move it.',
};

/** The palette's drag payload type. */
export const STEP_DRAG_TYPE = 'application/x-herald-step';

interface FlowCanvasProps {
  nodes: StepNodeModel[];
  edges: Edge[];
  onNodesChange: (changes: NodeChange<StepNodeModel>[]) => void;
  onEdgesChange?: (changes: EdgeChange[]) => void;
  onConnect?: (connection: Connection) => void;
  isValidConnection?: IsValidConnection;
  /** A palette step dropped at a flow position. */
  onDropStep?: (type: StepType, position: { x: number; y: number }) => void;
  onInit?: (instance: ReactFlowInstance<StepNodeModel>) => void;
  isReadOnly?: boolean;
  /** Edges with a problem are drawn red. */
  problems?: readonly FlowProblem[];
  /** Edge ids on the path being shown. */
  pathEdges?: ReadonlySet<string> | null;
  /** Accessible name of the canvas region. */
  label: string;
  children?: ReactNode;
}

export function FlowCanvas({
  nodes,
  edges,
  onNodesChange,
  onEdgesChange,
  onConnect,
  isValidConnection,
  onDropStep,
  onInit,
  isReadOnly = false,
  problems = [],
  pathEdges = null,
  label,
  children,
}: FlowCanvasProps) {
  const badEdges = useMemo(
    () => new Set(problems.map((p) => p.edgeId).filter((id): id is string => Boolean(id))),
    [problems],
  );
  const drawn = useMemo(
    () =>
      edges.map((edge) => {
        const isBad = badEdges.has(edge.id);
        const isOnPath = pathEdges?.has(edge.id) ?? false;
        const colour = isBad
          ? '#ef4444'
          : edge.selected
            ? '#4f46e5'
            : isOnPath
              ? '#6366f1'
              : pathEdges
                ? '#cbd5e1'
                : '#94a3b8';
        return {
          ...edge,
          type: 'smoothstep',
          animated: isOnPath,
          markerEnd: { type: MarkerType.ArrowClosed, color: colour, width: 18, height: 18 },
          style: { stroke: colour, strokeWidth: edge.selected || isOnPath || isBad ? 2.5 : 1.5 },
          ariaLabel: `Connection from ${edge.source}${edge.sourceHandle ? ` (${edge.sourceHandle})` : ''} to ${edge.target}`,
        };
      }),
    [edges, badEdges, pathEdges],
  );

  const named = useMemo(
    () =>
      nodes.map((node) => ({
        ...node,
        ariaLabel: `${node.data.step.label || STEP_INFO[node.data.step.type].title} (${node.id})`,
      })),
    [nodes],
  );

  const onDragOver = (event: DragEvent) => {
    if (!onDropStep || !event.dataTransfer.types.includes(STEP_DRAG_TYPE)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  };

  return (
    <section
      aria-label={label}
      className="relative h-full w-full overflow-hidden rounded-xl border border-slate-200 bg-slate-50"
      onDragOver={onDragOver}
    >
      <ReactFlow<StepNodeModel>
        nodes={named}
        edges={drawn}
        nodeTypes={NODE_TYPES}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        isValidConnection={isValidConnection}
        onInit={onInit}
        onDrop={(event) => {
          const type = event.dataTransfer.getData(STEP_DRAG_TYPE) as StepType;
          if (!type || !onDropStep) return;
          event.preventDefault();
          onDropStep(type, { x: event.clientX, y: event.clientY });
        }}
        fitView
        // A large flow opens readable (and scrollable) rather than shrunk to fit.
        fitViewOptions={{ maxZoom: 1, minZoom: 0.6, padding: 0.2 }}
        minZoom={0.2}
        maxZoom={1.5}
        nodesDraggable={!isReadOnly}
        nodesConnectable={!isReadOnly}
        edgesReconnectable={false}
        deleteKeyCode={isReadOnly ? null : ['Delete', 'Backspace']}
        proOptions={{ hideAttribution: true }}
        ariaLabelConfig={ARIA_LABELS}
      >
        <Background gap={20} color="#e2e8f0" />
        <Controls showInteractive={false} position="bottom-left" />
        <MiniMap
          pannable
          zoomable
          position="bottom-right"
          className="hidden! rounded-md border border-slate-200 2xl:block!"
          nodeColor={(node) => (node.selected ? '#6366f1' : '#cbd5e1')}
        />
        {children}
      </ReactFlow>
    </section>
  );
}
