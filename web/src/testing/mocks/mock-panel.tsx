/** The floating mock console (mock mode only): pick a fixture profile; the choice survives reloads. */
import { useId, useState } from 'react';
import { TRANSPORT } from './fixtures';
import { PROFILE_SETUP, PROFILES, isProfile, type Profile } from './profiles';

export const PROFILE_KEY = 'podup:mock-profile';

export function readProfile(): Profile {
  try {
    const v = localStorage.getItem(PROFILE_KEY);
    return isProfile(v) ? v : 'happy-path';
  } catch {
    return 'happy-path';
  }
}

export function MockPanel({ current, onChange }: { current: Profile; onChange: (p: Profile) => void }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  return (
    <aside className="mock-panel" aria-label="Mock console">
      <button
        type="button"
        className="btn btn-sm btn-secondary"
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpen(!open)}
      >
        Mock: {current}
      </button>
      {open && (
        <div id={id} className="mock-panel-body card">
          <label htmlFor={`${id}-profile`}>Fixture profile</label>
          <select
            id={`${id}-profile`}
            value={current}
            onChange={(e) => {
              if (isProfile(e.target.value)) onChange(e.target.value);
            }}
          >
            {PROFILES.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
          <p className="muted small">{PROFILE_SETUP[current].note}</p>
          {current === 'auth-error' && (
            <p className="small">
              Token: <code>{TRANSPORT.token}</code>
            </p>
          )}
          <button type="button" className="btn btn-sm" onClick={() => onChange(current)}>
            Reset data
          </button>
        </div>
      )}
    </aside>
  );
}
