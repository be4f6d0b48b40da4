import { useId, useState, type FormEvent } from 'react';
import type { Session } from '@contract';
import { Button } from '@/components/button';
import { isApiError } from '@/lib/api-client';
import { useSignIn } from '../api/sign-in';

function signInError(e: unknown): string {
  if (isApiError(e)) {
    if (e.status === 401) return 'That token is not right.';
    if (e.status === 429)
      return `Too many attempts. Try again${e.retryAfterSec !== undefined ? ` in ${e.retryAfterSec} s` : ' later'}.`;
    return e.hint ? `${e.message} (${e.hint})` : e.message;
  }
  return e instanceof Error ? e.message : String(e);
}

export function SignInForm({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [token, setToken] = useState('');
  const signIn = useSignIn();
  const id = useId();
  const errorId = `${id}-error`;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!token.trim()) return;
    signIn.mutate(token.trim(), { onSuccess: onSignedIn });
  };

  return (
    <form className="card sign-in" onSubmit={submit} noValidate>
      <h1>Sign in to podup</h1>
      <p className="muted">
        Paste the admin token: the value of <code>PODUP_ADMIN_TOKEN</code> (or of the <code>admin-token</code>{' '}
        credential). The session lasts until you sign out or it expires.
      </p>
      <label htmlFor={id}>Admin token</label>
      <input
        id={id}
        type="password"
        autoComplete="current-password"
        value={token}
        onChange={(e) => setToken(e.target.value)}
        aria-invalid={signIn.isError || undefined}
        aria-describedby={signIn.isError ? errorId : undefined}
        required
        autoFocus
      />
      {signIn.isError && (
        <p id={errorId} className="field-error" role="alert">
          {signInError(signIn.error)}
        </p>
      )}
      <Button type="submit" variant="primary" busy={signIn.isPending} disabled={!token.trim()}>
        Sign in
      </Button>
    </form>
  );
}
