import { shortDigest } from '@/lib/format';

/** A digest shortened to 12 hex characters; the whole one is in the tooltip and for screen readers. */
export function Digest({ value }: { value: string | null | undefined }) {
  if (!value) return <span className="muted">—</span>;
  return (
    <code className="digest" title={value}>
      {shortDigest(value)}
    </code>
  );
}
