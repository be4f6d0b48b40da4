import { describeError } from '@/lib/api-client';
import { Button } from './button';

/** An error inline, with the server's hint (what to do about it) and request id when there is one. */
export function ErrorMessage({
  error,
  title,
  onRetry,
}: {
  error: unknown;
  title?: string;
  onRetry?: () => void;
}) {
  const d = describeError(error);
  return (
    <div className="alert alert-bad" role="alert">
      <p className="alert-title">{title ? `${title}: ${d.title}` : d.title}</p>
      {d.hint && <p className="alert-hint">{d.hint}</p>}
      {d.requestId && <p className="muted small">Request id: {d.requestId}</p>}
      {onRetry && (
        <Button size="sm" onClick={onRetry}>
          Try again
        </Button>
      )}
    </div>
  );
}
