// node:http, node:https and node:http2 as the snapshot bundle sees them (bundle.mjs): their parser binding holds
// handles a V8 startup snapshot cannot keep, so they must not load while the snapshot is built. This proxy
// loads the real module on first use at run time. While building, only `whileBuilding` is there: plain data
// Fastify reads when it loads (node's own values, taken by the bundler from the same node) and, for node:http,
// a createServer() whose server never listens, which is what the warm-up's buildApp() gets from Fastify.
// Anything else used while building fails with the name of what was used.
'use strict';

const { startupSnapshot } = process.getBuiltinModule('node:v8');
const { EventEmitter } = process.getBuiltinModule('node:events');

// The members Fastify uses between creating its server and close() when nothing listens.
function unlistenedServer() {
  const server = Object.assign(new EventEmitter(), {
    listening: false,
    address: () => null,
    close: (done) => {
      done?.();
      return server;
    },
    setTimeout: () => server,
    closeIdleConnections: () => undefined,
  });
  return server;
}

const STAND_INS = { http: { createServer: unlistenedServer } };

module.exports = function lazyBuiltin(name, data) {
  const whileBuilding = { ...data, ...STAND_INS[name] };
  let loaded;
  const real = (use) => {
    if (startupSnapshot.isBuildingSnapshot()) {
      throw new Error(`node:${name} (${use}) was used while building the startup snapshot`);
    }
    return (loaded ??= process.getBuiltinModule(`node:${name}`));
  };
  return new Proxy(
    {},
    {
      get: (_, key) =>
        startupSnapshot.isBuildingSnapshot() && Object.hasOwn(whileBuilding, key)
          ? whileBuilding[key]
          : real(String(key))[key],
      has: (_, key) => key in real('in'),
      ownKeys: () => Reflect.ownKeys(real('keys')),
      getOwnPropertyDescriptor: (_, key) => {
        const d = Object.getOwnPropertyDescriptor(real(String(key)), key);
        return d && { ...d, configurable: true };
      },
    },
  );
};
