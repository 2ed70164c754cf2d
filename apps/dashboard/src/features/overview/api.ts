import { useQuery } from '@tanstack/react-query';
import { api, unwrap, type ApiResponse } from '../../lib/api-client';

export type Overview = ApiResponse<'/api/v1/overview', 'get'>;
export type OverviewDay = Overview['series'][number];
export type RecentCampaign = Overview['recentCampaigns'][number];

/** The organization's sending and engagement per day over the last `days`, and its latest campaigns. */
export function useOverview(days = 30, pollMs: number | false = false) {
  return useQuery({
    queryKey: ['overview', days],
    queryFn: () => unwrap(api.GET('/api/v1/overview', { params: { query: { days } } })),
    refetchInterval: pollMs,
  });
}
