/**
 * The host the data profiles are recorded on: a small company's services on one machine, in every way podup
 * meets units (a Quadlet file, podman run labels, PODUP_UNITS, one that does not opt in, one whose registry
 * refuses, one configured but absent). Pulls and restarts take simulated time so logged durations look real.
 */
import { AppError } from '../../server/src/errors.js';
import type { FakeTestApp } from '../helpers/app.js';

export const IMAGE = {
  web: 'ghcr.io/acme/web:main',
  api: 'ghcr.io/acme/api:main',
  backup: 'ghcr.io/acme/backup:stable',
  adminer: 'docker.io/library/adminer:4',
  grafana: 'ghcr.io/acme/grafana:11',
  proxy: 'ghcr.io/acme/proxy:latest',
  docs: 'ghcr.io/acme/docs:latest',
} as const;

/** The ops webhook's URL; `OPS_HOOK` is where the fake sender answers for it (it can be taken down). */
export const OPS_HOOK_URL = 'jsons://hooks.acme.example/podup';
export const OPS_HOOK = 'https://hooks.acme.example/podup';

/** The podup configuration of the acme host (besides the fake app's sockets and state dir). */
export const ACME_ENV: Record<string, string> = {
  PODUP_UNITS: [
    `backup.service=${IMAGE.backup}`,
    `proxy.service=${IMAGE.proxy}`,
    'legacy.service=ghcr.io/acme/legacy:1',
  ].join(','),
  // Two channels from the configuration: the team's phones (failures only) and the ops webhook (everything).
  PODUP_NOTIFY: `ntfy://ntfy.sh/acme-ops-alerts?events=failed,rolled-back,degraded, ${OPS_HOOK_URL}?events=all`,
  PODUP_NOTIFY_SECRET: 'recorded-notify-secret-0123456789',
};

const PULL_MS = 2_400;
const RESTART_MS = 1_100;

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function setUpAcmeHost(t: FakeTestApp): void {
  const { host, adapters } = t;
  for (const image of Object.values(IMAGE)) host.push(image, '1');
  host.addQuadlet('web.container', `[Container]\nImage=${IMAGE.web}\nAutoUpdate=registry\n`);
  host.addUnit('web.service', IMAGE.web, { says: ['listening on :8080'] });
  host.addUnit('api.service', IMAGE.api, { says: ['api ready'] });
  host.addUnit('worker.service', IMAGE.api, { says: ['worker polling the queue'] });
  host.addUnit('backup.service', IMAGE.backup, { autoUpdate: null });
  host.addUnit('adminer.service', IMAGE.adminer, { autoUpdate: null });
  host.addUnit('grafana.service', IMAGE.grafana);
  host.addUnit('proxy.service', IMAGE.proxy);
  host.lookupErrors.set(
    IMAGE.proxy,
    new AppError(
      'REGISTRY_DENIED',
      `no digest for ${IMAGE.proxy}: ghcr.io: ghcr.io refused access to acme/proxy (401); check podman login ghcr.io`,
    ),
  );

  const pull = adapters.runtime.pull.bind(adapters.runtime);
  adapters.runtime.pull = async (...args) => {
    await pause(PULL_MS);
    return pull(...args);
  };
  const restart = adapters.unitManager.restart.bind(adapters.unitManager);
  adapters.unitManager.restart = async (...args) => {
    await pause(RESTART_MS);
    return restart(...args);
  };
}
