import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type ApiResponse } from '../../lib/api-client';
import { usePagedQuery } from '../../lib/use-paged-query';

export type WriteKey = ApiResponse<'/api/v1/write-keys', 'get'>['items'][number];
export type CreatedWriteKey = ApiResponse<'/api/v1/write-keys', 'post', 201>;

const writeKeysKey = ['write-keys'] as const;

export function useWriteKeys(enabled: boolean) {
  return usePagedQuery({
    queryKey: writeKeysKey,
    enabled,
    fetchPage: (cursor) => unwrap(api.GET('/api/v1/write-keys', { params: { query: { cursor } } })),
  });
}

export function useCreateWriteKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string }) => unwrap(api.POST('/api/v1/write-keys', { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: writeKeysKey }),
  });
}

export function useRevokeWriteKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(api.DELETE('/api/v1/write-keys/{id}', { params: { path: { id } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: writeKeysKey }),
  });
}
