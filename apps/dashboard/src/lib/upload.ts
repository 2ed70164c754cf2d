import { networkError, toApiError } from './api-error';
import { refreshSession } from './api-client';
import { sessionStore } from './session';

export interface UploadProgress {
  loaded: number;
  total: number;
}

interface UploadOptions {
  onProgress?: (progress: UploadProgress) => void;
  signal?: AbortSignal;
}

class UploadAborted extends Error {
  constructor() {
    super('The upload was cancelled.');
    this.name = 'AbortError';
  }
}

export const isAbortError = (error: unknown): boolean =>
  error instanceof Error && error.name === 'AbortError';

function send(
  url: string,
  body: FormData,
  token: string | null,
  { onProgress, signal }: UploadOptions,
): Promise<{ status: number; statusText: string; retryAfter: string | null; body: unknown }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('Accept', 'application/json, application/problem+json');
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress?.({ loaded: event.loaded, total: event.total });
    };
    xhr.onload = () => {
      let parsed: unknown;
      try {
        parsed = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        parsed = null;
      }
      resolve({
        status: xhr.status,
        statusText: xhr.statusText,
        retryAfter: xhr.getResponseHeader('retry-after'),
        body: parsed,
      });
    };
    xhr.onerror = () => reject(networkError());
    xhr.onabort = () => reject(new UploadAborted());
    if (signal) {
      if (signal.aborted) {
        reject(new UploadAborted());
        return;
      }
      signal.addEventListener('abort', () => xhr.abort(), { once: true });
    }
    xhr.send(body);
  });
}

/**
 * POSTs multipart form data with upload progress, which fetch cannot report. Carries the bearer
 * token like the typed client does, and on a 401 renews the session once and sends again.
 */
export async function uploadWithProgress<T>(
  url: string,
  body: FormData,
  options: UploadOptions = {},
): Promise<T> {
  if (!sessionStore.getAccessToken() && sessionStore.get()) await refreshSession();
  let answer = await send(url, body, sessionStore.getAccessToken(), options);
  if (answer.status === 401 && (await refreshSession())) {
    answer = await send(url, body, sessionStore.getAccessToken(), options);
  }
  if (answer.status >= 200 && answer.status < 300) return answer.body as T;
  const headers = new Headers();
  if (answer.retryAfter) headers.set('retry-after', answer.retryAfter);
  const response = new Response(null, {
    status: answer.status,
    statusText: answer.statusText,
    headers,
  });
  throw toApiError(answer.body, response);
}
