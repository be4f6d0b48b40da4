/**
 * The document title: each page names itself (`usePageTitle`), the layout adds the failure count
 * (`formatTitle`), so a background tab says "(2 failed) Units · podup".
 */
import { useEffect, useSyncExternalStore } from 'react';

let current = '';
const listeners = new Set<() => void>();

function set(name: string): void {
  current = name;
  for (const l of listeners) l();
}

/** Names the page while it is shown (pages without a name of their own are named by their path). */
export function usePageTitle(name: string): void {
  useEffect(() => {
    set(name);
    return () => set('');
  }, [name]);
}

/** The name the shown page gave itself. */
export function usePageName(): string {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => current,
  );
}

export function formatTitle(name: string, failed: number | undefined): string {
  const count = failed ? `(${failed} failed) ` : '';
  return `${count}${name ? `${name} · ` : ''}podup`;
}
