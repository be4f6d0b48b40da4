import type { NotifyEvent } from '@vocabulary';

/** The events a channel takes, one checkbox each (the add and the edit form). */
export function EventChoice({
  events,
  chosen,
  onChange,
}: {
  events: NotifyEvent[];
  chosen: NotifyEvent[];
  onChange: (chosen: NotifyEvent[]) => void;
}) {
  const toggle = (ev: NotifyEvent) =>
    onChange(chosen.includes(ev) ? chosen.filter((x) => x !== ev) : [...chosen, ev]);
  return (
    <fieldset className="row">
      <legend>Events</legend>
      {events.map((ev) => (
        <label key={ev} className="row-tight">
          <input type="checkbox" checked={chosen.includes(ev)} onChange={() => toggle(ev)} />
          <span>{ev}</span>
        </label>
      ))}
    </fieldset>
  );
}
