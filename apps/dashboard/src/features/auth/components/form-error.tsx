import { Alert } from '../../../components/ui/alert';
import { ApiError, describeError } from '../../../lib/api-error';

/**
 * The form-level error: the problem's detail, plus any field errors the form cannot place next
 * to one of its own fields.
 */
export function FormError({ error, fields }: { error: unknown; fields: readonly string[] }) {
  if (!error) return null;
  const unplaced =
    error instanceof ApiError
      ? error.fieldErrors.filter(
          (e) => !fields.some((field) => error.fieldError(field) === e.message),
        )
      : [];
  const hasPlaced = error instanceof ApiError && error.fieldErrors.length > unplaced.length;
  return (
    <Alert variant="error" title={hasPlaced ? 'Please check the highlighted fields.' : undefined}>
      {!hasPlaced && <p>{describeError(error)}</p>}
      {unplaced.length > 0 && (
        <ul className="mt-1 list-disc pl-4">
          {unplaced.map((e) => (
            <li key={`${e.path}:${e.message}`}>
              {e.path.replace(/^body\./, '')}: {e.message}
            </li>
          ))}
        </ul>
      )}
    </Alert>
  );
}

/** The server's message for a field, if it reported one. */
export const serverFieldError = (error: unknown, field: string): string | undefined =>
  error instanceof ApiError ? error.fieldError(field) : undefined;
