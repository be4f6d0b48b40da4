/**
 * `podup setup --uninstall`: removes what `podup setup` made (the units, the startup snapshot in the cache
 * directory, the env file and the credential files) and stops podup. The state directory (the event log, the
 * tasks) stays unless --purge; lingering stays (other services of the user may need it).
 */
import { join } from 'node:path';
import { parseEnvFile, type InstallPaths } from '../installed.js';
import { readText, removeDirIfEmpty, removePath, type SetupLog, Systemctl } from './actions.js';

export interface UninstallOptions {
  paths: InstallPaths;
  purge: boolean;
}

export function uninstall(log: SetupLog, { paths, purge }: UninstallOptions): void {
  const systemctl = new Systemctl(paths.scope);
  // Where the env file put the state, read before the env file goes.
  const stateDir = parseEnvFile(readText(paths.envFile) ?? '').PODUP_STATE_DIR || paths.stateDir;
  const known = systemctl.query('show', '-p', 'LoadState', '--value', 'podup.socket') === 'loaded';
  if (known && systemctl.query('is-enabled', 'podup.socket') === 'enabled')
    systemctl.change(log, 'disabled', 'podup.socket', 'disable', 'podup.socket');
  for (const unit of ['podup.socket', 'podup.service']) {
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

  const cacheFiles = ['serve.blob', 'serve.blob.stamp'];
  for (const f of cacheFiles) removePath(log, join(paths.cacheDir, f), 'startup snapshot');
  removeDirIfEmpty(log, paths.cacheDir, 'cache directory', cacheFiles);

  const configFiles = ['env', 'github-webhook-secret', 'admin-token'];
  const what = { env: 'env file', 'github-webhook-secret': 'webhook secret', 'admin-token': 'admin token' };
  for (const f of configFiles) removePath(log, join(paths.credentialDir, f), what[f as keyof typeof what]);
  removeDirIfEmpty(log, paths.credentialDir, 'config directory', configFiles);

  if (purge) removePath(log, stateDir, 'state: event log and tasks', true);
  else
    log.add(
      'kept',
      `${stateDir} (state: event log and tasks)`,
      false,
      'podup setup --uninstall --purge removes it',
    );
}
