import type { Settings } from '@contract';
import { CopyButton } from '@/components/copy-button';
import { EmptyState } from '@/components/empty-state';
import { TableWrap } from '@/components/table-wrap';
import { TestDelivery } from './test-delivery';

function UrlRow({ label, url, help }: { label: string; url: string; help: string }) {
  return (
    <div className="url-row">
      <div className="url-label">
        <strong>{label}</strong>
        <p className="muted small">{help}</p>
      </div>
      <div className="url-value">
        <code className="wrap">{url}</code>
        <CopyButton text={url} label="Copy" />
      </div>
    </div>
  );
}

export function WebhookUrls({ settings }: { settings: Settings }) {
  return (
    <section className="card" aria-labelledby="webhook-heading">
      <h2 id="webhook-heading">Webhook</h2>
      <UrlRow
        label="GitHub webhook URL"
        url={settings.webhookUrl}
        help="Paste as the payload URL of a repository or organisation webhook: content type application/json, the shared secret, events Packages and/or Registry packages."
      />
      <UrlRow
        label="Legacy per-unit URL"
        url={settings.legacyWebhookUrl}
        help="For hooks set up for pod-upgrade-trigger: replace <unit> with the unit name."
      />
      <TestDelivery />
    </section>
  );
}

/** Units podup found on the host next to units named in its configuration, and where they differ. */
export function UnitSources({ units }: { units: Settings['units'] }) {
  const configured = new Map(units.configured.map((u) => [u.unit, u.image]));
  const discovered = new Set(units.discovered.map((u) => u.unit));
  const all = [...new Set([...discovered, ...configured.keys()])].sort();
  return (
    <section className="card" aria-labelledby="units-heading">
      <h2 id="units-heading">Units</h2>
      <p className="muted small">
        {units.discovered.length} discovered on the host, {units.configured.length} configured by name.
      </p>
      {all.length === 0 ? (
        <EmptyState title="No units">
          None discovered and none configured. Label containers with{' '}
          <code>io.containers.autoupdate=registry</code> or add <code>AutoUpdate=registry</code> to a Quadlet
          file.
        </EmptyState>
      ) : (
        <TableWrap label="Units and their settings">
          <table className="table table-cards">
            <thead>
              <tr>
                <th scope="col">Unit</th>
                <th scope="col">Discovered</th>
                <th scope="col">Configured</th>
                <th scope="col">Image</th>
              </tr>
            </thead>
            <tbody>
              {all.map((name) => {
                const d = units.discovered.find((u) => u.unit === name);
                const c = configured.get(name);
                return (
                  <tr key={name}>
                    <td>{name}</td>
                    <td>
                      {d ? (
                        `yes (${d.sources.join(', ') || 'unknown source'})`
                      ) : (
                        <span className="badge tone-warn">no</span>
                      )}
                    </td>
                    <td>{c !== undefined ? 'yes' : <span className="muted">no</span>}</td>
                    <td className="wrap small">{d?.image ?? c ?? '—'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableWrap>
      )}
    </section>
  );
}
