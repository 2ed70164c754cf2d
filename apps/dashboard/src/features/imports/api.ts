import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type ApiResponse } from '../../lib/api-client';
import { saveDownload } from '../../lib/download';
import { uploadWithProgress, type UploadProgress } from '../../lib/upload';
import { usePagedQuery } from '../../lib/use-paged-query';

export type Import = ApiResponse<'/api/v1/imports/{id}', 'get'>;
export type ImportStatus = Import['status'];
export type StartedImport = ApiResponse<'/api/v1/imports', 'post', 202>;
export type ImportPreview = ApiResponse<'/api/v1/imports/preview', 'post'>;
export type ImportColumn = ImportPreview['columns'][number];
export type ImportMode = 'upsert' | 'create' | 'update';

export interface ImportOptions {
  mode: ImportMode;
  tags: string[];
  listId?: string | undefined;
  resubscribe: boolean;
  /** CSV header → email, firstName, …, an attribute key, or "ignore". */
  mapping: Record<string, string>;
}

/** The preview reads only the start of a file; sending more would only cost upload time. */
export const PREVIEW_BYTES = 64 * 1024;

const importsKey = ['imports'] as const;
const TERMINAL = new Set<ImportStatus>(['completed', 'failed', 'cancelled']);
export const isFinished = (status: ImportStatus): boolean => TERMINAL.has(status);

/**
 * Encoding, delimiter, first rows and the column mapping for the start of `file`, with the
 * user's mapping choices applied. Keyed by the file and the mapping, so undoing a choice is free.
 */
export function useImportPreview(file: File | null, mapping: Record<string, string>) {
  const fileKey = [file?.name, file?.size, file?.lastModified];
  return useQuery({
    queryKey: ['import-preview', ...fileKey, mapping],
    enabled: file !== null,
    retry: false,
    staleTime: Infinity,
    // While a changed mapping loads, keep showing the same file's last preview (never another file's).
    placeholderData: (previous: ImportPreview | undefined, previousQuery) =>
      previousQuery && fileKey.every((part, i) => previousQuery.queryKey[i + 1] === part)
        ? previous
        : undefined,
    queryFn: ({ signal }) => {
      const form = new FormData();
      form.append('file', file!.slice(0, PREVIEW_BYTES), file!.name);
      if (Object.keys(mapping).length > 0) form.append('options', JSON.stringify({ mapping }));
      // A multipart route: the OpenAPI document describes no JSON body for it.
      return unwrap<ImportPreview>(
        api.POST('/api/v1/imports/preview', { body: form as never, signal }),
      );
    },
  });
}

/** Uploads the whole file, options first so the server knows them before the bytes arrive. */
export function startImport(
  file: File,
  options: ImportOptions,
  onProgress: (progress: UploadProgress) => void,
  signal: AbortSignal,
): Promise<StartedImport> {
  const form = new FormData();
  form.append(
    'options',
    JSON.stringify({
      mode: options.mode,
      tags: options.tags,
      listId: options.listId,
      resubscribe: options.resubscribe,
      mapping: Object.keys(options.mapping).length > 0 ? options.mapping : undefined,
    }),
  );
  form.append('file', file, file.name);
  return uploadWithProgress<StartedImport>('/api/v1/imports', form, { onProgress, signal });
}

export function useImports() {
  const query = usePagedQuery({
    queryKey: [...importsKey, 'page'],
    fetchPage: (cursor) =>
      unwrap(api.GET('/api/v1/imports', { params: { query: { cursor, limit: 20 } } })),
  });
  const isBusy = query.items.some((item) => !isFinished(item.status));
  return { ...query, isBusy };
}

/** One import, polled every second until it has finished. */
export function useImport(id: string) {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: ['import', id],
    queryFn: async () => {
      const previous = queryClient.getQueryData<Import>(['import', id]);
      const item = await unwrap(api.GET('/api/v1/imports/{id}', { params: { path: { id } } }));
      if (isFinished(item.status) && (!previous || !isFinished(previous.status))) {
        // The contacts, lists and history all changed once the import applied.
        void queryClient.invalidateQueries({ queryKey: importsKey });
        void queryClient.invalidateQueries({ queryKey: ['contacts'] });
        void queryClient.invalidateQueries({ queryKey: ['lists'] });
      }
      return item;
    },
    refetchInterval: (query) =>
      query.state.data && isFinished(query.state.data.status) ? false : 1000,
    refetchIntervalInBackground: true,
  });
}

export function useCancelImport() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(api.DELETE('/api/v1/imports/{id}', { params: { path: { id } } })),
    onSuccess: (item) => {
      queryClient.setQueryData(['import', item.id], item);
      return queryClient.invalidateQueries({ queryKey: importsKey });
    },
  });
}

export function downloadRejectedRows(id: string) {
  return saveDownload(
    api.GET('/api/v1/imports/{id}/errors', { params: { path: { id } }, parseAs: 'blob' }),
    `import-${id}-errors.csv`,
  );
}
