// dbus-next as the systemd adapter import()s it, bundled into dist/vendor/dbus-next.mjs.
import dbus from 'dbus-next';
export default dbus;
