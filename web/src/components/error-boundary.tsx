import { Component, type ErrorInfo, type ReactNode } from 'react';

interface Props {
  fallback: (error: Error, reset: () => void) => ReactNode;
  children: ReactNode;
}

/** Catches render errors below it so one broken panel does not blank the whole page. */
export class ErrorBoundary extends Component<Props, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: unknown): { error: Error } {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('podup panel crashed', error, info.componentStack);
  }

  reset = (): void => this.setState({ error: null });

  override render(): ReactNode {
    return this.state.error ? this.props.fallback(this.state.error, this.reset) : this.props.children;
  }
}

export function CrashFallback({ error, reset }: { error: Error; reset?: () => void }) {
  return (
    <div className="alert alert-bad crash" role="alert">
      <p className="alert-title">Something broke in the panel: {error.message}</p>
      <p className="alert-hint">Reloading the page usually helps. podup itself keeps running.</p>
      <div className="row">
        {reset && (
          <button type="button" className="btn btn-secondary btn-sm" onClick={reset}>
            Try again
          </button>
        )}
        <button type="button" className="btn btn-primary btn-sm" onClick={() => window.location.reload()}>
          Reload
        </button>
      </div>
    </div>
  );
}
