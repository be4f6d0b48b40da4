/**
 * Lingering: whether the user's systemd manager runs without a login session (started at boot, kept after the
 * last logout), which a user-scope podup needs to keep its socket listening. systemd-logind keeps one file per
 * lingering user in /var/lib/systemd/linger (what `loginctl enable-linger` creates and `loginctl show-user -p
 * Linger` reads), so reading it needs no bus.
 */
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';

export const LINGER_DIR = '/var/lib/systemd/linger';

export const currentUser = (): string => userInfo().username;

export function lingering(user = currentUser(), dir = LINGER_DIR): boolean {
  return existsSync(`${dir}/${user}`);
}
