import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type ApiResponse } from '../../lib/api-client';
import { usePagedQuery } from '../../lib/use-paged-query';

export type QueueStats = ApiResponse<'/api/v1/jobs/queues', 'get'>;
export type QueueCounts = QueueStats['queues'][number];
export type FailedJob = ApiResponse<'/api/v1/jobs/failed', 'get'>['items'][number];

/** Queue screens poll: jobs move on their own, and the page is for watching them. */
export const REFRESH_MS = 5_000;

const queuesKey = ['jobs', 'queues'] as const;
const failedKey = ['jobs', 'failed'] as const;

export function useQueueStats(refetchInterval: number | false = REFRESH_MS) {
  return useQuery({
    queryKey: queuesKey,
    queryFn: () => unwrap(api.GET('/api/v1/jobs/queues')),
    refetchInterval,
  });
}

export function useFailedJobs(queue: string | undefined, enabled: boolean) {
  return usePagedQuery({
    queryKey: [...failedKey, queue ?? 'all'],
    enabled,
    refetchInterval: REFRESH_MS,
    fetchPage: (cursor) =>
      unwrap(api.GET('/api/v1/jobs/failed', { params: { query: { cursor, queue } } })),
  });
}

function useInvalidateJobs() {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: failedKey }),
      queryClient.invalidateQueries({ queryKey: queuesKey }),
    ]);
}

export function useRetryFailedJob() {
  const invalidate = useInvalidateJobs();
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(api.POST('/api/v1/jobs/failed/{id}/retry', { params: { path: { id } } })),
    onSettled: invalidate,
  });
}

export function useDiscardFailedJob() {
  const invalidate = useInvalidateJobs();
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(api.DELETE('/api/v1/jobs/failed/{id}', { params: { path: { id } } })),
    onSettled: invalidate,
  });
}
