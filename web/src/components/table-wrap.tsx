import type { ReactNode } from 'react';

/**
 * The scroll container of a wide table: on a narrow screen it scrolls sideways, so it is a named region that
 * takes keyboard focus (arrow keys scroll it), also when the table holds no link or button of its own.
 */
export function TableWrap({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-wrap" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
