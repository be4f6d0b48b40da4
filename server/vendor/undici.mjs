// What podup uses of undici (the adapters import() it on first use), bundled into dist/vendor/undici.mjs.
export { Agent, Client, request } from 'undici';
