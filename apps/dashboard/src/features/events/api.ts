import { api, unwrap, type ApiResponse } from '../../lib/api-client';
import { usePagedQuery } from '../../lib/use-paged-query';

export type TrackedEvent = ApiResponse<'/api/v1/events', 'get'>['items'][number];
export type EventType = TrackedEvent['type'];

export const EVENT_TYPES: readonly EventType[] = [
  'track',
  'identify',
  'page',
  'screen',
  'group',
  'alias',
];

export interface EventFilters {
  name?: string | undefined;
  type?: EventType | undefined;
  contactId?: string | undefined;
}

/** Recent events, newest first; refreshed every few seconds so new ones show up by themselves. */
export function useEvents(filters: EventFilters) {
  return usePagedQuery({
    queryKey: ['events', filters],
    refetchInterval: 5_000,
    fetchPage: (cursor) =>
      unwrap(api.GET('/api/v1/events', { params: { query: { ...filters, cursor } } })),
  });
}
