/**
 * Reads the raw wrk reports that bench/run.sh saved, prints the comparison table (medians over the
 * rounds, Kyoso / nginx ratios) and writes the JSON summary.
 *
 *   tsx bench/summarize.ts --raw DIR --pages FILE --out FILE [--meta key=value ...]
 *
 * Raw reports are named <page>__<server>__r<round>.txt (warm-ups: __warmup.txt, ignored here).
 * The pages file has one tab-separated line per page: name, path, body bytes, Kyoso header bytes,
 * nginx header bytes. Exits 1 when a run had non-2xx/3xx responses or connect/timeout errors.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { median, parseWrk, type WrkResult } from './parse-wrk.ts';

const SERVERS = ['kyoso', 'nginx'] as const;
type Server = (typeof SERVERS)[number];

const { values } = parseArgs({
  options: {
    raw: { type: 'string' },
    pages: { type: 'string' },
    out: { type: 'string' },
    meta: { type: 'string', multiple: true, default: [] },
  },
});
if (!values.raw || !values.pages || !values.out) {
  console.error('usage: tsx bench/summarize.ts --raw DIR --pages FILE --out FILE [--meta key=value ...]');
  process.exit(2);
}
const rawDir = values.raw;
const meta: Record<string, string> = {};
for (const kv of values.meta) {
  const i = kv.indexOf('=');
  if (i > 0) meta[kv.slice(0, i)] = kv.slice(i + 1);
}

interface Round extends WrkResult {
  round: number;
  file: string;
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const round3 = (x: number) => Math.round(x * 1000) / 1000;

function roundsOf(page: string, server: Server): Round[] {
  const re = new RegExp(`^${page}__${server}__r(\\d+)\\.txt$`);
  const rounds: Round[] = [];
  for (const f of fs.readdirSync(rawDir).sort()) {
    const m = re.exec(f);
    if (!m) continue;
    const text = fs.readFileSync(path.join(rawDir, f), 'utf8');
    try {
      rounds.push({ round: Number(m[1]), file: f, ...parseWrk(text) });
    } catch (e) {
      throw new Error(`${f}: ${(e as Error).message}`);
    }
  }
  if (rounds.length === 0) throw new Error(`no wrk report for ${page} on ${server} in ${rawDir}`);
  return rounds.sort((a, b) => a.round - b.round);
}

function stats(rounds: Round[]) {
  return {
    medianRequestsPerSec: round2(median(rounds.map((r) => r.requestsPerSec))),
    medianP50Ms: round3(median(rounds.map((r) => r.latencyMs.p50))),
    medianP99Ms: round3(median(rounds.map((r) => r.latencyMs.p99))),
    rounds: rounds.map((r) => ({
      round: r.round,
      file: r.file,
      requestsPerSec: r.requestsPerSec,
      requests: r.requests,
      durationSec: r.durationSec,
      latencyMs: r.latencyMs,
      socketErrors: r.socketErrors,
      non2xx3xx: r.non2xx3xx,
    })),
  };
}

const problems: string[] = [];
const warnings: string[] = [];
const pages = fs
  .readFileSync(values.pages, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((line) => {
    const [name, urlPath, bytes, kyosoHeaderBytes, nginxHeaderBytes] = line.split('\t');
    if (!name || !urlPath) throw new Error(`bad pages line: ${JSON.stringify(line)}`);
    const kyoso = stats(roundsOf(name, 'kyoso'));
    const nginx = stats(roundsOf(name, 'nginx'));
    for (const [server, s] of [
      ['kyoso', kyoso],
      ['nginx', nginx],
    ] as const) {
      for (const r of s.rounds) {
        const where = `${name} on ${server}, round ${r.round}`;
        if (r.non2xx3xx > 0) problems.push(`${where}: ${r.non2xx3xx} non-2xx/3xx responses (rate limit?)`);
        if (r.socketErrors.connect + r.socketErrors.timeout > 0)
          problems.push(`${where}: socket errors ${JSON.stringify(r.socketErrors)}`);
        else if (r.socketErrors.read + r.socketErrors.write > 0)
          warnings.push(`${where}: socket errors ${JSON.stringify(r.socketErrors)}`);
      }
    }
    return {
      name,
      path: urlPath,
      bodyBytes: Number(bytes),
      headerBytes: { kyoso: Number(kyosoHeaderBytes), nginx: Number(nginxHeaderBytes) },
      kyoso,
      nginx,
      ratioKyosoToNginx: {
        requestsPerSec: round3(kyoso.medianRequestsPerSec / nginx.medianRequestsPerSec),
        p99: round3(kyoso.medianP99Ms / nginx.medianP99Ms),
      },
    };
  });

const cpus = os.cpus();
const summary = {
  generatedAt: new Date().toISOString(),
  command: 'bash bench/run.sh',
  machine: {
    nproc: Number(meta.nproc ?? cpus.length),
    cpuModel: cpus[0]?.model ?? 'unknown',
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverageAtEnd: os.loadavg().map(round2),
    node: process.version,
    nginx: meta.nginxVersion ?? 'unknown',
    wrk: meta.wrkVersion ?? 'unknown',
  },
  settings: {
    durationSec: Number(meta.duration ?? Number.NaN),
    rounds: Number(meta.rounds ?? Number.NaN),
    connections: Number(meta.connections ?? Number.NaN),
    threads: Number(meta.threads ?? Number.NaN),
    warmupSec: Number(meta.warmup ?? Number.NaN),
    cpuPinning: meta.pinning ?? 'none',
    order: 'per page: warm-up of each server, then kyoso, nginx alternating, one round each at a time',
    kyoso: 'node bin/kyoso.js serve, SQLite (temp file), LOG_LEVEL=warn, KYOSO_RATE_LIMIT_PER_MINUTE=1e9',
    nginx: 'worker_processes 1, access_log off, keepalive_requests 1e6, the same body bytes from files',
  },
  pages,
  warnings,
  problems,
};
fs.mkdirSync(path.dirname(values.out), { recursive: true });
fs.writeFileSync(values.out, `${JSON.stringify(summary, null, 2)}\n`);

// The table.
const fmt = (x: number, d: number) =>
  x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const rows: string[][] = [
  ['page', 'path', 'body B', 'server', 'req/s (median)', 'p50 ms', 'p99 ms (median)', 'req/s per round'],
];
for (const p of pages) {
  for (const server of SERVERS) {
    const s = p[server];
    rows.push([
      p.name,
      p.path,
      String(p.bodyBytes),
      server,
      fmt(s.medianRequestsPerSec, 0),
      fmt(s.medianP50Ms, 2),
      fmt(s.medianP99Ms, 2),
      s.rounds.map((r) => fmt(r.requestsPerSec, 0)).join(' / '),
    ]);
  }
  rows.push([
    p.name,
    p.path,
    '',
    'kyoso/nginx',
    `${fmt(p.ratioKyosoToNginx.requestsPerSec, 3)}×`,
    '',
    `${fmt(p.ratioKyosoToNginx.p99, 2)}×`,
    '',
  ]);
}
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
console.log(line(rows[0]!));
console.log(`| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`);
for (const r of rows.slice(1)) console.log(line(r));
console.log(
  `\n${summary.settings.rounds} rounds of ${summary.settings.durationSec}s, wrk -t${summary.settings.threads} -c${summary.settings.connections}, ` +
    `CPU pinning: ${summary.settings.cpuPinning}; nproc ${summary.machine.nproc}, ${summary.machine.cpuModel}, node ${summary.machine.node}, ${summary.machine.nginx}, ${summary.machine.wrk}`,
);
for (const w of warnings) console.log(`warning: ${w}`);
for (const p of problems) console.error(`PROBLEM: ${p}`);
console.log(`summary written to ${path.relative(process.cwd(), values.out)}`);
process.exit(problems.length > 0 ? 1 : 0);
