import {
  keepPreviousData,
  useMutation,
  useQuery,
  useQueryClient,
  type QueryClient,
} from '@tanstack/react-query';
import { api, unwrap, type ApiResponse } from '../../lib/api-client';
import type { paths } from '../../lib/api-schema';
import { usePagedQuery } from '../../lib/use-paged-query';

export type Flow = ApiResponse<'/api/v1/flows/{id}', 'get'>;
export type FlowSummary = ApiResponse<'/api/v1/flows', 'get'>['items'][number];
export type FlowStatus = Flow['status'];
export type FlowProblem = Flow['problems'][number];
export type FlowStats = ApiResponse<'/api/v1/flows/{id}/stats', 'get'>;
export type StepStats = FlowStats['steps'][number];
export type FlowRun = ApiResponse<'/api/v1/flows/{id}/runs', 'get'>['items'][number];
export type RunStatus = FlowRun['status'];
export type FlowRunDetail = ApiResponse<'/api/v1/flow-runs/{id}', 'get'>;
export type RunStep = FlowRunDetail['steps'][number];
export type SimulateInput = NonNullable<
  paths['/api/v1/flows/{id}/simulate']['post']['requestBody']
>['content']['application/json'];
export type Simulation = ApiResponse<'/api/v1/flows/{id}/simulate', 'post'>;
export type SimulatedStep = Simulation['steps'][number];
export type FlowVersion = ApiResponse<'/api/v1/flows/{id}/versions/{version}', 'get'>;

export const flowsKey = ['flows'] as const;
export const flowKey = (id: string) => ['flow', id] as const;
const statsKey = (id: string) => [...flowKey(id), 'stats'] as const;
const runsKey = (id: string) => [...flowKey(id), 'runs'] as const;

/** While a flow is active its numbers move on their own; this is how often they are read again. */
export const STATS_POLL_MS = 10_000;

export function useFlows(status: FlowStatus | undefined) {
  return usePagedQuery({
    queryKey: [...flowsKey, 'page', status ?? 'all'],
    fetchPage: (cursor) =>
      unwrap(api.GET('/api/v1/flows', { params: { query: { status, cursor, limit: 50 } } })),
  });
}

export function useFlow(id: string | undefined) {
  return useQuery({
    queryKey: flowKey(id ?? ''),
    enabled: Boolean(id),
    queryFn: () => unwrap(api.GET('/api/v1/flows/{id}', { params: { path: { id: id! } } })),
  });
}

export function useFlowStats(
  id: string,
  { enabled = true, pollMs = false }: { enabled?: boolean; pollMs?: number | false } = {},
) {
  return useQuery({
    queryKey: statsKey(id),
    enabled,
    queryFn: () =>
      unwrap(api.GET('/api/v1/flows/{id}/stats', { params: { path: { id }, query: {} } })),
    placeholderData: keepPreviousData,
    refetchInterval: pollMs,
  });
}

export function useFlowRuns(id: string, status: RunStatus | undefined, pollMs: number | false) {
  return usePagedQuery({
    queryKey: [...runsKey(id), status ?? 'all'],
    refetchInterval: pollMs,
    fetchPage: (cursor) =>
      unwrap(
        api.GET('/api/v1/flows/{id}/runs', {
          params: { path: { id }, query: { status, cursor, limit: 50 } },
        }),
      ),
  });
}

const isSettledRun = (status: RunStatus) =>
  status === 'completed' || status === 'exited' || status === 'failed';

export function useFlowRun(runId: string | undefined) {
  return useQuery({
    queryKey: ['flow-run', runId ?? ''],
    enabled: Boolean(runId),
    queryFn: () => unwrap(api.GET('/api/v1/flow-runs/{id}', { params: { path: { id: runId! } } })),
    // A run still moving is read again until it ends.
    refetchInterval: (query) =>
      query.state.data && !isSettledRun(query.state.data.status) ? 3_000 : false,
  });
}

/** A published version's definition (a run is drawn on the version it ran). */
export function useFlowVersion(id: string, version: number | undefined) {
  return useQuery({
    queryKey: [...flowKey(id), 'version', version ?? 0],
    enabled: version !== undefined,
    // Published versions never change.
    staleTime: Infinity,
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/flows/{id}/versions/{version}', {
          params: { path: { id, version: version! } },
        }),
      ),
  });
}

/** Puts a flow the API answered with in the cache; the list shows its status and name. */
export function storeFlow(queryClient: QueryClient, flow: Flow) {
  queryClient.setQueryData(flowKey(flow.id), flow);
  return queryClient.invalidateQueries({ queryKey: flowsKey });
}

export function useCreateFlow() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; definition?: Record<string, unknown> }) =>
      unwrap(api.POST('/api/v1/flows', { body })),
    onSuccess: (flow) => storeFlow(queryClient, flow),
  });
}

export function updateFlow(
  id: string,
  body: { name?: string; description?: string | null; definition?: Record<string, unknown> },
): Promise<Flow> {
  return unwrap(api.PATCH('/api/v1/flows/{id}', { params: { path: { id } }, body }));
}

export type LifecycleAction = 'publish' | 'activate' | 'deactivate';

export function useFlowAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, action }: { id: string; action: LifecycleAction }) => {
      const params = { params: { path: { id } } };
      if (action === 'publish')
        return (await unwrap(api.POST('/api/v1/flows/{id}/publish', params))).flow;
      if (action === 'activate') return unwrap(api.POST('/api/v1/flows/{id}/activate', params));
      return unwrap(api.POST('/api/v1/flows/{id}/deactivate', params));
    },
    onSuccess: (flow) =>
      Promise.all([
        storeFlow(queryClient, flow),
        queryClient.invalidateQueries({ queryKey: statsKey(flow.id) }),
      ]),
  });
}

export function useDeleteFlow() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(api.DELETE('/api/v1/flows/{id}', { params: { path: { id } } })),
    onSuccess: (_, id) => {
      queryClient.removeQueries({ queryKey: flowKey(id) });
      return queryClient.invalidateQueries({ queryKey: flowsKey });
    },
  });
}

export function useSimulateFlow(id: string) {
  return useMutation({
    mutationFn: (body: SimulateInput) =>
      unwrap(api.POST('/api/v1/flows/{id}/simulate', { params: { path: { id } }, body })),
  });
}
