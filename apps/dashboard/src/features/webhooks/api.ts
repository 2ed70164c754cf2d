import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type ApiResponse } from '../../lib/api-client';
import type { paths } from '../../lib/api-schema';
import { usePagedQuery } from '../../lib/use-paged-query';

export type Webhook = ApiResponse<'/api/v1/webhooks/{id}', 'get'>;
export type CreatedWebhook = ApiResponse<'/api/v1/webhooks', 'post', 201>;
export type WebhookInput =
  paths['/api/v1/webhooks']['post']['requestBody']['content']['application/json'];
export type WebhookPatch =
  paths['/api/v1/webhooks/{id}']['patch']['requestBody']['content']['application/json'];
export type WebhookEventType = Webhook['eventTypes'][number];
export type Delivery = ApiResponse<'/api/v1/webhooks/{id}/deliveries', 'get'>['items'][number];
export type DeliveryStatus = Delivery['status'];
export type DeliveryDetail = ApiResponse<'/api/v1/webhooks/{id}/deliveries/{deliveryId}', 'get'>;
export type AttemptResult = ApiResponse<'/api/v1/webhooks/{id}/test', 'post'>;

const webhooksKey = ['webhooks'] as const;
const webhookKey = (id: string) => ['webhooks', id] as const;
const deliveriesKey = (id: string) => ['webhooks', id, 'deliveries'] as const;

/** Deliveries move on their own (retries): an open log looks again now and then. */
const LOG_REFRESH_MS = 10_000;

export function useWebhooks() {
  return usePagedQuery({
    queryKey: webhooksKey,
    fetchPage: (cursor) => unwrap(api.GET('/api/v1/webhooks', { params: { query: { cursor } } })),
  });
}

export function useWebhook(id: string) {
  return useQuery({
    queryKey: webhookKey(id),
    queryFn: () => unwrap(api.GET('/api/v1/webhooks/{id}', { params: { path: { id } } })),
  });
}

export function useDeliveries(id: string, status: DeliveryStatus | undefined) {
  return usePagedQuery({
    queryKey: [...deliveriesKey(id), status ?? 'all'],
    refetchInterval: LOG_REFRESH_MS,
    fetchPage: (cursor) =>
      unwrap(
        api.GET('/api/v1/webhooks/{id}/deliveries', {
          params: { path: { id }, query: { cursor, ...(status ? { status } : {}) } },
        }),
      ),
  });
}

export function useDelivery(id: string, deliveryId: string) {
  return useQuery({
    queryKey: [...deliveriesKey(id), 'detail', deliveryId],
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/webhooks/{id}/deliveries/{deliveryId}', {
          params: { path: { id, deliveryId } },
        }),
      ),
  });
}

function useInvalidate() {
  const queryClient = useQueryClient();
  return (id?: string) =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: id ? webhookKey(id) : webhooksKey }),
      queryClient.invalidateQueries({ queryKey: webhooksKey, exact: true }),
      // Disabling and enabling open and resolve alerts on the server.
      queryClient.invalidateQueries({ queryKey: ['alerts'] }),
    ]);
}

export function useCreateWebhook() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (body: WebhookInput) => unwrap(api.POST('/api/v1/webhooks', { body })),
    onSuccess: () => invalidate(),
  });
}

export function useUpdateWebhook() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ id, ...body }: WebhookPatch & { id: string }) =>
      unwrap(api.PATCH('/api/v1/webhooks/{id}', { params: { path: { id } }, body })),
    onSuccess: (webhook) => invalidate(webhook.id),
  });
}

export function useDeleteWebhook() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(api.DELETE('/api/v1/webhooks/{id}', { params: { path: { id } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: webhooksKey }),
  });
}

/** Fetched only when an admin asks to see it. */
export function useRevealSecret() {
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(api.GET('/api/v1/webhooks/{id}/secret', { params: { path: { id } } })),
  });
}

export function useRotateSecret() {
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(api.POST('/api/v1/webhooks/{id}/rotate-secret', { params: { path: { id } } })),
  });
}

export function useSendTest(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (eventType: WebhookEventType) =>
      unwrap(
        api.POST('/api/v1/webhooks/{id}/test', { params: { path: { id } }, body: { eventType } }),
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: deliveriesKey(id) }),
  });
}

export function useReplayDelivery(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (deliveryId: string) =>
      unwrap(
        api.POST('/api/v1/webhooks/{id}/deliveries/{deliveryId}/replay', {
          params: { path: { id, deliveryId } },
        }),
      ),
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: deliveriesKey(id) }),
        queryClient.invalidateQueries({ queryKey: webhookKey(id), exact: true }),
      ]),
  });
}
