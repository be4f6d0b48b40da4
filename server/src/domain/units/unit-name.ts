/**
 * systemd unit names as systemd accepts them, checked before any name reaches D-Bus.
 * @see https://www.freedesktop.org/software/systemd/man/systemd.unit.html (unit_name_is_valid)
 */
const UNIT_NAME_MAX = 255;
// A template without an instance (app@.service) is a valid name but cannot be started, so it is refused.
const SERVICE = /^(?:[A-Za-z0-9:_.\\-]+)(?:@[A-Za-z0-9:_.\\-]+)?\.service$/;

/** "app" and "app.service" both mean app.service; undefined when the name is not a valid service unit. */
export function toServiceUnit(name: string): string | undefined {
  const unit = name.endsWith('.service') ? name : `${name}.service`;
  if (unit.length > UNIT_NAME_MAX || !SERVICE.test(unit) || unit.startsWith('.') || unit.startsWith('@')) {
    return undefined;
  }
  return unit;
}
