/** A part podup needs that is down (from /readyz), with what to do about it. */
export interface PartDown {
  name: string;
  detail: string;
  hint?: string | undefined;
}

/** The parts that are down, each with its detail and its fix: the list inside the alerts that name them. */
export function DownList({ down }: { down: readonly PartDown[] }) {
  return (
    <ul className="alert-list">
      {down.map((d) => (
        <li key={d.name}>
          <strong>{d.name}</strong>: {d.detail}
          {d.hint && (
            <>
              <br />
              <span className="alert-hint">Fix: {d.hint}</span>
            </>
          )}
        </li>
      ))}
    </ul>
  );
}
