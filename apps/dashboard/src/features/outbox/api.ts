import { useQuery } from '@tanstack/react-query';
import { api, unwrap, type ApiResponse } from '../../lib/api-client';
import { usePagedQuery } from '../../lib/use-paged-query';

export type OutboxSummary = ApiResponse<'/api/v1/outbox', 'get'>['items'][number];
export type OutboxMessage = ApiResponse<'/api/v1/outbox/{id}', 'get'>;

const outboxKey = ['outbox'] as const;

export function useOutbox(search: string | undefined) {
  return usePagedQuery({
    queryKey: [...outboxKey, 'page', search ?? ''],
    fetchPage: (cursor) =>
      unwrap(api.GET('/api/v1/outbox', { params: { query: { search, cursor, limit: 50 } } })),
  });
}

export function useOutboxMessage(id: string) {
  return useQuery({
    queryKey: [...outboxKey, 'message', id],
    // Stored messages never change.
    staleTime: Infinity,
    queryFn: () => unwrap(api.GET('/api/v1/outbox/{id}', { params: { path: { id } } })),
  });
}

/**
 * The stored copy of a message just sent through an outbox sender. A test send answers with
 * the Message-ID header, not the outbox entry's id, and the outbox searches by recipient and
 * subject only: look among the recipient's newest messages for that Message-ID.
 */
export async function findOutboxMessage(to: string, messageId: string): Promise<string | null> {
  const page = await unwrap(
    api.GET('/api/v1/outbox', { params: { query: { search: to, limit: 20 } } }),
  );
  return page.items.find((item) => item.messageId === messageId)?.id ?? null;
}
