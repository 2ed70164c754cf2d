import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type ApiResponse } from '../../lib/api-client';
import type { Role } from '../../lib/roles';
import { usePagedQuery } from '../../lib/use-paged-query';

export type Member = ApiResponse<'/api/v1/members', 'get'>['items'][number];
export type Invitation = ApiResponse<'/api/v1/invitations', 'get'>['items'][number];
export type CreatedInvitation = ApiResponse<'/api/v1/invitations', 'post', 201>;

const membersKey = ['members'] as const;
const invitationsKey = ['invitations'] as const;

export function useMembers() {
  return usePagedQuery({
    queryKey: membersKey,
    fetchPage: (cursor) => unwrap(api.GET('/api/v1/members', { params: { query: { cursor } } })),
  });
}

export function useChangeRole() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, role }: { userId: string; role: Role }) =>
      unwrap(
        api.PATCH('/api/v1/members/{userId}', {
          params: { path: { userId } },
          body: { role },
        }),
      ),
    // Your own role may have changed too, which changes what this dashboard lets you do.
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: membersKey }),
        queryClient.invalidateQueries({ queryKey: ['me'] }),
      ]),
  });
}

export function useRemoveMember() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) =>
      unwrap(api.DELETE('/api/v1/members/{userId}', { params: { path: { userId } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: membersKey }),
  });
}

export function useInvitations(enabled: boolean) {
  return usePagedQuery({
    queryKey: invitationsKey,
    enabled,
    fetchPage: (cursor) =>
      unwrap(api.GET('/api/v1/invitations', { params: { query: { cursor } } })),
  });
}

export function useInvite() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { email: string; role: Role }) =>
      unwrap(api.POST('/api/v1/invitations', { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: invitationsKey }),
  });
}

export function useRevokeInvitation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(api.DELETE('/api/v1/invitations/{id}', { params: { path: { id } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: invitationsKey }),
  });
}
