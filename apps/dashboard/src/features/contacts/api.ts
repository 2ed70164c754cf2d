import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type ApiResponse } from '../../lib/api-client';
import type { paths } from '../../lib/api-schema';
import { saveDownload, saveJson } from '../../lib/download';
import { usePagedQuery } from '../../lib/use-paged-query';

export type Contact = ApiResponse<'/api/v1/contacts/{id}', 'get'>;
export type ContactStatus = Contact['status'];
export type ContactSort = 'created_at' | '-created_at' | 'email' | '-email';
export type Activity = ApiResponse<'/api/v1/contacts/{id}/timeline', 'get'>['items'][number];
export type ContactInput =
  paths['/api/v1/contacts/{id}']['patch']['requestBody']['content']['application/json'];
export type BulkAction =
  'add_tag' | 'remove_tag' | 'add_to_list' | 'remove_from_list' | 'unsubscribe' | 'delete';
export type BulkTarget = { contactIds: string[] } | { segmentId: string } | { all: true };

export interface ContactFilters {
  search?: string | undefined;
  status?: ContactStatus | undefined;
  tag?: string | undefined;
  listId?: string | undefined;
  segmentId?: string | undefined;
  sort?: ContactSort | undefined;
}

const contactsKey = ['contacts'] as const;
const contactKey = (id: string) => ['contact', id] as const;

/** The API accepts at most this many ids per bulk request. */
const BULK_BATCH = 1000;

export function useContacts(filters: ContactFilters) {
  return usePagedQuery({
    queryKey: [...contactsKey, filters],
    fetchPage: (cursor) =>
      unwrap(api.GET('/api/v1/contacts', { params: { query: { ...filters, cursor } } })),
  });
}

/** A few contacts matching a search, for pickers ("preview as", test sends). */
export function useContactSuggestions(search: string, enabled: boolean) {
  return useQuery({
    queryKey: [...contactsKey, 'suggestions', search],
    enabled,
    queryFn: async ({ signal }) =>
      (
        await unwrap(
          api.GET('/api/v1/contacts', {
            params: { query: { search: search || undefined, limit: 8 } },
            signal,
          }),
        )
      ).items,
    placeholderData: keepPreviousData,
  });
}

/** Whether the organization has any contact at all (for empty states and the checklist). */
export function useHasContacts() {
  return useQuery({
    queryKey: [...contactsKey, 'any'],
    queryFn: async () =>
      (await unwrap(api.GET('/api/v1/contacts', { params: { query: { limit: 1 } } }))).items
        .length > 0,
  });
}

export function useContact(id: string) {
  return useQuery({
    queryKey: contactKey(id),
    queryFn: () => unwrap(api.GET('/api/v1/contacts/{id}', { params: { path: { id } } })),
  });
}

export function useTimeline(id: string) {
  return usePagedQuery({
    queryKey: [...contactKey(id), 'timeline'],
    fetchPage: (cursor) =>
      unwrap(
        api.GET('/api/v1/contacts/{id}/timeline', {
          params: { path: { id }, query: { cursor, limit: 20 } },
        }),
      ),
  });
}

/**
 * The data-subject record, which is the only place the API lists a contact's list memberships.
 * It needs the editor role.
 */
export function useContactData(id: string, enabled: boolean) {
  return useQuery({
    queryKey: [...contactKey(id), 'data'],
    enabled,
    queryFn: () => unwrap(api.GET('/api/v1/contacts/{id}/data', { params: { path: { id } } })),
  });
}

export function useCreateContact() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: ContactInput & { email: string }) => {
      let status = 0;
      const contact = await unwrap(
        api.POST('/api/v1/contacts', { body }).then((result) => {
          status = result.response.status;
          return result;
        }),
      );
      // 200 means a contact with this email already existed and was updated instead.
      return { contact, isNew: status === 201 };
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: contactsKey }),
  });
}

export function useUpdateContact(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ContactInput) =>
      unwrap(api.PATCH('/api/v1/contacts/{id}', { params: { path: { id } }, body })),
    onSuccess: (contact) => {
      queryClient.setQueryData(contactKey(id), contact);
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: contactKey(id) }),
        queryClient.invalidateQueries({ queryKey: contactsKey }),
      ]);
    },
  });
}

export function useEraseContact() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, suppress }: { id: string; suppress: boolean }) =>
      unwrap(
        api.POST('/api/v1/contacts/{id}/erase', { params: { path: { id } }, body: { suppress } }),
      ),
    onSuccess: (_, { id }) => {
      queryClient.removeQueries({ queryKey: contactKey(id) });
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: contactsKey }),
        queryClient.invalidateQueries({ queryKey: ['suppressions'] }),
        queryClient.invalidateQueries({ queryKey: ['lists'] }),
      ]);
    },
  });
}

export type BulkResult = { affected: number } | { jobId: string };

export function useBulkAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({
      action,
      target,
      tag,
      listId,
    }: {
      action: BulkAction;
      target: BulkTarget;
      tag?: string;
      listId?: string;
    }): Promise<BulkResult> => {
      const body = { action, tag, listId };
      if (!('contactIds' in target)) {
        return unwrap(api.POST('/api/v1/contacts/bulk', { body: { ...body, target } }));
      }
      // Large selections go in batches the API accepts; every action is idempotent.
      let affected = 0;
      for (let start = 0; start < target.contactIds.length; start += BULK_BATCH) {
        const contactIds = target.contactIds.slice(start, start + BULK_BATCH);
        const result = await unwrap(
          api.POST('/api/v1/contacts/bulk', { body: { ...body, target: { contactIds } } }),
        );
        if ('affected' in result) affected += result.affected;
      }
      return { affected };
    },
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: contactsKey }),
        queryClient.invalidateQueries({ queryKey: ['contact'] }),
        queryClient.invalidateQueries({ queryKey: ['lists'] }),
      ]),
  });
}

/** Downloads the CSV export for the filters the export supports (status, list, segment). */
export function exportContacts(filters: Pick<ContactFilters, 'status' | 'listId' | 'segmentId'>) {
  return saveDownload(
    api.GET('/api/v1/contacts/export', {
      params: {
        query: { status: filters.status, listId: filters.listId, segmentId: filters.segmentId },
      },
      parseAs: 'blob',
    }),
    'contacts.csv',
  );
}

/** Everything Herald holds about a contact, saved as a JSON file (data-subject access). */
export async function downloadContactData(contact: Contact): Promise<string> {
  const data = await unwrap(
    api.GET('/api/v1/contacts/{id}/data', { params: { path: { id: contact.id } } }),
  );
  const fileName = `contact-${contact.email.replace(/[^a-z0-9@._-]+/gi, '_')}.json`;
  saveJson(data, fileName);
  return fileName;
}
