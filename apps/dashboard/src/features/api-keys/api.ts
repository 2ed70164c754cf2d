import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type ApiResponse } from '../../lib/api-client';
import { usePagedQuery } from '../../lib/use-paged-query';

export type ApiKey = ApiResponse<'/api/v1/api-keys', 'get'>['items'][number];
export type CreatedApiKey = ApiResponse<'/api/v1/api-keys', 'post', 201>;
export type ApiKeyRole = 'admin' | 'editor' | 'viewer';

const apiKeysKey = ['api-keys'] as const;

export function useApiKeys(enabled: boolean) {
  return usePagedQuery({
    queryKey: apiKeysKey,
    enabled,
    fetchPage: (cursor) => unwrap(api.GET('/api/v1/api-keys', { params: { query: { cursor } } })),
  });
}

export function useCreateApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; role: ApiKeyRole }) =>
      unwrap(api.POST('/api/v1/api-keys', { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: apiKeysKey }),
  });
}

export function useRevokeApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(api.DELETE('/api/v1/api-keys/{id}', { params: { path: { id } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: apiKeysKey }),
  });
}
