import { RefreshCw } from 'lucide-react';
import { describeError } from '../../lib/api-error';
import { Alert } from './alert';
import { Button } from './button';

/** A failed load, with the reason and a way to try again. */
export function ErrorState({
  error,
  onRetry,
  title = 'Couldn’t load this',
}: {
  error: unknown;
  onRetry?: () => void;
  title?: string;
}) {
  return (
    <div className="p-5">
      <Alert variant="error" title={title}>
        <p>{describeError(error)}</p>
        {onRetry && (
          <Button variant="secondary" size="sm" className="mt-2" onClick={onRetry}>
            <RefreshCw className="size-3.5" aria-hidden />
            Try again
          </Button>
        )}
      </Alert>
    </div>
  );
}
