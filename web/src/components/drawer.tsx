import { useId, useRef, type ReactNode } from 'react';
import { useLayer } from './layer';

/** A side panel over the page: Esc, the close button or a click outside close it. */
export function Drawer({
  open,
  onClose,
  title,
  children,
  actions,
}: {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  children: ReactNode;
  actions?: ReactNode;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const titleId = useId();
  useLayer(open, onClose, ref);
  if (!open) return null;
  return (
    <div className="layer">
      <div className="overlay" onClick={onClose} aria-hidden="true" />
      {/* A div: aside's implicit role (complementary) may not be overridden by dialog (axe aria-allowed-role). */}
      <div
        ref={ref}
        className="drawer"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        tabIndex={-1}
      >
        <header className="drawer-head">
          <h2 id={titleId}>{title}</h2>
          <button type="button" className="btn btn-ghost btn-sm" onClick={onClose} aria-label="Close">
            ✕
          </button>
        </header>
        {actions && <div className="drawer-actions">{actions}</div>}
        <div className="drawer-body">{children}</div>
      </div>
    </div>
  );
}
