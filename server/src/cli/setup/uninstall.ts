/**
 * `podup setup --uninstall`: removes what `podup setup` made (the units and their links for boot, the startup
 * snapshot in the cache directory, the env file and the credential files) and stops podup and its wake-up timer. The state directory (the event log, the
 * tasks) stays unless --purge; lingering stays (other services of the user may need it).
 */
import { join } from 'node:path';
import { parseEnvFile, type InstallPaths } from '../installed.js';
import {
  readText,
  removeDirIfEmpty,
  removeFromReadOnlyDir,
  removePath,
  type SetupHost,
  type SetupLog,
} from './actions.js';

export interface UninstallOptions {
  paths: InstallPaths;
  host: SetupHost;
  purge: boolean;
}

export function uninstall(log: SetupLog, { paths, host, purge }: UninstallOptions): void {
  const { systemctl } = host;
  // Where the env file put the state, read before the env file goes.
  const stateDir = parseEnvFile(readText(paths.envFile) ?? '').PODUP_STATE_DIR || paths.stateDir;
  const units = ['podup.socket', 'podup.service'];
  const enabled = units.filter(
    (unit) =>
      systemctl.query('show', '-p', 'LoadState', '--value', unit) === 'loaded' &&
      systemctl.query('is-enabled', unit) === 'enabled',
  );
  if (enabled.length > 0) systemctl.change(log, 'disabled', enabled.join(', '), 'disable', ...enabled);
  // podup.timer is the transient wake-up timer podup keeps (adapters/systemd/wake-timer.ts): it would start a
  // podup.service that is gone.
  for (const unit of ['podup.timer', ...units]) {
    if (['active', 'activating', 'reloading', 'deactivating'].includes(systemctl.query('is-active', unit)))
      systemctl.change(log, 'stopped', unit, 'stop', unit);
  }
  const removedUnits = ['podup.socket', 'podup.service']
    .map((unit) => removePath(log, join(paths.unitDir, unit), 'unit'))
    .some(Boolean);
  if (removedUnits) {
    systemctl.change(log, 'reloaded', `the ${paths.scope} manager`, 'daemon-reload');
    // A unit that failed stays listed as failed until this, even without its file.
    systemctl.query('reset-failed', 'podup.socket', 'podup.service');
  }

  // The secrets' copies the user manager keeps after the unit stopped (SetupHost.credentialCopies).
  if (host.credentialCopies !== undefined)
    removeFromReadOnlyDir(
      log,
      host.credentialCopies,
      host.credentialCopies,
      "systemd's copies of the secrets",
    );

  const cacheFiles = ['serve.blob', 'serve.blob.stamp'];
  for (const f of cacheFiles) removePath(log, join(paths.cacheDir, f), 'startup snapshot');
  removeDirIfEmpty(log, paths.cacheDir, 'cache directory', cacheFiles);

  const configFiles = ['env', 'github-webhook-secret', 'admin-token'];
  const what = { env: 'env file', 'github-webhook-secret': 'webhook secret', 'admin-token': 'admin token' };
  for (const f of configFiles) removePath(log, join(paths.credentialDir, f), what[f as keyof typeof what]);
  removeDirIfEmpty(log, paths.credentialDir, 'config directory', configFiles);

  if (purge) removePath(log, stateDir, 'state: event log and tasks', { recursive: true });
  else
    log.add(
      'kept',
      `${stateDir} (state: event log and tasks)`,
      false,
      'podup setup --uninstall --purge removes it',
    );
}
