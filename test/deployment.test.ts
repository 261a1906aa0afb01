/**
 * The deployment kit in deploy/ (docs/deployment.md), checked as shipped:
 *
 * - deploy/nginx/kyoso.conf runs in a real nginx, in front of a real `kyoso serve` process: `nginx -t`,
 *   then HTTPS over HTTP/2 with a self-signed certificate, the redirect from port 80, the proxy headers
 *   (the client's address from X-Forwarded-For through KYOSO_TRUST_PROXY, X-Request-Id joining the logs),
 *   gzip, the cache of /static/, the body limit, the page shown while Kyoso is down, and the access log
 *   that leaves out the secrets in addresses. The test rewrites only what must differ on a test machine:
 *   ports, certificate, log and ACME paths, the upstream port (SUBSTITUTIONS, each required to match).
 * - deploy/systemd/*: `systemd-analyze verify`, and the backup unit's own command run against the live
 *   database of that server (a backup appears, old ones go).
 * - deploy/docker/Dockerfile: not built (no Docker engine here); its structure is checked against the
 *   repository: what it copies exists and is what the server reads, and `npm ci --omit=dev` keeps every
 *   package the server imports.
 *
 * Needs nginx (Debian nginx-light), openssl and systemd-analyze (Debian systemd); .ci/run installs them.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import { builtinModules } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import tls from 'node:tls';
import zlib from 'node:zlib';
import { BUNDLED_PLAN_FILE, ROOT_DIR } from '../src/config.ts';
import { MAX_UPLOAD_MB } from '../src/modules/kpi/kpi-upload.routes.tsx';

const DEPLOY = path.join(ROOT_DIR, 'deploy');
const NGINX_CONF = path.join(DEPLOY, 'nginx', 'kyoso.conf');
const SYSTEMD_DIR = path.join(DEPLOY, 'systemd');
const DOCKERFILE = path.join(DEPLOY, 'docker', 'Dockerfile');
const INSTALL_HINT = 'install the Debian packages nginx-light, openssl and systemd (.ci/run does)';

/** The first executable found: an absolute candidate, or a name looked up on PATH (+ /usr/sbin, /sbin). */
function findTool(candidates: string[]): string | null {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/sbin'].filter(Boolean);
  for (const c of candidates) {
    const paths = path.isAbsolute(c) ? [c] : dirs.map((d) => path.join(d, c));
    for (const p of paths) {
      try {
        fs.accessSync(p, fs.constants.X_OK);
        return p;
      } catch {
        // not here
      }
    }
  }
  return null;
}

function requireTool(name: string, candidates: string[]): string {
  const found = findTool(candidates);
  if (!found) throw new Error(`${name} not found (looked for ${candidates.join(', ')}): ${INSTALL_HINT}`);
  return found;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Substitution {
  /** Why a test machine needs it. */
  why: string;
  from: RegExp;
  to: string;
  /** How many times it must match in the shipped file: a file of another shape fails loudly. */
  count: number;
}

/**
 * Everything the test changes in deploy/nginx/kyoso.conf: where it listens (free ports on 127.0.0.1; the
 * IPv6 listens go, a test machine may have no IPv6), its certificate, its log and ACME directories (the
 * temp dir) and the port of Kyoso. Nothing else: the rest is tested as shipped.
 */
function substitutions(p: {
  http: number;
  https: number;
  app: number;
  dir: string;
  cert: string;
  key: string;
}): Substitution[] {
  return [
    { why: 'HTTP port', from: /^([ \t]*)listen 80;$/gm, to: `$1listen 127.0.0.1:${p.http};`, count: 1 },
    {
      why: 'HTTPS port',
      from: /^([ \t]*)listen 443 ssl http2;$/gm,
      to: `$1listen 127.0.0.1:${p.https} ssl http2;`,
      count: 1,
    },
    { why: 'IPv6 listens', from: /^[ \t]*listen \[::\]:(?:80|443)\b[^\n]*\n/gm, to: '', count: 2 },
    { why: 'certificate', from: /\/etc\/ssl\/kyoso\/fullchain\.pem/g, to: p.cert, count: 1 },
    { why: 'private key', from: /\/etc\/ssl\/kyoso\/privkey\.pem/g, to: p.key, count: 1 },
    { why: 'log files', from: /\/var\/log\/nginx\//g, to: `${p.dir}/`, count: 4 },
    { why: 'ACME webroot', from: /\/var\/www\/acme\b/g, to: path.join(p.dir, 'acme'), count: 1 },
    { why: 'upstream', from: /server 127\.0\.0\.1:3000;/g, to: `server 127.0.0.1:${p.app};`, count: 1 },
  ];
}

function rewrite(text: string, subs: Substitution[]): string {
  let out = text;
  for (const s of subs) {
    const n = out.match(s.from)?.length ?? 0;
    if (n !== s.count)
      throw new Error(
        `deploy/nginx/kyoso.conf: expected ${s.count} match(es) of ${s.from} (${s.why}), found ${n}; ` +
          'update SUBSTITUTIONS in test/deployment.test.ts together with the file',
      );
    out = out.replace(s.from, s.to);
  }
  return out;
}

const withoutComments = (text: string) => text.replace(/#[^\n]*/g, '');

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One HTTP/1.1 request (TLS when `ca` is given), to 127.0.0.1 with SNI and Host localhost, from `from`. */
function request(
  port: number,
  urlPath: string,
  opts: { ca?: Buffer; method?: string; headers?: Record<string, string>; from?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const common = {
      host: '127.0.0.1',
      port,
      path: urlPath,
      method: opts.method ?? 'GET',
      agent: false as const,
      headers: { host: `localhost:${port}`, ...opts.headers },
      ...(opts.from ? { localAddress: opts.from } : {}),
    };
    const onResponse = (res: http.IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    };
    const req = opts.ca
      ? https.request({ ...common, ca: opts.ca, servername: 'localhost' }, onResponse)
      : http.request(common, onResponse);
    req.on('error', reject);
    req.end();
  });
}

/** One GET over HTTP/2 (ALPN h2) with TLS verified against `ca`. */
function h2get(
  port: number,
  urlPath: string,
  ca: Buffer,
  headers: Record<string, string> = {},
): Promise<Answer & { alpn: string | undefined }> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(`https://localhost:${port}`, {
      createConnection: () =>
        tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca, ALPNProtocols: ['h2'] }),
    });
    session.on('error', reject);
    const req = session.request({ ':path': urlPath, ...headers });
    let status = 0;
    let responseHeaders: Answer['headers'] = {};
    const chunks: Buffer[] = [];
    req.on('response', (h) => {
      status = Number(h[':status']);
      responseHeaders = h as Answer['headers'];
    });
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const alpn = session.alpnProtocol;
      session.close();
      resolve({ status, headers: responseHeaders, body: Buffer.concat(chunks), alpn });
    });
    req.on('error', reject);
    req.end();
  });
}

const header = (a: Answer, name: string): string => {
  const v = a.headers[name];
  return Array.isArray(v) ? v.join('\n') : (v ?? '');
};

async function stop(child: ChildProcess | undefined, name: string): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    process.stderr.write(`${name} (pid ${child.pid}) did not stop on SIGTERM; killing it\n`);
    child.kill('SIGKILL');
  }, 15_000);
  await exited;
  clearTimeout(timer);
}

/** Waits until `ready()` holds, failing early with the output of `child` if it exits. */
async function waitFor(
  what: string,
  child: ChildProcess,
  output: () => string,
  ready: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${what} exited (${child.exitCode ?? child.signalCode}) during start:\n${output()}`);
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline)
      throw new Error(`${what} was not ready within ${timeoutMs / 1000} s:\n${output()}`);
    await sleep(100);
  }
}

describe('deploy/nginx/kyoso.conf in front of a real Kyoso server', () => {
  let dir: string;
  let ca: Buffer;
  let ports: { http: number; https: number; app: number };
  let nginxCheck: { status: number | null; stderr: string };
  let nginx: ChildProcess | undefined;
  let kyoso: ChildProcess | undefined;
  let kyosoOut = '';
  let database: string;
  let whileDown: Answer;
  const accessLog = () => fs.readFileSync(path.join(dir, 'kyoso.access.log'), 'utf8');

  before(async () => {
    const nginxBin = requireTool('nginx', ['nginx']);
    const openssl = requireTool('openssl', ['openssl']);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kyoso-deploy-'));
    ports = { http: await freePort(), https: await freePort(), app: await freePort() };

    // A self-signed certificate for localhost, trusted by this test's requests as their only CA.
    const cert = path.join(dir, 'cert.pem');
    const key = path.join(dir, 'key.pem');
    const gen = spawnSync(
      openssl,
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '2',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
      ],
      { encoding: 'utf8' },
    );
    if (gen.status !== 0) throw new Error(`openssl req -x509 failed:\n${gen.stderr}`);
    ca = fs.readFileSync(cert);

    const site = rewrite(fs.readFileSync(NGINX_CONF, 'utf8'), substitutions({ ...ports, dir, cert, key }));
    const leftover = /\/(etc|var|srv|opt)\/\S*/.exec(withoutComments(site));
    assert.equal(
      leftover,
      null,
      `the rewritten server block still refers to ${leftover?.[0]} of this machine`,
    );
    fs.writeFileSync(path.join(dir, 'kyoso.conf'), site);
    fs.mkdirSync(path.join(dir, 'acme'));
    // The wrapper: what /etc/nginx/nginx.conf provides on a server, in the temp dir. As root, nginx's
    // workers would drop to `nobody`, who cannot read the temp dir: keep them root.
    const wrapper = [
      process.getuid?.() === 0 ? 'user root;' : '',
      'worker_processes 1;',
      'daemon off;',
      `pid ${dir}/nginx.pid;`,
      `error_log ${dir}/error.log warn;`,
      'events { worker_connections 128; }',
      'http {',
      `  client_body_temp_path ${dir}/body;`,
      `  proxy_temp_path ${dir}/proxy;`,
      `  fastcgi_temp_path ${dir}/fastcgi;`,
      `  uwsgi_temp_path ${dir}/uwsgi;`,
      `  scgi_temp_path ${dir}/scgi;`,
      `  include ${dir}/kyoso.conf;`,
      '}',
      '',
    ].join('\n');
    const conf = path.join(dir, 'nginx.conf');
    fs.writeFileSync(conf, wrapper);
    const args = ['-p', dir, '-e', path.join(dir, 'error.log'), '-c', conf];

    const check = spawnSync(nginxBin, ['-t', ...args], { encoding: 'utf8' });
    nginxCheck = { status: check.status, stderr: check.stderr };
    if (check.status !== 0) throw new Error(`nginx -t refused deploy/nginx/kyoso.conf:\n${check.stderr}`);

    let nginxOut = '';
    nginx = spawn(nginxBin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    nginx.stdout?.on('data', (d) => {
      nginxOut += d;
    });
    nginx.stderr?.on('data', (d) => {
      nginxOut += d;
    });
    const errorLog = () => {
      try {
        return nginxOut + fs.readFileSync(path.join(dir, 'error.log'), 'utf8');
      } catch {
        return nginxOut;
      }
    };
    await waitFor(
      'nginx',
      nginx,
      errorLog,
      () =>
        new Promise((resolve) => {
          const s = net.connect(ports.https, '127.0.0.1', () => {
            s.destroy();
            resolve(true);
          });
          s.on('error', () => resolve(false));
        }),
      10_000,
    );

    // Kyoso is not running yet: what a citizen sees during an upgrade.
    whileDown = await request(ports.https, '/', { ca });

    database = path.join(dir, 'kyoso.sqlite');
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env))
      if (!/^(KYOSO_|DATABASE_URL$|PORT$|HOST$|LOG_LEVEL$)/.test(k)) env[k] = v;
    Object.assign(env, {
      DATABASE_URL: database,
      PORT: String(ports.app),
      HOST: '127.0.0.1',
      KYOSO_SAMPLE_KPI: 'off',
      LOG_LEVEL: 'silent',
      KYOSO_TRUST_PROXY: '127.0.0.1',
      KYOSO_BASE_URL: `https://localhost:${ports.https}`,
      NODE_ENV: 'production',
    });
    kyoso = spawn(process.execPath, ['bin/kyoso.js', 'serve'], {
      cwd: ROOT_DIR,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    kyoso.stdout?.on('data', (d) => {
      kyosoOut += d;
    });
    kyoso.stderr?.on('data', (d) => {
      kyosoOut += d;
    });
    await waitFor(
      'kyoso serve',
      kyoso,
      () => kyosoOut,
      async () => (await request(ports.app, '/healthz')).status === 200,
      90_000, // generous: the first start imports the bundled plan, and CI machines are busy
    );
  });

  after(async () => {
    await stop(kyoso, 'kyoso');
    await stop(nginx, 'nginx');
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('nginx -t accepts the shipped server block', () => {
    assert.equal(nginxCheck.status, 0);
    assert.match(nginxCheck.stderr, /syntax is ok/);
    assert.match(nginxCheck.stderr, /test is successful/);
    // nginx >= 1.25.1 warns that `listen … http2` is deprecated; any other warning is a defect.
    const warnings = nginxCheck.stderr.split('\n').filter((l) => /\[warn\]/.test(l) && !/http2/.test(l));
    assert.deepEqual(warnings, [], 'nginx -t warns');
  });

  test('while Kyoso is down: 503 with a Japanese page and Retry-After, not a bare 502', () => {
    assert.equal(whileDown.status, 503);
    assert.equal(header(whileDown, 'retry-after'), '60');
    assert.equal(header(whileDown, 'cache-control'), 'no-store');
    assert.match(header(whileDown, 'content-type'), /^text\/html; charset=utf-8/);
    const html = whileDown.body.toString('utf8');
    assert.match(html, /<html lang="ja">/);
    assert.match(html, /しばらくしてから、もう一度お試しください/);
  });

  test('HTTPS over HTTP/2: / is the Japanese top page, gzip-compressed, with the app’s headers once', async () => {
    const res = await h2get(ports.https, '/', ca, { 'accept-encoding': 'gzip' });
    assert.equal(res.alpn, 'h2', 'HTTP/2 negotiated');
    assert.equal(res.status, 200);
    assert.equal(header(res, 'content-encoding'), 'gzip');
    const html = zlib.gunzipSync(res.body).toString('utf8');
    assert.match(html, /<html lang="ja"/);
    assert.ok(html.includes('活力と笑顔あふれるまち'), 'the bundled plan on the top page');
    // Security headers are the app's, not added again by nginx.
    assert.match(header(res, 'content-security-policy'), /^default-src 'self';/);
    assert.ok(!header(res, 'content-security-policy').includes('\n'), 'one Content-Security-Policy');
    assert.match(header(res, 'strict-transport-security'), /^max-age=\d+/);
    assert.equal(header(res, 'server'), 'nginx', 'server_tokens off: no version');
  });

  test('/healthz through nginx: 200, and the request id nginx made is the one Kyoso answers and nginx logs', async () => {
    const res = await request(ports.https, '/healthz', {
      ca,
      headers: { 'x-request-id': 'chosen-by-client-1' },
    });
    assert.equal(res.status, 200);
    assert.equal(JSON.parse(res.body.toString('utf8')).status, 'ok');
    const id = header(res, 'x-request-id');
    assert.match(id, /^[0-9a-f]{32}$/, "Kyoso kept nginx's $request_id (nginx replaced the client's own id)");
    let log = '';
    for (let i = 0; i < 50 && !log.includes(`rid=${id}`); i++) {
      await sleep(50);
      log = accessLog();
    }
    const line = log.split('\n').find((l) => l.includes(`rid=${id}`));
    assert.ok(line, `the access log has a line with rid=${id}`);
    assert.match(line, /"GET \/healthz HTTP\/1\.1" 200 /);
  });

  test('port 80 answers only with a redirect to https, keeping the address', async () => {
    const res = await request(ports.http, '/plan/1?x=1');
    assert.equal(res.status, 301);
    assert.equal(header(res, 'location'), 'https://localhost/plan/1?x=1');
  });

  test('behind nginx Kyoso counts the client, not the proxy (X-Forwarded-For, KYOSO_TRUST_PROXY), and ignores what the client claims', async () => {
    // Kyoso trusts 127.0.0.1 (nginx's connections). The "citizen" connects to nginx from 127.0.0.2, an
    // address of the loopback network that is not trusted: Kyoso must take it from the X-Forwarded-For
    // nginx writes, and stop there (never believing the 203.0.113.7 the citizen claims). The per-address
    // request limit shows whose count a request went to.
    const remaining = (a: Answer) => Number(header(a, 'x-ratelimit-remaining'));
    const viaProxy = await request(ports.https, '/static/favicon.svg', { ca });
    const limit = Number(header(viaProxy, 'x-ratelimit-limit'));
    assert.ok(limit > 0 && remaining(viaProxy) < limit - 1, 'requests from 127.0.0.1 share its count');
    const first = await request(ports.https, '/static/favicon.svg', { ca, from: '127.0.0.2' });
    assert.equal(remaining(first), limit - 1, "127.0.0.2's first request starts its own count");
    const forged = await request(ports.https, '/static/favicon.svg', {
      ca,
      from: '127.0.0.2',
      headers: { 'x-forwarded-for': '203.0.113.7' },
    });
    assert.equal(remaining(forged), limit - 2, 'a claimed X-Forwarded-For changes nothing: still 127.0.0.2');
  });

  test('KYOSO_BASE_URL=https://…: cookies are Secure, the staff ones with the __Host- prefix', async () => {
    const lang = await request(ports.https, '/lang?to=en&next=/', { ca });
    assert.equal(lang.status, 303);
    assert.match(header(lang, 'set-cookie'), /lang=en;.*Secure/i);
    const signIn = await request(ports.https, '/staff/sign-in', { ca });
    assert.equal(signIn.status, 200);
    assert.match(header(signIn, 'set-cookie'), /__Host-kyoso_csrf=[^;]+;.*Secure/i);
  });

  test('/static/: gzip and a day of cache (the addresses carry no version yet)', async () => {
    const res = await request(ports.https, '/static/kyoso.css', {
      ca,
      headers: { 'accept-encoding': 'gzip' },
    });
    assert.equal(res.status, 200);
    assert.equal(header(res, 'content-encoding'), 'gzip');
    assert.match(header(res, 'cache-control'), /max-age=86400/);
    assert.ok(zlib.gunzipSync(res.body).length > 0);
  });

  test(`client_max_body_size fits the ${MAX_UPLOAD_MB} MB upload with slack; a bigger body: 413 in Japanese`, async () => {
    const m = /^\s*client_max_body_size (\d+)m;/m.exec(fs.readFileSync(NGINX_CONF, 'utf8'));
    assert.ok(m, 'client_max_body_size is set in megabytes');
    const limitMb = Number(m[1]);
    assert.ok(
      limitMb > MAX_UPLOAD_MB && limitMb <= MAX_UPLOAD_MB + 5,
      `${limitMb}m for ${MAX_UPLOAD_MB} MB uploads`,
    );
    // The body is announced, not sent: nginx refuses by Content-Length before reading it.
    const res = await new Promise<Answer>((resolve, reject) => {
      const req = https.request(
        {
          host: '127.0.0.1',
          port: ports.https,
          path: '/staff/kpi/upload',
          method: 'POST',
          ca,
          servername: 'localhost',
          agent: false,
          headers: {
            host: `localhost:${ports.https}`,
            'content-type': 'multipart/form-data; boundary=x',
            'content-length': String(limitMb * 1024 * 1024 + 1),
          },
        },
        (r) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => {
            resolve({ status: r.statusCode ?? 0, headers: r.headers, body: Buffer.concat(chunks) });
            req.destroy();
          });
        },
      );
      req.on('error', (e) => (req.destroyed ? undefined : reject(e)));
      req.flushHeaders();
    });
    assert.equal(res.status, 413);
    assert.match(res.body.toString('utf8'), new RegExp(`${MAX_UPLOAD_MB}MB までのファイル`));
  });

  test('the access log leaves out the secrets in addresses (receipt, invitation, setup), as Kyoso’s log does', async () => {
    const secrets = ['Rc9ptSecretAbcdefghijklmnop', 'InvTokenSecretAbcdefghijk', 'SetupTokenSecretAbcdefgh'];
    const paths = [
      `/consultations/1/receipt/${secrets[0]}`,
      `/staff/invitations/${secrets[1]}`,
      `/staff/setup?token=${secrets[2]}`,
    ];
    const ids: string[] = [];
    for (const p of paths) ids.push(header(await request(ports.https, p, { ca }), 'x-request-id'));
    let log = '';
    for (let i = 0; i < 50 && !ids.every((id) => log.includes(`rid=${id}`)); i++) {
      await sleep(50);
      log = accessLog();
    }
    for (const id of ids) assert.ok(log.includes(`rid=${id}`), `logged: ${id}`);
    for (const s of secrets) assert.ok(!log.includes(s), `the secret ${s} is not in the access log`);
    assert.ok(log.includes('/consultations/1/receipt/[redacted]'));
    assert.ok(log.includes('/staff/invitations/[redacted]'));
    assert.ok(log.includes('/staff/setup?[redacted]'));
  });

  test('deploy/systemd/kyoso-backup.service: its command backs up the live database and prunes old backups', () => {
    const unit = fs.readFileSync(path.join(SYSTEMD_DIR, 'kyoso-backup.service'), 'utf8');
    const exec = /^ExecStart=\/bin\/sh -ec '(.*)'$/m.exec(unit);
    assert.ok(exec, "ExecStart=/bin/sh -ec '…'");
    // What systemd hands the shell: $$ → $, %% → %; node where this machine has it.
    const script = exec[1]!
      .replaceAll('$$', '$')
      .replaceAll('%%', '%')
      .replaceAll('/usr/bin/node', process.execPath);
    assert.ok(!/\$\{?[A-Za-z_]/.test(exec[1]!.replaceAll('$$', '')), 'no $VAR left for systemd to expand');
    const env = (name: string) => new RegExp(`^Environment=${name}=(.*)$`, 'm').exec(unit)?.[1];
    const keepDays = Number(env('KEEP_DAYS'));
    assert.ok(keepDays >= 7, `KEEP_DAYS=${env('KEEP_DAYS')}`);
    assert.equal(env('BACKUP_DIR'), '/var/backups/kyoso');
    assert.match(unit, /^ReadWritePaths=\/var\/backups\/kyoso$/m, 'the sandbox lets it write BACKUP_DIR');

    const backups = path.join(dir, 'backups');
    fs.mkdirSync(backups);
    const old = path.join(backups, 'kyoso-20000101-000000.backup');
    const recent = path.join(backups, 'kyoso-20000102-000000.backup');
    const other = path.join(backups, 'notes.txt');
    for (const f of [old, recent, other]) fs.writeFileSync(f, 'x');
    const days = (n: number) => new Date(Date.now() - n * 24 * 3600 * 1000);
    fs.utimesSync(old, days(keepDays + 2), days(keepDays + 2));
    fs.utimesSync(recent, days(1), days(1));
    fs.utimesSync(other, days(keepDays + 30), days(keepDays + 30));

    const run = spawnSync('/bin/sh', ['-ec', script], {
      cwd: ROOT_DIR,
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: database,
        BACKUP_DIR: backups,
        KEEP_DAYS: String(keepDays),
      },
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.equal(run.status, 0, `the backup command failed:\n${run.stdout}\n${run.stderr}`);
    const files = fs.readdirSync(backups).sort();
    const made = files.filter((f) => /^kyoso-\d{8}-\d{6}\.backup$/.test(f) && !f.startsWith('kyoso-2000'));
    assert.equal(made.length, 1, `one new backup in ${files.join(', ')}`);
    assert.equal(fs.readFileSync(path.join(backups, made[0]!)).subarray(0, 15).toString(), 'SQLite format 3');
    assert.equal(fs.statSync(path.join(backups, made[0]!)).mode & 0o777, 0o640);
    assert.ok(!fs.existsSync(old), `a backup older than KEEP_DAYS (${keepDays}) is removed`);
    assert.ok(fs.existsSync(recent), 'a recent backup is kept');
    assert.ok(fs.existsSync(other), 'files that are not backups are left alone');
  });
});

describe('deploy/systemd units', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kyoso-systemd-'));
  });
  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('systemd-analyze verify accepts kyoso.service, kyoso-backup.service and kyoso-backup.timer', () => {
    const analyze = requireTool('systemd-analyze', ['systemd-analyze']);
    const units = ['kyoso.service', 'kyoso-backup.service', 'kyoso-backup.timer'];
    for (const u of units) {
      // verify checks that ExecStart's program exists: node where this machine has it (the only change).
      const text = fs
        .readFileSync(path.join(SYSTEMD_DIR, u), 'utf8')
        .replaceAll('/usr/bin/node', process.execPath);
      fs.writeFileSync(path.join(dir, u), text);
    }
    const run = spawnSync(analyze, ['verify', '--man=no', ...units.map((u) => path.join(dir, u))], {
      encoding: 'utf8',
    });
    // Warnings (an unknown key, a value that does not parse) do not change the exit code: read them too.
    const about = run.stderr.split('\n').filter((l) => units.some((u) => l.includes(u)));
    assert.equal(run.status, 0, `systemd-analyze verify:\n${run.stderr}`);
    assert.deepEqual(about, [], 'systemd-analyze has remarks on the units');
  });

  test('kyoso.service restarts on failure, runs `kyoso serve` from its env file, keeps its data in /var/lib/kyoso', () => {
    const unit = fs.readFileSync(path.join(SYSTEMD_DIR, 'kyoso.service'), 'utf8');
    assert.match(unit, /^Restart=on-failure$/m);
    assert.match(unit, /^ExecStart=\/usr\/bin\/node bin\/kyoso\.js serve$/m);
    assert.match(unit, /^EnvironmentFile=\/etc\/kyoso\/kyoso\.env$/m);
    assert.match(unit, /^StateDirectory=kyoso$/m);
    assert.match(unit, /^User=kyoso$/m);
    const docs = fs.readFileSync(path.join(ROOT_DIR, 'docs', 'deployment.md'), 'utf8');
    assert.ok(docs.includes('DATABASE_URL=/var/lib/kyoso/kyoso.sqlite'), 'the docs put the database there');
    const timer = fs.readFileSync(path.join(SYSTEMD_DIR, 'kyoso-backup.timer'), 'utf8');
    assert.match(timer, /^OnCalendar=.+$/m);
    assert.match(timer, /^Persistent=true$/m);
  });
});

describe('deploy/docker/Dockerfile (structure only: it is not built here)', () => {
  interface Instruction {
    op: string;
    args: string;
  }
  const instructions: Instruction[] = fs
    .readFileSync(DOCKERFILE, 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const [op, ...rest] = l.split(/\s+/);
      return { op: op!.toUpperCase(), args: rest.join(' ') };
    });
  const lastFrom = instructions.findLastIndex((i) => i.op === 'FROM');
  const runtime = instructions.slice(lastFrom);
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT_DIR, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };

  test('the runtime stage: node:20-bookworm-slim, a non-root user, a volume, port 3000, a health check', () => {
    assert.equal(runtime[0]!.args, 'node:20-bookworm-slim');
    const env = Object.fromEntries(
      runtime
        .filter((i) => i.op === 'ENV')
        .flatMap((i) => [...i.args.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1]!, m[2]!])),
    ) as Record<string, string>;
    const user = runtime.findLast((i) => i.op === 'USER');
    assert.ok(user && !/^(root|0)(:|$)/.test(user.args), `USER ${user?.args}`);
    assert.ok(
      runtime.indexOf(user) > runtime.findLastIndex((i) => i.op === 'COPY' || i.op === 'RUN'),
      'USER after the last COPY/RUN',
    );
    const volume = runtime.find((i) => i.op === 'VOLUME');
    assert.ok(volume, 'VOLUME');
    assert.ok(env.DATABASE_URL, 'DATABASE_URL set');
    assert.ok(
      volume.args.includes(`"${path.posix.dirname(env.DATABASE_URL)}"`),
      `the database (${env.DATABASE_URL}) is on the volume ${volume.args}`,
    );
    assert.ok(!volume.args.includes('/app/data'), 'the volume does not hide the bundled plan in data/');
    assert.equal(runtime.find((i) => i.op === 'EXPOSE')?.args, env.PORT ?? '3000');
    assert.match(runtime.find((i) => i.op === 'HEALTHCHECK')?.args ?? '', /\/healthz/);
    assert.equal(
      runtime.find((i) => i.op === 'CMD')?.args,
      '["node", "bin/kyoso.js", "serve"]',
      'exec form: signals reach node',
    );
  });

  test('npm ci --omit=dev from the lock file keeps every package the server imports (tsx included)', () => {
    const ci = instructions.findIndex((i) => i.op === 'RUN' && /\bnpm ci\b.*--omit=dev/.test(i.args));
    assert.ok(ci >= 0, 'RUN npm ci --omit=dev');
    const copiesLock = instructions
      .slice(0, ci)
      .some(
        (i) => i.op === 'COPY' && /\bpackage\.json\b/.test(i.args) && /\bpackage-lock\.json\b/.test(i.args),
      );
    assert.ok(copiesLock, 'package.json and package-lock.json copied before npm ci');
    assert.ok(
      runtime.some((i) => i.op === 'COPY' && i.args.startsWith('--from=') && i.args.includes('node_modules')),
      'node_modules copied into the runtime stage',
    );

    // Every package imported by the code that runs (bin/, src/ without tests) must be a dependency.
    const files: string[] = [path.join(ROOT_DIR, 'bin', 'kyoso.js')];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.(ts|tsx|js)$/.test(e.name) && !/\.test\.tsx?$/.test(e.name)) files.push(p);
      }
    };
    walk(path.join(ROOT_DIR, 'src'));
    const builtins = new Set(builtinModules);
    const missing = new Set<string>();
    const specifier =
      /(?:^|[^\w.])(?:import|export)\s+(?!type\s)(?:[^'"]*?\sfrom\s+)?['"]([^'"./][^'"]*)['"]|(?:import|require\w*)\(\s*['"]([^'"./][^'"]*)['"]/gm;
    for (const f of files) {
      for (const m of fs.readFileSync(f, 'utf8').matchAll(specifier)) {
        const spec = (m[1] ?? m[2])!;
        if (spec.startsWith('node:') || builtins.has(spec)) continue;
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
        if (!(name in pkg.dependencies)) missing.add(`${name} (${path.relative(ROOT_DIR, f)})`);
      }
    }
    // JSX compiles to imports of the jsxImportSource (tsconfig.json).
    const tsconfig = JSON.parse(fs.readFileSync(path.join(ROOT_DIR, 'tsconfig.json'), 'utf8'));
    const jsx = tsconfig.compilerOptions.jsxImportSource as string;
    if (!(jsx in pkg.dependencies)) missing.add(`${jsx} (tsconfig.json jsxImportSource)`);
    assert.deepEqual(
      [...missing],
      [],
      'imported at run time but not in "dependencies" (npm ci --omit=dev drops them)',
    );
    assert.ok('tsx' in pkg.dependencies, 'tsx, which runs the sources, is a runtime dependency');
  });

  test('it copies what the server reads, all of which exists and is not excluded by .dockerignore', () => {
    const sources = runtime
      .filter((i) => i.op === 'COPY' && !i.args.startsWith('--from='))
      .flatMap((i) => {
        const parts = i.args.split(/\s+/).filter((p) => !p.startsWith('--'));
        return parts.slice(0, -1);
      });
    for (const s of sources) assert.ok(fs.existsSync(path.join(ROOT_DIR, s)), `COPY ${s}: exists`);
    const needed = [
      'package.json',
      'tsconfig.json', // tsx reads the JSX settings from it at run time
      'bin',
      'src',
      'public',
      path.relative(ROOT_DIR, BUNDLED_PLAN_FILE),
    ];
    for (const n of needed)
      assert.ok(
        sources.some((s) => n === s || n.startsWith(`${s.replace(/\/$/, '')}/`)),
        `${n} is copied into the image`,
      );
    const ignore = fs
      .readFileSync(path.join(ROOT_DIR, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    for (const n of needed) assert.ok(!ignore.includes(n), `.dockerignore does not exclude ${n}`);
    for (const n of ['node_modules', '.git', 'data/*.sqlite*'])
      assert.ok(ignore.includes(n), `.dockerignore keeps ${n} out of the build context`);
  });
});
