/** Toasts: short-lived notes in a live region (polite for news, assertive for errors). */
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { describeError } from '@/lib/api-client';

export type ToastTone = 'ok' | 'bad' | 'info';

export interface ToastInput {
  tone?: ToastTone;
  title: string;
  body?: string | undefined;
  action?: { label: string; onClick: () => void } | undefined;
  /** Milliseconds; errors stay longer. */
  durationMs?: number;
}

interface Toast extends ToastInput {
  id: number;
  tone: ToastTone;
}

interface ToastApi {
  show(toast: ToastInput): void;
  success(title: string, body?: string): void;
  error(error: unknown, title?: string): void;
}

const ToastContext = createContext<ToastApi | null>(null);

export function useToast(): ToastApi {
  const api = useContext(ToastContext);
  if (!api) throw new Error('useToast needs a <ToastProvider>');
  return api;
}

let nextId = 1;

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const dismiss = useCallback((id: number) => setToasts((all) => all.filter((t) => t.id !== id)), []);

  const show = useCallback(
    (input: ToastInput) => {
      const id = nextId++;
      const tone = input.tone ?? 'info';
      setToasts((all) => [...all.slice(-4), { ...input, id, tone }]);
      setTimeout(() => dismiss(id), input.durationMs ?? (tone === 'bad' ? 10_000 : 5_000));
    },
    [dismiss],
  );

  const api = useMemo<ToastApi>(
    () => ({
      show,
      success: (title, body) => show({ tone: 'ok', title, body }),
      error: (error, title) => {
        const d = describeError(error);
        show({ tone: 'bad', title: title ? `${title}: ${d.title}` : d.title, body: d.hint });
      },
    }),
    [show],
  );

  return (
    <ToastContext.Provider value={api}>
      {children}
      <div className="toasts">
        <div role="status" aria-live="polite" className="toast-region">
          {toasts
            .filter((t) => t.tone !== 'bad')
            .map((t) => (
              <ToastView key={t.id} toast={t} onDismiss={dismiss} />
            ))}
        </div>
        <div role="alert" aria-live="assertive" className="toast-region">
          {toasts
            .filter((t) => t.tone === 'bad')
            .map((t) => (
              <ToastView key={t.id} toast={t} onDismiss={dismiss} />
            ))}
        </div>
      </div>
    </ToastContext.Provider>
  );
}

function ToastView({ toast, onDismiss }: { toast: Toast; onDismiss: (id: number) => void }) {
  return (
    <div className={`toast tone-${toast.tone}`}>
      <div className="toast-text">
        <p className="toast-title">{toast.title}</p>
        {toast.body && <p className="toast-body">{toast.body}</p>}
      </div>
      {toast.action && (
        <button
          type="button"
          className="btn btn-sm btn-secondary"
          onClick={() => {
            toast.action?.onClick();
            onDismiss(toast.id);
          }}
        >
          {toast.action.label}
        </button>
      )}
      <button
        type="button"
        className="btn btn-ghost btn-sm"
        aria-label="Dismiss notification"
        onClick={() => onDismiss(toast.id)}
      >
        ✕
      </button>
    </div>
  );
}
