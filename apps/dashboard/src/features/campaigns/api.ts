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
import { isSettled } from './lifecycle';
import { campaignKey, campaignsKey, messagesKey, preflightKey, statsKey } from './query-keys';

export type Campaign = ApiResponse<'/api/v1/campaigns/{id}', 'get'>;
export type CampaignStatus = Campaign['status'];
export type CampaignInput =
  paths['/api/v1/campaigns']['post']['requestBody']['content']['application/json'];
export type CampaignPatch = NonNullable<
  paths['/api/v1/campaigns/{id}']['patch']['requestBody']
>['content']['application/json'];
export type Rotation = Campaign['rotation'];
export type CampaignWindow = NonNullable<Campaign['window']>;
export type Preflight = ApiResponse<'/api/v1/campaigns/{id}/preflight', 'get'>;
export type PreflightProblem = Preflight['problems'][number];
export type CampaignStats = ApiResponse<'/api/v1/campaigns/{id}/stats', 'get'>;
export type Granularity = CampaignStats['series']['granularity'];
export type CampaignMessage = ApiResponse<
  '/api/v1/campaigns/{id}/messages',
  'get'
>['items'][number];
export type MessageStatus = CampaignMessage['status'];
export type FollowUpAudience = NonNullable<Campaign['audience']['followUp']>['to'];

export interface CampaignFilters {
  search?: string | undefined;
  statuses?: CampaignStatus[] | undefined;
}

/**
 * How often a campaign that is still moving is read again. With the realtime socket open its
 * events trigger the reads, and the slow poll only catches what no event announces (a start, a
 * failure); without it, polling is all there is.
 */
export const POLL_LIVE_MS = 15_000;
export const POLL_OFFLINE_MS = 3_000;

export function useCampaigns(filters: CampaignFilters) {
  return usePagedQuery({
    queryKey: [...campaignsKey, 'page', filters],
    fetchPage: (cursor) =>
      unwrap(
        api.GET('/api/v1/campaigns', {
          params: {
            query: { search: filters.search, status: filters.statuses, cursor, limit: 50 },
          },
        }),
      ),
  });
}

export function useCampaign(id: string | undefined, pollMs: number | false = false) {
  return useQuery({
    queryKey: campaignKey(id ?? ''),
    enabled: Boolean(id),
    queryFn: () => unwrap(api.GET('/api/v1/campaigns/{id}', { params: { path: { id: id! } } })),
    refetchInterval: (query) =>
      query.state.data && !isSettled(query.state.data.status) ? pollMs : false,
  });
}

export function useCampaignStats(
  id: string,
  granularity: Granularity,
  { enabled = true, pollMs = false }: { enabled?: boolean; pollMs?: number | false } = {},
) {
  return useQuery({
    queryKey: statsKey(id, granularity),
    enabled,
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/campaigns/{id}/stats', {
          params: { path: { id }, query: { granularity } },
        }),
      ),
    placeholderData: keepPreviousData,
    refetchInterval: pollMs,
  });
}

export function useCampaignMessages(
  id: string,
  status: MessageStatus | undefined,
  pollMs: number | false = false,
) {
  return usePagedQuery({
    queryKey: [...messagesKey(id), status ?? 'all'],
    refetchInterval: pollMs,
    fetchPage: (cursor) =>
      unwrap(
        api.GET('/api/v1/campaigns/{id}/messages', {
          params: { path: { id }, query: { status, cursor, limit: 50 } },
        }),
      ),
  });
}

/**
 * Audience count and what would block the start; read again after every saved change while
 * `isActive` (the steps that show it), and kept from the last reading otherwise.
 */
export function usePreflight(id: string | undefined, isActive = true) {
  return useQuery({
    queryKey: preflightKey(id ?? ''),
    enabled: Boolean(id) && isActive,
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/campaigns/{id}/preflight', { params: { path: { id: id! } }, signal }),
      ),
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
}

/** Puts a campaign the API answered with in the cache and marks what depends on it stale. */
export function storeCampaign(queryClient: QueryClient, campaign: Campaign) {
  queryClient.setQueryData(campaignKey(campaign.id), campaign);
  return Promise.all([
    queryClient.invalidateQueries({ queryKey: campaignsKey }),
    queryClient.invalidateQueries({ queryKey: ['overview'] }),
  ]);
}

export async function createCampaign(body: CampaignInput): Promise<Campaign> {
  return unwrap(api.POST('/api/v1/campaigns', { body }));
}

export async function updateCampaign(id: string, body: CampaignPatch): Promise<Campaign> {
  return unwrap(api.PATCH('/api/v1/campaigns/{id}', { params: { path: { id } }, body }));
}

export type Launch = { mode: 'now' } | { mode: 'schedule'; sendAt: string; timezone: string };

export function useLaunchCampaign() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, launch }: { id: string; launch: Launch }) =>
      launch.mode === 'now'
        ? unwrap(api.POST('/api/v1/campaigns/{id}/send-now', { params: { path: { id } } }))
        : unwrap(
            api.POST('/api/v1/campaigns/{id}/schedule', {
              params: { path: { id } },
              body: { sendAt: launch.sendAt, timezone: launch.timezone },
            }),
          ),
    onSuccess: (campaign) => storeCampaign(queryClient, campaign),
  });
}

export type LifecycleAction = 'pause' | 'resume' | 'cancel';

export function useCampaignAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action }: { id: string; action: LifecycleAction }) => {
      const params = { params: { path: { id } } };
      if (action === 'pause') return unwrap(api.POST('/api/v1/campaigns/{id}/pause', params));
      if (action === 'resume') return unwrap(api.POST('/api/v1/campaigns/{id}/resume', params));
      return unwrap(api.POST('/api/v1/campaigns/{id}/cancel', params));
    },
    onSuccess: (campaign) =>
      Promise.all([
        storeCampaign(queryClient, campaign),
        // Cancelling closes the messages still queued.
        queryClient.invalidateQueries({ queryKey: messagesKey(campaign.id) }),
        queryClient.invalidateQueries({ queryKey: [...campaignKey(campaign.id), 'stats'] }),
      ]),
  });
}

export function useDuplicateCampaign() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(api.POST('/api/v1/campaigns/{id}/duplicate', { params: { path: { id } } })),
    onSuccess: (campaign) => storeCampaign(queryClient, campaign),
  });
}

export function useFollowUp() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, to }: { id: string; to: FollowUpAudience }) =>
      unwrap(
        api.POST('/api/v1/campaigns/{id}/follow-up', { params: { path: { id } }, body: { to } }),
      ),
    onSuccess: (campaign) => storeCampaign(queryClient, campaign),
  });
}

export function useDeleteCampaign() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(api.DELETE('/api/v1/campaigns/{id}', { params: { path: { id } } })),
    onSuccess: (_, id) => {
      queryClient.removeQueries({ queryKey: campaignKey(id) });
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: campaignsKey }),
        queryClient.invalidateQueries({ queryKey: ['overview'] }),
      ]);
    },
  });
}
