// The ceiling for Node on the webhook path: a bare node:http server that reads the whole request body and
// answers 202 with a tiny JSON body (GET /healthz: 200). No routing, no HMAC, no JSON parsing, no database.
//
// Listens on the socket systemd (or systemd-socket-activate) passes as fd 3 when LISTEN_FDS >= 1 and
// LISTEN_PID is this process (sd_listen_fds(3)); otherwise on 127.0.0.1:$BARE_PORT (or argv[2]).
// Used by bench/webhook.sh for the throughput comparison and for the cold-start comparison.
//
// With BARE_VERIFY_SECRET set it also does the two things no webhook receiver may skip: the HMAC-SHA256 of the
// body checked against X-Hub-Signature-256 (401 if wrong) and JSON.parse of the body (400 if malformed). That is
// the ceiling for any Node server that verifies and reads GitHub's payload (bench target bare-verify).
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';

const ACCEPTED = Buffer.from('{"status":"accepted"}\n');
const OK = Buffer.from('{"status":"ok"}\n');
const SECRET = process.env.BARE_VERIFY_SECRET;

/** 202 when unchecked or when signature and JSON are good, else 401 / 400. */
function verify(req, body) {
  if (!SECRET || req.method === 'GET') return 202;
  const given = Buffer.from(String(req.headers['x-hub-signature-256'] ?? ''));
  const want = Buffer.from(`sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`);
  if (given.length !== want.length || !timingSafeEqual(given, want)) return 401;
  try {
    return typeof JSON.parse(body.toString('utf8')).action === 'string' ? 202 : 400;
  } catch {
    return 400;
  }
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const isHealth = req.method === 'GET';
    const status = isHealth ? 200 : verify(req, body);
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': isHealth ? OK.length : ACCEPTED.length,
      'x-body-bytes': body.length,
    });
    res.end(isHealth ? OK : ACCEPTED);
  });
});

const fds = Number(process.env.LISTEN_FDS ?? 0);
const activated = fds >= 1 && Number(process.env.LISTEN_PID) === process.pid;
if (activated) {
  delete process.env.LISTEN_FDS;
  delete process.env.LISTEN_PID;
  delete process.env.LISTEN_FDNAMES;
  server.listen({ fd: 3 });
} else {
  const port = Number(process.env.BARE_PORT ?? process.argv[2] ?? 0);
  server.listen(port, '127.0.0.1', () => {
    process.stderr.write(`bare-node-server listening on 127.0.0.1:${server.address().port}\n`);
  });
}

const stop = () => server.close(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
