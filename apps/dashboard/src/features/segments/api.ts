import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type ApiResponse } from '../../lib/api-client';
import { fetchAllPages } from '../../lib/fetch-all-pages';
import { usePagedQuery } from '../../lib/use-paged-query';
import { campaignsKey } from '../campaigns/query-keys';

export type Segment = ApiResponse<'/api/v1/segments/{id}', 'get'>;
export type SegmentPreview = ApiResponse<'/api/v1/segments/preview', 'post'>;

export const segmentsKey = ['segments'] as const;
const segmentKey = (id: string) => ['segment', id] as const;

const fetchSegmentsPage = (cursor: string | undefined, limit = 50) =>
  unwrap(api.GET('/api/v1/segments', { params: { query: { cursor, limit } } }));

export function useSegments() {
  return usePagedQuery({ queryKey: [...segmentsKey, 'page'], fetchPage: fetchSegmentsPage });
}

/** Every segment, for pickers (contact filters, "in segment" rules). */
export function useAllSegments() {
  return useQuery({
    queryKey: [...segmentsKey, 'all'],
    queryFn: () => fetchAllPages((cursor) => fetchSegmentsPage(cursor, 200)),
  });
}

export function useSegment(id: string | undefined) {
  return useQuery({
    queryKey: segmentKey(id ?? ''),
    enabled: Boolean(id),
    queryFn: () => unwrap(api.GET('/api/v1/segments/{id}', { params: { path: { id: id! } } })),
  });
}

/**
 * Count and sample for rules being edited. Keyed by the JSON sent, so going back to earlier
 * rules answers from cache; the previous figure stays on screen while the next one loads.
 */
export function useSegmentPreview(definitionJson: string | null) {
  return useQuery({
    queryKey: ['segment-preview', definitionJson],
    enabled: definitionJson !== null,
    queryFn: ({ signal }) =>
      unwrap(
        api.POST('/api/v1/segments/preview', {
          body: { definition: JSON.parse(definitionJson!) as unknown },
          signal,
        }),
      ),
    placeholderData: keepPreviousData,
    staleTime: 5_000,
    retry: false,
  });
}

export function useSaveSegment() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({
      id,
      ...body
    }: {
      id?: string | undefined;
      name: string;
      description: string | null;
      definition: unknown;
    }) =>
      id
        ? unwrap(api.PATCH('/api/v1/segments/{id}', { params: { path: { id } }, body }))
        : unwrap(
            api.POST('/api/v1/segments', {
              body: { ...body, description: body.description ?? undefined },
            }),
          ),
    onSuccess: (segment) => {
      queryClient.setQueryData(segmentKey(segment.id), segment);
      return queryClient.invalidateQueries({ queryKey: segmentsKey });
    },
  });
}

export function useDeleteSegment() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(api.DELETE('/api/v1/segments/{id}', { params: { path: { id } } })),
    // A refusal (409) names the segments that use this one: make sure the list shows them.
    onSettled: () => queryClient.invalidateQueries({ queryKey: segmentsKey }),
  });
}

export function useRecountSegment() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(api.POST('/api/v1/segments/{id}/count', { params: { path: { id } } })),
    onSuccess: (segment) => {
      queryClient.setQueryData(segmentKey(segment.id), segment);
      return queryClient.invalidateQueries({ queryKey: segmentsKey });
    },
  });
}

/**
 * Names of recently tracked events, as suggestions for event rules. The newest 200 events hold
 * the names in use; a rarer one can still be typed.
 */
export function useRecentEventNames() {
  return useQuery({
    queryKey: ['events', 'recent-names'],
    queryFn: async () => {
      const page = await unwrap(
        api.GET('/api/v1/events', { params: { query: { type: 'track', limit: 200 } } }),
      );
      const names = page.items.map((event) => event.name).filter((name) => name !== null);
      return [...new Set(names)].sort((a, b) => a.localeCompare(b));
    },
    staleTime: 60_000,
  });
}

/**
 * Every campaign, newest first, for the campaign picker of engagement rules. Under the
 * campaigns key, so a new or renamed campaign shows up.
 */
export function useAllCampaigns() {
  return useQuery({
    queryKey: [...campaignsKey, 'all'],
    queryFn: () =>
      fetchAllPages((cursor) =>
        unwrap(api.GET('/api/v1/campaigns', { params: { query: { cursor, limit: 200 } } })),
      ),
    staleTime: 60_000,
  });
}
