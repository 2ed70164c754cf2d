import { networkError, toApiError } from './api-error';

/** `attachment; filename="contacts.csv"` → `contacts.csv`. */
export function filenameFromDisposition(header: string | null): string | null {
  if (!header) return null;
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(header);
  if (encoded?.[1]) {
    try {
      return decodeURIComponent(encoded[1]);
    } catch {
      // Fall through to the plain parameter.
    }
  }
  return /filename="?([^";]+)"?/i.exec(header)?.[1] ?? null;
}

/** Hands a Blob to the browser as a file download. */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  // Revoking at once can cancel the download in some browsers; a minute is plenty.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * Saves an authenticated download made through the typed client (`parseAs: 'blob'`), so it
 * carries the bearer token and survives an expired access token like any other request.
 * Returns the file name used.
 */
export async function saveDownload(
  call: Promise<{ data?: Blob; error?: unknown; response: Response }>,
  fallbackName: string,
): Promise<string> {
  let result;
  try {
    result = await call;
  } catch (error) {
    throw error instanceof TypeError ? networkError() : error;
  }
  if (!result.response.ok || !result.data) throw toApiError(result.error, result.response);
  const fileName =
    filenameFromDisposition(result.response.headers.get('content-disposition')) ?? fallbackName;
  saveBlob(result.data, fileName);
  return fileName;
}

/** Saves a value as a pretty-printed JSON file. */
export function saveJson(value: unknown, fileName: string): void {
  saveBlob(new Blob([JSON.stringify(value, null, 2)], { type: 'application/json' }), fileName);
}
