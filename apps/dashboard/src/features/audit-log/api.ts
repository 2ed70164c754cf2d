import { api, unwrap, type ApiResponse } from '../../lib/api-client';
import { usePagedQuery } from '../../lib/use-paged-query';

export type AuditEntry = ApiResponse<'/api/v1/audit-log', 'get'>['items'][number];

export interface AuditFilters {
  /** Areas or exact actions, any of which matches. */
  action?: string[] | undefined;
  actorType?: 'user' | 'apiKey' | 'system' | undefined;
  actorId?: string | undefined;
}

export function useAuditLog(filters: AuditFilters, enabled: boolean) {
  return usePagedQuery({
    queryKey: ['audit-log', filters],
    enabled,
    // Opened right after changing something, the log should already show it.
    staleTime: 0,
    fetchPage: (cursor) =>
      unwrap(api.GET('/api/v1/audit-log', { params: { query: { cursor, ...filters } } })),
  });
}
