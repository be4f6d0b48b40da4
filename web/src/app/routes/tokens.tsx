import { ErrorMessage } from '@/components/error-message';
import { Loading } from '@/components/spinner';
import { useTokens } from '@/features/tokens/api/get-tokens';
import { NewTokenForm } from '@/features/tokens/components/new-token-form';
import { TokensTable } from '@/features/tokens/components/tokens-table';

export function TokensRoute() {
  const tokens = useTokens();
  return (
    <>
      <div className="page-head">
        <h1>API tokens</h1>
        <span className="muted small">For bots and scripts: each with its own scopes and units.</span>
      </div>
      <div className="stack">
        <NewTokenForm />
        <section className="card" aria-labelledby="tokens-heading">
          <h2 id="tokens-heading">Tokens</h2>
          {tokens.isPending && <Loading label="Loading tokens…" />}
          {tokens.isError && (
            <ErrorMessage
              error={tokens.error}
              title="Could not load tokens"
              onRetry={() => void tokens.refetch()}
            />
          )}
          {tokens.data && <TokensTable tokens={tokens.data.tokens} />}
        </section>
      </div>
    </>
  );
}
