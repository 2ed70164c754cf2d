import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type ApiResponse } from '../../lib/api-client';
import { fetchAllPages } from '../../lib/fetch-all-pages';

export type CustomField = ApiResponse<'/api/v1/fields', 'get'>['items'][number];
import type { FieldType } from './field-types';

export { FIELD_TYPE_LABELS, type FieldType } from './field-types';

const fieldsKey = ['fields'] as const;

/** All custom field definitions, by key. They type attributes everywhere, so load them whole. */
export function useFields() {
  return useQuery({
    queryKey: fieldsKey,
    queryFn: () =>
      fetchAllPages((cursor) =>
        unwrap(api.GET('/api/v1/fields', { params: { query: { cursor, limit: 200 } } })),
      ),
    staleTime: 60_000,
  });
}

export function useCreateField() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { key: string; label: string; type: FieldType }) =>
      unwrap(api.POST('/api/v1/fields', { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: fieldsKey }),
  });
}

export function useRenameField() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, label }: { id: string; label: string }) =>
      unwrap(api.PATCH('/api/v1/fields/{id}', { params: { path: { id } }, body: { label } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: fieldsKey }),
  });
}

export function useDeleteField() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(api.DELETE('/api/v1/fields/{id}', { params: { path: { id } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: fieldsKey }),
  });
}
