import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type ApiResponse } from '../../lib/api-client';
import type { paths } from '../../lib/api-schema';

export type Sender = ApiResponse<'/api/v1/senders/{id}', 'get'>;
export type SenderInput =
  paths['/api/v1/senders']['post']['requestBody']['content']['application/json'];
export type SenderPatch =
  paths['/api/v1/senders/{id}']['patch']['requestBody']['content']['application/json'];
export type SmtpSettings = NonNullable<Sender['smtp']>;
export type SendingWindow = NonNullable<Sender['window']>;
export type VerifyResult = ApiResponse<'/api/v1/senders/{id}/verify', 'post'>;
export type VerifyStep = VerifyResult['steps'][number];

export const sendersKey = ['senders'] as const;

/** Health and windows move with sending; a minute is fresh enough for a settings page. */
const REFRESH_MS = 60_000;

export function useSenders() {
  return useQuery({
    queryKey: sendersKey,
    queryFn: async () => (await unwrap(api.GET('/api/v1/senders'))).items,
    // Health moves on its own (a campaign, a paused sender): opening the page always asks again.
    staleTime: 0,
    refetchInterval: REFRESH_MS,
  });
}

function useSenderMutation<V>(call: (variables: V) => Promise<Sender>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: call,
    onSuccess: (sender) => {
      queryClient.setQueryData<Sender[]>(sendersKey, (current) =>
        current?.some((s) => s.id === sender.id)
          ? current.map((s) => (s.id === sender.id ? sender : s))
          : [...(current ?? []), sender],
      );
      // Pausing and resuming open and resolve alerts on the server.
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: sendersKey }),
        queryClient.invalidateQueries({ queryKey: ['alerts'] }),
      ]);
    },
  });
}

export function useCreateSender() {
  return useSenderMutation((body: SenderInput) => unwrap(api.POST('/api/v1/senders', { body })));
}

export function useUpdateSender() {
  return useSenderMutation(({ id, ...body }: SenderPatch & { id: string }) =>
    unwrap(api.PATCH('/api/v1/senders/{id}', { params: { path: { id } }, body })),
  );
}

export function usePauseSender() {
  return useSenderMutation((id: string) =>
    unwrap(api.POST('/api/v1/senders/{id}/pause', { params: { path: { id } } })),
  );
}

export function useResumeSender() {
  return useSenderMutation((id: string) =>
    unwrap(api.POST('/api/v1/senders/{id}/resume', { params: { path: { id } } })),
  );
}

export function useVerifySender() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(api.POST('/api/v1/senders/{id}/verify', { params: { path: { id } } })),
    onSuccess: ({ sender }) => {
      queryClient.setQueryData<Sender[]>(sendersKey, (current) =>
        current?.map((s) => (s.id === sender.id ? sender : s)),
      );
    },
  });
}

export function useDeleteSender() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(api.DELETE('/api/v1/senders/{id}', { params: { path: { id } } })),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: sendersKey }),
        queryClient.invalidateQueries({ queryKey: ['alerts'] }),
      ]),
  });
}
