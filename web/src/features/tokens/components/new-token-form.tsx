import { useId, useState, type FormEvent } from 'react';
import type { CreatedToken, CreateTokenBody } from '@contract';
import { SCOPES, type Scope } from '@vocabulary';
import { Button } from '@/components/button';
import { CopyButton } from '@/components/copy-button';
import { Dialog } from '@/components/dialog';
import { useToast } from '@/components/toast';
import { useCreateToken } from '../api/create-token';

const SCOPE_HELP: Record<Scope, string> = {
  read: 'tasks, events, units, metrics',
  trigger: 'update its units, dry runs',
  control: 'stop, force-stop, retry',
  approve: 'approve or skip updates',
  admin: 'everything, tokens included',
};

const EXPIRY = [
  ['', 'never'],
  ['30d', '30 days'],
  ['90d', '90 days'],
  ['365d', 'a year'],
] as const;

/** A new token: name, scopes, unit patterns, lifetime. Its plain text is shown once, in the dialog after. */
export function NewTokenForm() {
  const create = useCreateToken();
  const toast = useToast();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Scope[]>(['trigger']);
  const [units, setUnits] = useState('');
  const [expires, setExpires] = useState('90d');
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const ids = { name: useId(), units: useId(), expires: useId() };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const patterns = units
      .split(',')
      .map((u) => u.trim())
      .filter(Boolean);
    const body: CreateTokenBody = {
      name: name.trim(),
      scopes,
      ...(patterns.length ? { units: patterns } : {}),
      ...(expires ? { expires } : {}),
    };
    create.mutate(body, {
      onSuccess: (token) => {
        setCreated(token);
        setName('');
        setUnits('');
      },
      onError: (err) => toast.error(err, 'Could not create the token'),
    });
  };

  const toggle = (s: Scope) =>
    setScopes((now) => (now.includes(s) ? now.filter((x) => x !== s) : [...now, s]));

  return (
    <section className="card" aria-labelledby={`${ids.name}-heading`}>
      <h2 id={`${ids.name}-heading`}>New token</h2>
      <form className="stack" onSubmit={submit}>
        <div className="filters">
          <div className="field">
            <label htmlFor={ids.name}>Name</label>
            <input
              id={ids.name}
              required
              maxLength={64}
              pattern="[A-Za-z0-9][A-Za-z0-9._\-]*"
              placeholder="ci-bot"
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
          </div>
          <div className="field field-grow">
            <label htmlFor={ids.units}>Units (patterns, comma-separated; empty: all)</label>
            <input
              id={ids.units}
              placeholder="web-*, api.service"
              value={units}
              onChange={(e) => setUnits(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor={ids.expires}>Expires</label>
            <select id={ids.expires} value={expires} onChange={(e) => setExpires(e.target.value)}>
              {EXPIRY.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </div>
        </div>
        <fieldset className="row">
          <legend>Scopes</legend>
          {SCOPES.map((s) => (
            <label key={s} className="row-tight">
              <input type="checkbox" checked={scopes.includes(s)} onChange={() => toggle(s)} />
              <span>
                {s} <span className="muted small">({SCOPE_HELP[s]})</span>
              </span>
            </label>
          ))}
        </fieldset>
        <div>
          <Button type="submit" variant="primary" busy={create.isPending} disabled={scopes.length === 0}>
            Create token
          </Button>
        </div>
      </form>
      <Dialog
        open={created !== null}
        onClose={() => setCreated(null)}
        title={`Token ${created?.name ?? ''}`}
        footer={<Button onClick={() => setCreated(null)}>Done</Button>}
      >
        {created && (
          <>
            <p>
              Copy it now: podup keeps only its hash and will not show it again. Send it as{' '}
              <code>Authorization: Bearer &lt;token&gt;</code>.
            </p>
            <div className="url-value">
              <code className="wrap">{created.token}</code>
              <CopyButton text={created.token} label="Copy token" />
            </div>
          </>
        )}
      </Dialog>
    </section>
  );
}
