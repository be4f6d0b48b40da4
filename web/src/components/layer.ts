/**
 * Modal layers (drawer, dialog): Esc closes only the topmost one, Tab stays inside it, and focus goes back
 * to what had it before the layer opened.
 */
import { useEffect, useRef, type RefObject } from 'react';

const stack: Array<{ id: symbol; close: () => void }> = [];

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

function onKeyDown(e: KeyboardEvent): void {
  const top = stack.at(-1);
  if (top && e.key === 'Escape') {
    e.preventDefault();
    top.close();
  }
}

export function useLayer(
  open: boolean,
  onClose: () => void,
  container: RefObject<HTMLElement | null>,
  initialFocus?: RefObject<HTMLElement | null>,
): void {
  const close = useRef(onClose);
  useEffect(() => {
    close.current = onClose;
  }, [onClose]);

  useEffect(() => {
    if (!open) return;
    const id = Symbol('layer');
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    stack.push({ id, close: () => close.current() });
    if (stack.length === 1) document.addEventListener('keydown', onKeyDown);

    const el = container.current;
    const target = initialFocus?.current ?? el?.querySelector<HTMLElement>(FOCUSABLE) ?? el;
    target?.focus();

    const trap = (e: KeyboardEvent) => {
      if (e.key !== 'Tab' || !el || stack.at(-1)?.id !== id) return;
      const items = [...el.querySelectorAll<HTMLElement>(FOCUSABLE)];
      if (items.length === 0) return;
      const first = items[0];
      const last = items.at(-1);
      if (e.shiftKey && document.activeElement === first) {
        e.preventDefault();
        last?.focus();
      } else if (!e.shiftKey && document.activeElement === last) {
        e.preventDefault();
        first?.focus();
      }
    };
    el?.addEventListener('keydown', trap);

    return () => {
      el?.removeEventListener('keydown', trap);
      const i = stack.findIndex((l) => l.id === id);
      if (i >= 0) stack.splice(i, 1);
      if (stack.length === 0) document.removeEventListener('keydown', onKeyDown);
      if (previous?.isConnected) previous.focus();
    };
  }, [open, container, initialFocus]);
}
