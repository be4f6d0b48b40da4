import { useState } from 'react';
import type { ApiToken } from '@contract';
import { Button } from '@/components/button';
import { ConfirmDialog } from '@/components/dialog';
import { EmptyState } from '@/components/empty-state';
import { useToast } from '@/components/toast';
import { formatTime } from '@/lib/format';
import { useRevokeToken } from '../api/revoke-token';
import { TableWrap } from '@/components/table-wrap';

/** Every API token: what it may do, when it expires, when and from where it was last used; revoke. */
export function TokensTable({ tokens }: { tokens: ApiToken[] }) {
  const revoke = useRevokeToken();
  const toast = useToast();
  const [revoking, setRevoking] = useState<string | null>(null);

  if (tokens.length === 0)
    return (
      <EmptyState title="No API tokens yet">
        Bots and scripts get a token of their own, with only the scopes and units they need.
      </EmptyState>
    );

  const confirm = () => {
    if (!revoking) return;
    revoke.mutate(revoking, {
      onSuccess: () => {
        toast.show({ tone: 'ok', title: `Revoked ${revoking}: its next request is refused` });
        setRevoking(null);
      },
      onError: (e) => {
        setRevoking(null);
        toast.error(e, `Could not revoke ${revoking}`);
      },
    });
  };

  return (
    <TableWrap label="API tokens">
      <table className="table table-cards">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Scopes</th>
            <th scope="col">Units</th>
            <th scope="col" className="hide-sm">
              Created
            </th>
            <th scope="col">Expires</th>
            <th scope="col">Last used</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {tokens.map((t) => (
            <tr key={t.name}>
              <td>
                <strong>{t.name}</strong>
              </td>
              <td>
                {t.scopes.map((s) => (
                  <span key={s} className="badge tone-info">
                    {s}
                  </span>
                ))}
              </td>
              <td className="mono">{t.units.join(', ')}</td>
              <td className="hide-sm">
                {formatTime(t.createdAt)}
                {t.createdBy ? <span className="muted small"> by {t.createdBy}</span> : null}
              </td>
              <td>{t.expiresAt ? formatTime(t.expiresAt) : 'never'}</td>
              <td>
                {t.lastUsedAt ? formatTime(t.lastUsedAt) : 'never'}
                {t.lastUsedFrom ? <span className="muted small"> from {t.lastUsedFrom}</span> : null}
              </td>
              <td>
                <Button
                  size="sm"
                  variant="danger"
                  onClick={() => setRevoking(t.name)}
                  aria-label={`Revoke ${t.name}`}
                >
                  Revoke
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <ConfirmDialog
        open={revoking !== null}
        title={`Revoke ${revoking ?? ''}?`}
        confirmLabel="Revoke"
        variant="danger"
        busy={revoke.isPending}
        onConfirm={confirm}
        onCancel={() => setRevoking(null)}
      >
        <p>Whatever uses this token is refused from its next request on. This cannot be undone.</p>
      </ConfirmDialog>
    </TableWrap>
  );
}
