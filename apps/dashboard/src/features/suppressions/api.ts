import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type ApiResponse } from '../../lib/api-client';
import { usePagedQuery } from '../../lib/use-paged-query';

export type Suppression = ApiResponse<'/api/v1/suppressions', 'get'>['items'][number];

const suppressionsKey = ['suppressions'] as const;

export function useSuppressions(search: string) {
  return usePagedQuery({
    queryKey: [...suppressionsKey, search],
    fetchPage: (cursor) =>
      unwrap(
        api.GET('/api/v1/suppressions', {
          params: { query: { cursor, search: search || undefined } },
        }),
      ),
  });
}

export function useAddSuppression() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { email: string; reason: string }) =>
      unwrap(api.POST('/api/v1/suppressions', { body })),
    // The matching contact, if any, is now blocked.
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: suppressionsKey }),
        queryClient.invalidateQueries({ queryKey: ['contacts'] }),
        queryClient.invalidateQueries({ queryKey: ['contact'] }),
      ]),
  });
}

export function useLiftSuppression() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(api.DELETE('/api/v1/suppressions/{id}', { params: { path: { id } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: suppressionsKey }),
  });
}
