import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type ApiResponse } from '../../lib/api-client';
import type { paths } from '../../lib/api-schema';
import { fetchAllPages } from '../../lib/fetch-all-pages';
import { usePagedQuery } from '../../lib/use-paged-query';

export type Template = ApiResponse<'/api/v1/templates/{id}', 'get'>;
export type TemplateSummary = ApiResponse<'/api/v1/templates', 'get'>['items'][number];
export type TemplateFormat = Template['format'];
export type TemplateInput =
  paths['/api/v1/templates']['post']['requestBody']['content']['application/json'];
export type TemplateContent =
  paths['/api/v1/templates/preview']['post']['requestBody']['content']['application/json']['content'];
export type TemplatePreview = ApiResponse<'/api/v1/templates/preview', 'post'>;
export type TemplateCheck = TemplatePreview['checks'][number];
export type TemplateIssue = TemplatePreview['errors'][number];
export type TemplateField = TemplateIssue['field'];
export type TemplateVersionSummary = ApiResponse<
  '/api/v1/templates/{id}/versions',
  'get'
>['items'][number];
export type TestSendResult = ApiResponse<'/api/v1/templates/{id}/test-send', 'post'>;

export interface TemplateFilters {
  search?: string | undefined;
  category?: string | undefined;
}

export const templatesKey = ['templates'] as const;
const templateKey = (id: string) => ['template', id] as const;

export function useTemplates(filters: TemplateFilters) {
  return usePagedQuery({
    queryKey: [...templatesKey, 'page', filters],
    fetchPage: (cursor) =>
      unwrap(
        api.GET('/api/v1/templates', { params: { query: { ...filters, cursor, limit: 50 } } }),
      ),
  });
}

/** Every template, for pickers (a campaign's content). */
export function useAllTemplates() {
  return useQuery({
    queryKey: [...templatesKey, 'all'],
    queryFn: () =>
      fetchAllPages((cursor) =>
        unwrap(api.GET('/api/v1/templates', { params: { query: { cursor, limit: 200 } } })),
      ),
  });
}

/** Whether the organization has written any template (for the overview's checklist). */
export function useHasTemplates() {
  return useQuery({
    queryKey: [...templatesKey, 'any'],
    queryFn: async () =>
      (await unwrap(api.GET('/api/v1/templates', { params: { query: { limit: 1 } } }))).items
        .length > 0,
  });
}

export function useTemplateCategories() {
  return useQuery({
    queryKey: [...templatesKey, 'categories'],
    queryFn: async () => (await unwrap(api.GET('/api/v1/templates/categories'))).items,
  });
}

export function useTemplate(id: string | undefined) {
  return useQuery({
    queryKey: templateKey(id ?? ''),
    enabled: Boolean(id),
    queryFn: () => unwrap(api.GET('/api/v1/templates/{id}', { params: { path: { id: id! } } })),
  });
}

/** Who the preview is rendered as: a real contact, or the API's made-up sample recipient. */
export type PreviewRecipient = { contactId: string } | { sample: true };

/**
 * The editor's unsaved content rendered as a recipient, with compile errors and pre-send checks
 * as data. Keyed by what is sent, so undoing answers from cache; the last render stays on
 * screen while the next one loads.
 */
export function useTemplatePreview(
  content: TemplateContent,
  recipient: PreviewRecipient,
  enabled = true,
) {
  return useQuery({
    queryKey: ['template-preview', content, recipient],
    enabled,
    queryFn: ({ signal }) =>
      unwrap(
        api.POST('/api/v1/templates/preview', {
          body: { content, ...('contactId' in recipient ? recipient : {}) },
          signal,
        }),
      ),
    placeholderData: keepPreviousData,
    staleTime: 30_000,
    retry: false,
  });
}

export function useSaveTemplate() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: TemplateInput & { id?: string | undefined }) =>
      id
        ? unwrap(api.PATCH('/api/v1/templates/{id}', { params: { path: { id } }, body }))
        : unwrap(api.POST('/api/v1/templates', { body })),
    onSuccess: (template) => {
      queryClient.setQueryData(templateKey(template.id), template);
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: templatesKey }),
        queryClient.invalidateQueries({ queryKey: [...templateKey(template.id), 'versions'] }),
      ]);
    },
  });
}

export function useDeleteTemplate() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(api.DELETE('/api/v1/templates/{id}', { params: { path: { id } } })),
    onSuccess: (_, id) => {
      queryClient.removeQueries({ queryKey: templateKey(id) });
      return queryClient.invalidateQueries({ queryKey: templatesKey });
    },
  });
}

export function useTemplateVersions(id: string, enabled: boolean) {
  return usePagedQuery({
    queryKey: [...templateKey(id), 'versions'],
    enabled,
    fetchPage: (cursor) =>
      unwrap(
        api.GET('/api/v1/templates/{id}/versions', {
          params: { path: { id }, query: { cursor, limit: 20 } },
        }),
      ),
  });
}

export function useTemplateVersion(id: string, version: number | null) {
  return useQuery({
    queryKey: [...templateKey(id), 'versions', version],
    enabled: version !== null,
    // Versions never change once written.
    staleTime: Infinity,
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/templates/{id}/versions/{version}', {
          params: { path: { id, version: version! } },
        }),
      ),
  });
}

export function useRestoreVersion(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (version: number) =>
      unwrap(
        api.POST('/api/v1/templates/{id}/versions/{version}/restore', {
          params: { path: { id, version } },
        }),
      ),
    onSuccess: (template) => {
      queryClient.setQueryData(templateKey(id), template);
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: templatesKey }),
        queryClient.invalidateQueries({ queryKey: [...templateKey(id), 'versions'] }),
      ]);
    },
  });
}

export function useTestSend(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { to: string; senderId: string; contactId?: string | undefined }) =>
      unwrap(api.POST('/api/v1/templates/{id}/test-send', { params: { path: { id } }, body })),
    // A test send counts towards the sender's health, and an outbox one lands in the outbox.
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: ['senders'] }),
        queryClient.invalidateQueries({ queryKey: ['outbox'] }),
        queryClient.invalidateQueries({ queryKey: ['alerts'] }),
      ]),
  });
}
