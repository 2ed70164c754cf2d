import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type ApiResponse } from '../../lib/api-client';

export type SystemAlert = ApiResponse<'/api/v1/alerts', 'get'>['items'][number];

const alertsKey = ['alerts'] as const;

/** Alerts appear on their own (a sender paused mid-campaign): check now and then. */
const REFRESH_MS = 30_000;

/** Open alerts, newest first, with how many are open in all. */
export function useOpenAlerts() {
  return useQuery({
    queryKey: [...alertsKey, 'open'],
    queryFn: () =>
      unwrap(api.GET('/api/v1/alerts', { params: { query: { status: 'open', limit: 20 } } })),
    staleTime: 0,
    refetchInterval: REFRESH_MS,
  });
}

export function useResolveAlert() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(api.POST('/api/v1/alerts/{id}/resolve', { params: { path: { id } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: alertsKey }),
  });
}

/** Where in the dashboard the alert's subject lives, with a label for the link. */
export function alertTarget(alert: SystemAlert): { to: string; label: string } | null {
  if (alert.subject.senderId)
    return { to: `/senders#sender-${alert.subject.senderId}`, label: 'Open sender' };
  return null;
}
