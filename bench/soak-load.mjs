// The load and the sampler of bench/soak.sh (run by it; not on its own): for SOAK_SECONDS, against podup on
// SOAK_URL, at fixed rates and bounded in count,
//   * signed GitHub `package` (published) webhooks for SOAK_IMAGES images, a fresh X-GitHub-Delivery each,
//   * forged webhooks (a wrong signature: the noise anyone can send),
//   * API reads as the panel sends them (tasks, events filtered by outcome, the overview) with the admin token,
//   * SSE task-log streams (GET /api/v1/tasks/:id/log) on recent tasks, SOAK_STREAMS open at a time, each
//     closed after 15 s or when the task ends and replaced by one on a newer task;
// and every SOAK_SAMPLE_SECONDS it samples podup's RSS (/proc/PID/status) and the state database's size on
// disk (podup.db + -wal + -shm). Writes the samples as TSV to SOAK_OUT and a summary line to stdout.
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';

const env = (name, fallback) => process.env[name] ?? fallback;
const URL_BASE = env('SOAK_URL');
const PID = Number(env('SOAK_PID'));
const STATE_DIR = env('SOAK_STATE_DIR');
const SECRET = env('SOAK_SECRET');
const TOKEN = env('SOAK_ADMIN_TOKEN');
const OUT = env('SOAK_OUT');
const SECONDS = Number(env('SOAK_SECONDS', '600'));
const SAMPLE_S = Number(env('SOAK_SAMPLE_SECONDS', '10'));
const HOOK_RPS = Number(env('SOAK_WEBHOOK_RPS', '50'));
const FORGED_RPS = Number(env('SOAK_FORGED_RPS', '10'));
const READ_RPS = Number(env('SOAK_READ_RPS', '10'));
const STREAMS = Number(env('SOAK_STREAMS', '8'));
const IMAGES = Number(env('SOAK_IMAGES', '1000'));
const FIXTURE = env('SOAK_FIXTURE');
for (const [k, v] of Object.entries({ URL_BASE, PID, STATE_DIR, SECRET, TOKEN, OUT, FIXTURE }))
  if (!v) throw new Error(`soak-load: ${k} is not set`);

const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
const url = new URL(URL_BASE);

// ---------------------------------------------------------------- bodies: one per image, signed once
const fixtureText = readFileSync(FIXTURE, 'utf8');
const fixture = JSON.parse(fixtureText);
const bodies = [];
for (let i = 0; i < IMAGES; i++) {
  const d = structuredClone(fixture);
  const name = `soak-app-${String(i).padStart(4, '0')}`;
  const digest = `sha256:${createHmac('sha256', 'soak').update(String(i)).digest('hex')}`;
  d.package.name = name;
  const v = d.package.package_version;
  v.version = digest;
  v.name = digest;
  v.container_metadata.tag = { name: `v1.${i}.0`, digest };
  v.container_metadata.manifest.digest = digest;
  v.package_url = `ghcr.io/${d.package.namespace}/${name}:v1.${i}.0`;
  const body = Buffer.from(JSON.stringify(d, null, 2));
  bodies.push({ body, sig: `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}` });
}
const nonce = randomBytes(4).toString('hex');

// ---------------------------------------------------------------- requests
const counts = {};
const count = (key) => (counts[key] = (counts[key] ?? 0) + 1);
let inFlight = 0;
const MAX_IN_FLIGHT = 64; // bounded: a slow podup makes the driver skip ticks, not pile up requests

function request(kind, method, path, headers, body) {
  if (inFlight >= MAX_IN_FLIGHT) return count(`${kind} skipped`);
  inFlight++;
  const req = http.request(
    { host: url.hostname, port: url.port, method, path, headers, agent, timeout: 10_000 },
    (res) => {
      res.resume();
      res.on('end', () => {
        inFlight--;
        count(`${kind} ${res.statusCode}`);
      });
    },
  );
  req.on('timeout', () => req.destroy(new Error('timeout')));
  req.on('error', () => {
    inFlight--;
    count(`${kind} error`);
  });
  req.end(body);
}

let seq = 0;
function webhook(forged) {
  const { body, sig } = bodies[seq++ % bodies.length];
  request(
    forged ? 'forged' : 'webhook',
    'POST',
    '/webhooks/github',
    {
      'content-type': 'application/json',
      'x-github-event': 'package',
      'x-github-delivery': `soak-${nonce}-${seq}`,
      'x-hub-signature-256': forged ? `sha256=${'0'.repeat(64)}` : sig,
      'content-length': body.length,
    },
    body,
  );
}

const auth = { authorization: `Bearer ${TOKEN}` };
const READS = ['/api/v1/tasks?limit=50', '/api/v1/events?outcome=accepted&limit=100', '/api/v1/overview'];
let readSeq = 0;
const read = () => request('read', 'GET', READS[readSeq++ % READS.length], auth);

// ---------------------------------------------------------------- SSE streams
let recentTasks = [];
const streams = new Set();
function refreshTasks() {
  http
    .get(
      { host: url.hostname, port: url.port, path: '/api/v1/tasks?limit=20', headers: auth, agent },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => {
          try {
            recentTasks = (JSON.parse(text).tasks ?? JSON.parse(text).items ?? []).map((t) => t.id);
          } catch {
            /* the next refresh tries again */
          }
        });
      },
    )
    .on('error', () => count('sse refresh error'));
}
let streamSeq = 0;
function openStream() {
  const id = recentTasks[streamSeq++ % Math.max(recentTasks.length, 1)];
  if (!id) return;
  const s = { lines: 0 };
  streams.add(s);
  const req = http.get(
    // Not through the keep-alive agent: a stream holds its connection.
    {
      host: url.hostname,
      port: url.port,
      path: `/api/v1/tasks/${id}/log`,
      headers: { ...auth, accept: 'text/event-stream' },
    },
    (res) => {
      count(`sse ${res.statusCode}`);
      res.setEncoding('utf8');
      res.on('data', (c) => (counts['sse bytes'] = (counts['sse bytes'] ?? 0) + c.length));
      res.on('end', () => streams.delete(s));
      res.on('error', () => streams.delete(s));
    },
  );
  req.on('error', () => {
    streams.delete(s);
    count('sse error');
  });
  s.timer = setTimeout(() => {
    req.destroy();
    streams.delete(s);
  }, 15_000);
}

// ---------------------------------------------------------------- sampling
const samples = [];
const t0 = Date.now();
function fileSize(p) {
  try {
    return statSync(p).size;
  } catch {
    return 0;
  }
}
function sample() {
  let rssKiB = 0;
  try {
    rssKiB = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${PID}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    /* podup gone: recorded as 0 */
  }
  const db = `${STATE_DIR}/podup.db`;
  const row = {
    t: Math.round((Date.now() - t0) / 1000),
    rssMiB: rssKiB / 1024,
    dbMiB: fileSize(db) / 2 ** 20,
    walMiB: (fileSize(`${db}-wal`) + fileSize(`${db}-shm`)) / 2 ** 20,
    webhooks: counts['webhook 202'] ?? 0,
    streams: streams.size,
  };
  samples.push(row);
  process.stderr.write(
    `soak: t=${row.t}s rss=${row.rssMiB.toFixed(1)} MiB db=${row.dbMiB.toFixed(1)} MiB wal+shm=${row.walMiB.toFixed(1)} MiB accepted=${row.webhooks} streams=${row.streams}\n`,
  );
}

// ---------------------------------------------------------------- schedule (10 ticks per second)
const every = (rps) => {
  let owed = 0;
  return (fn) => {
    owed += rps / 10;
    while (owed >= 1) {
      owed -= 1;
      fn();
    }
  };
};
const hooks = every(HOOK_RPS);
const forged = every(FORGED_RPS);
const reads = every(READ_RPS);
refreshTasks();
sample();
const tick = setInterval(() => {
  hooks(() => webhook(false));
  forged(() => webhook(true));
  reads(read);
  while (streams.size < STREAMS && recentTasks.length > 0) openStream();
}, 100);
const refresh = setInterval(refreshTasks, 2_000);
const sampler = setInterval(sample, SAMPLE_S * 1000);

setTimeout(() => {
  clearInterval(tick);
  clearInterval(refresh);
  clearInterval(sampler);
  // Let the last requests finish, then one final sample.
  setTimeout(() => {
    sample();
    for (const s of streams) clearTimeout(s.timer);
    writeFileSync(
      OUT,
      `t_s\trss_mib\tdb_mib\twal_shm_mib\taccepted\tstreams\n${samples
        .map((r) =>
          [r.t, r.rssMiB.toFixed(1), r.dbMiB.toFixed(2), r.walMiB.toFixed(2), r.webhooks, r.streams].join(
            '\t',
          ),
        )
        .join('\n')}\n`,
    );
    console.log(`SOAK_COUNTS ${JSON.stringify(counts)}`);
    agent.destroy();
    process.exit(0);
  }, 3_000);
}, SECONDS * 1000);
