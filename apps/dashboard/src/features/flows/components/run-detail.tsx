import { applyNodeChanges, type NodeChange } from '@xyflow/react';
import { ArrowLeft, Route } from 'lucide-react';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { Card, CardHeader } from '../../../components/ui/card';
import { EmptyState } from '../../../components/ui/empty-state';
import { ErrorState } from '../../../components/ui/error-state';
import { Spinner } from '../../../components/ui/spinner';
import { ApiError } from '../../../lib/api-error';
import { formatDateTime } from '../../../lib/format';
import { useFlowRun, useFlowVersion, type Flow, type FlowRunDetail } from '../api';
import { CanvasContext, type CanvasDecorations } from '../canvas-context';
import { pathOnCanvas, toCanvasEdges, toCanvasNodes, type StepNode } from '../canvas-model';
import { readDefinition } from '../definition';
import type { NameLookups } from '../step-summary';
import { FlowCanvas } from './flow-canvas';
import { RunStatusBadge } from './flow-status-badge';
import { PathSteps } from './path-steps';

/** The version a run ran on, drawn read-only with the run's path marked. */
function RunCanvas({
  definition,
  run,
  names,
}: {
  definition: unknown;
  run: FlowRunDetail;
  names: NameLookups;
}) {
  const parsed = useMemo(() => readDefinition(definition), [definition]);
  const [nodes, setNodes] = useState<StepNode[]>(() =>
    toCanvasNodes(parsed).map((n) => ({ ...n, deletable: false })),
  );
  const edges = useMemo(() => toCanvasEdges(parsed.edges), [parsed]);
  const trigger = parsed.nodes.find((n) => n.type === 'trigger');
  const marked = useMemo(
    () =>
      pathOnCanvas(
        [
          ...(trigger ? [{ stepId: trigger.id, outcome: null, status: 'entered' }] : []),
          ...run.steps.map((s) => ({ stepId: s.stepId, outcome: s.outcome, status: s.status })),
        ],
        edges,
      ),
    [run.steps, edges, trigger],
  );
  const decorations: CanvasDecorations = {
    names,
    problems: new Map(),
    stats: null,
    path: marked.path,
  };
  return (
    <CanvasContext.Provider value={decorations}>
      <FlowCanvas
        label={`Run path on version ${run.version}`}
        nodes={nodes}
        edges={edges}
        pathEdges={marked.edges}
        isReadOnly
        onNodesChange={(changes: NodeChange<StepNode>[]) =>
          setNodes((current) =>
            applyNodeChanges(
              changes.filter((c) => c.type === 'dimensions' || c.type === 'select'),
              current,
            ),
          )
        }
      />
    </CanvasContext.Provider>
  );
}

export function RunDetail({
  flow,
  runId,
  names,
}: {
  flow: Flow;
  runId: string;
  names: NameLookups;
}) {
  const run = useFlowRun(runId);
  const version = useFlowVersion(flow.id, run.data?.version);
  const back = (
    <Link
      to={`/flows/${flow.id}/runs`}
      className="mb-3 inline-flex items-center gap-1.5 rounded text-sm font-medium text-slate-600 hover:text-slate-900"
    >
      <ArrowLeft className="size-4" aria-hidden />
      All runs
    </Link>
  );
  if (run.isPending) return <Spinner label="Loading run…" />;
  if (run.isError) {
    const isMissing = run.error instanceof ApiError && [400, 404].includes(run.error.status);
    return (
      <>
        {back}
        <Card>
          {isMissing ? (
            <EmptyState
              icon={Route}
              title="This run doesn’t exist"
              description="It may have been deleted with its flow, or the link is incomplete."
              action={
                <Button asChild>
                  <Link to={`/flows/${flow.id}/runs`}>See all runs</Link>
                </Button>
              }
            />
          ) : (
            <ErrorState error={run.error} onRetry={() => void run.refetch()} />
          )}
        </Card>
      </>
    );
  }
  const data = run.data;
  return (
    <>
      {back}
      <div className="grid gap-4 lg:h-[calc(100vh-19.5rem)] lg:min-h-[28rem] lg:grid-cols-[24rem_minmax(0,1fr)]">
        <Card className="flex min-h-0 flex-col">
          <CardHeader
            title={
              <Link
                to={`/contacts/${data.contactId}`}
                className="hover:text-indigo-700 hover:underline"
              >
                {data.contactEmail ?? 'Deleted contact'}
              </Link>
            }
            description={`Started ${formatDateTime(data.startedAt)} · version ${data.version}`}
            actions={<RunStatusBadge status={data.status} />}
          />
          <div className="min-h-0 flex-1 space-y-3 overflow-y-auto px-5 py-4">
            {data.error && (
              <Alert variant="error" title="The run failed">
                {data.error}
              </Alert>
            )}
            {data.exitReason && <Alert variant="warning">Exited: {data.exitReason}</Alert>}
            {data.status === 'waiting' && data.wakeAt && (
              <Alert variant="info">
                Waiting at <strong>{data.currentStep}</strong> until {formatDateTime(data.wakeAt)}.
              </Alert>
            )}
            {data.steps.length === 0 ? (
              <p className="text-sm text-slate-600">No step has run yet.</p>
            ) : (
              <PathSteps
                startedAt={data.startedAt}
                steps={data.steps.map((s) => ({
                  stepId: s.stepId,
                  type: s.type,
                  label: s.label,
                  at: s.startedAt,
                  outcome: s.outcome,
                  status: s.status,
                  detail: s.detail,
                }))}
              />
            )}
          </div>
        </Card>
        <div className="h-[28rem] min-h-0 lg:h-auto">
          {version.isPending ? (
            <Spinner label="Loading the version it ran…" />
          ) : version.isError ? (
            <ErrorState error={version.error} onRetry={() => void version.refetch()} />
          ) : (
            <RunCanvas definition={version.data.definition} run={data} names={names} />
          )}
        </div>
      </div>
    </>
  );
}
