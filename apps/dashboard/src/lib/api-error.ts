export interface FieldError {
  path: string;
  message: string;
}

/** A problem+json answer (RFC 9457) from the API, or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail: string,
    readonly fieldErrors: FieldError[] = [],
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(detail || title);
    this.name = 'ApiError';
  }

  /** The field error for a body field such as `email` (the API reports `body.email`). */
  fieldError(field: string): string | undefined {
    return this.fieldErrors.find((e) => e.path === field || e.path === `body.${field}`)?.message;
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

const str = (value: unknown): string => (typeof value === 'string' ? value : '');

export function toApiError(body: unknown, response: Response): ApiError {
  const retryAfter = Number(response.headers.get('retry-after'));
  const retryAfterSeconds = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null;
  if (isRecord(body)) {
    const errors = Array.isArray(body.errors)
      ? body.errors.filter(isRecord).map((e) => ({ path: str(e.path), message: str(e.message) }))
      : [];
    return new ApiError(
      response.status,
      str(body.code) || 'error',
      str(body.title) || response.statusText || 'Error',
      str(body.detail),
      errors,
      retryAfterSeconds,
    );
  }
  return new ApiError(
    response.status,
    'error',
    response.statusText || 'Error',
    `The server answered ${response.status}.`,
    [],
    retryAfterSeconds,
  );
}

export const networkError = (): ApiError =>
  new ApiError(0, 'network', 'Can’t reach Herald', 'Check your connection and try again.');

/** One readable sentence for any error, for alerts and toasts. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 403) return error.detail || 'You don’t have permission to do that.';
    if (error.status >= 500) return 'Something went wrong on our side. Try again in a moment.';
    if (error.status === 429 && error.retryAfterSeconds) {
      const minutes = Math.ceil(error.retryAfterSeconds / 60);
      return `${error.detail || 'Too many attempts.'} Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
    }
    return error.detail || error.title;
  }
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}
