import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type ApiResponse } from '../../lib/api-client';
import { fetchAllPages } from '../../lib/fetch-all-pages';
import { usePagedQuery } from '../../lib/use-paged-query';

export type ContactList = ApiResponse<'/api/v1/lists', 'get'>['items'][number];

export const listsKey = ['lists'] as const;

const fetchListsPage = (cursor: string | undefined, limit = 50) =>
  unwrap(api.GET('/api/v1/lists', { params: { query: { cursor, limit } } }));

export function useLists() {
  return usePagedQuery({ queryKey: [...listsKey, 'page'], fetchPage: fetchListsPage });
}

/** Every list, for pickers (filters, bulk actions, import options, segment rules). */
export function useAllLists() {
  return useQuery({
    queryKey: [...listsKey, 'all'],
    queryFn: () => fetchAllPages((cursor) => fetchListsPage(cursor, 200)),
  });
}

export function useSaveList() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({
      id,
      ...body
    }: {
      id?: string | undefined;
      name: string;
      description: string | null;
    }) =>
      id
        ? unwrap(api.PATCH('/api/v1/lists/{id}', { params: { path: { id } }, body }))
        : unwrap(api.POST('/api/v1/lists', { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: listsKey }),
  });
}

export function useDeleteList() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(api.DELETE('/api/v1/lists/{id}', { params: { path: { id } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: listsKey }),
  });
}

/** Adds or removes one contact; the contact page and list counts both change. */
export function useListMembership(contactId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({
      listId,
      isMember,
    }: {
      listId: string;
      isMember: boolean;
    }): Promise<{ added: number } | { removed: number }> =>
      isMember
        ? unwrap(
            api.POST('/api/v1/lists/{id}/members', {
              params: { path: { id: listId } },
              body: { contactIds: [contactId] },
            }),
          )
        : unwrap(
            api.DELETE('/api/v1/lists/{id}/members', {
              params: { path: { id: listId } },
              body: { contactIds: [contactId] },
            }),
          ),
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: listsKey }),
        queryClient.invalidateQueries({ queryKey: ['contact', contactId] }),
      ]),
  });
}
