import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT_DIR } from '../src/config.ts';
import {
  createOpenConsultation,
  type FormSession,
  formSession,
  type Server,
  startServer,
  type Target,
  type Verification,
  verifyReceipts,
} from './intake/client.ts';
import type { LoadConfig, LoadReport } from './intake/loadgen.ts';
import { diskCommitRate, type WriterRate, writerRates } from './intake/reference.ts';

/**
 * Public-comment intake benchmark (issue #4, Performance: "at least 500 accepted web submissions per
 * second sustained for a minute on this 2-core machine, with every acknowledged submission present
 * afterwards"). See bench/README.md, "Public comment intake".
 *
 *   npm run bench:intake          (node --import tsx bench/intake.ts)
 *
 * 1. In-process references, same machine, same run: the disk's durable-commit rate, and the real
 *    submission job written one transaction per job vs through the group-commit writer (SQLite; also
 *    PostgreSQL when KYOSO_TEST_PG_URL is set).
 * 2. A real `kyoso serve` on a fresh SQLite file (WAL, synchronous=FULL), pinned to CPU 0; an open
 *    consultation written to its database; the load generator (bench/intake/loadgen.ts) a process of its
 *    own on CPU 1, posting unique submissions to POST /consultations/:id/submit with the form's CSRF
 *    cookie and token: a warm-up, then an open-loop run at the target rate, then a closed-loop run at the
 *    most the server takes.
 * 3. SIGKILL the server, open the database: every acknowledged receipt (303 to its receipt page) must be
 *    there, and PRAGMA integrity_check must answer ok. Exits 1 when a receipt is missing, the integrity
 *    check fails, or the open-loop run's median accepted/s is below the target.
 *
 * Environment: BENCH_INTAKE_DURATION (s per run, 60), BENCH_INTAKE_RATE (500), BENCH_INTAKE_CONNECTIONS
 * (closed-loop clients, 64), BENCH_INTAKE_WARMUP (s of closed-loop load first, 10), BENCH_INTAKE_REF (s per reference, 5; 0 skips),
 * BENCH_INTAKE_OUT (bench/results/intake.json), BENCH_PIN (auto|off).
 */

const num = (name: string, dflt: number) => {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a number, got '${v}'`);
  return n;
};

const DURATION = num('BENCH_INTAKE_DURATION', 60);
const RATE = num('BENCH_INTAKE_RATE', 500);
const CONNECTIONS = num('BENCH_INTAKE_CONNECTIONS', 64);
const WARMUP = num('BENCH_INTAKE_WARMUP', 10);
const REF_SECONDS = num('BENCH_INTAKE_REF', 5);
const OUT = process.env.BENCH_INTAKE_OUT ?? path.join(ROOT_DIR, 'bench', 'results', 'intake.json');
const PIN =
  (process.env.BENCH_PIN ?? 'auto') !== 'off' && os.cpus().length >= 2 && fs.existsSync('/usr/bin/taskset');
const CLK_TCK = 100;

const log = (s: string) => process.stderr.write(`[bench:intake] ${s}\n`);

/** CPU seconds (user + system) a process used so far, from /proc. */
function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

function runLoadgen(config: Omit<LoadConfig, 'out'>, tmp: string): Promise<LoadReport> {
  const file = path.join(tmp, `load-${config.runId}.json`);
  const out = path.join(tmp, `report-${config.runId}.json`);
  fs.writeFileSync(file, JSON.stringify({ ...config, out }));
  const script = path.join(ROOT_DIR, 'bench', 'intake', 'loadgen.ts');
  const node = [process.execPath, '--import', 'tsx', script, file];
  const [cmd, ...args] = PIN ? ['/usr/bin/taskset', '-c', '1', ...node] : node;
  return new Promise((resolve, reject) => {
    const p = spawn(cmd as string, args, { cwd: ROOT_DIR, stdio: ['ignore', 'inherit', 'inherit'] });
    p.once('error', reject);
    p.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`the load generator exited with ${code}`));
      resolve(JSON.parse(fs.readFileSync(out, 'utf8')) as LoadReport);
    });
  });
}

interface Run {
  name: string;
  report: LoadReport;
  /** Server CPU over the run, in cores (1 = one core busy). */
  serverCpuCores: number;
  /** Server CPU time per acknowledged submission (ms): the cost of one, whatever the machine's load. */
  serverCpuMsPerSubmission: number;
}

async function measured(
  name: string,
  server: Server,
  target: Target,
  session: FormSession,
  config: Pick<LoadConfig, 'mode' | 'rate' | 'connections' | 'durationSec'>,
  tmp: string,
): Promise<Run> {
  log(
    `${name}: ${config.mode === 'rate' ? `${config.rate}/s open loop` : `${config.connections} clients closed loop`}, ${config.durationSec} s`,
  );
  const c0 = cpuSeconds(server.pid);
  const t0 = performance.now();
  const report = await runLoadgen({ baseUrl: server.baseUrl, target, session, runId: name, ...config }, tmp);
  const wall = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(server.pid) - c0;
  const serverCpuCores = cpu / wall;
  const serverCpuMsPerSubmission = (cpu * 1000) / Math.max(1, report.acknowledged);
  log(
    `${name}: ${report.acknowledged} acknowledged, median ${report.acceptedPerSecMedian}/s, ` +
      `p50/p95/p99 ${report.latencyMs.p50.toFixed(1)}/${report.latencyMs.p95.toFixed(1)}/${report.latencyMs.p99.toFixed(1)} ms, ` +
      `statuses ${JSON.stringify(report.statuses)}, server CPU ${(serverCpuCores * 100).toFixed(0)} %`,
  );
  return { name, report, serverCpuCores, serverCpuMsPerSubmission };
}

async function main(): Promise<number> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kyoso-bench-intake-'));
  const started = new Date().toISOString();
  const loadAtStart = os.loadavg();
  let server: Server | null = null;
  try {
    // 1. References in process.
    let disk: number | null = null;
    const writers: WriterRate[] = [];
    if (REF_SECONDS > 0) {
      log(`reference: the disk's durable commits, ${REF_SECONDS} s`);
      disk = diskCommitRate(REF_SECONDS);
      log(`reference: ${disk.toFixed(0)} commits/s`);
      const dialects = process.env.KYOSO_TEST_PG_URL
        ? (['sqlite', 'postgres'] as const)
        : (['sqlite'] as const);
      for (const d of dialects) {
        log(
          `reference: submission job in process, ${d}, ${CONNECTIONS} callers, ${REF_SECONDS} s per writer`,
        );
        const r = await writerRates(d, CONNECTIONS, REF_SECONDS);
        for (const w of r) log(`reference: ${d} ${w.writer}: ${w.submissionsPerSec.toFixed(0)}/s`);
        writers.push(...r);
      }
    }

    // 2. The real server and the load.
    const dbFile = path.join(tmp, 'intake.sqlite');
    server = await startServer(dbFile, PIN ? { cpu: 0 } : {});
    const target = await createOpenConsultation(dbFile);
    const session = await formSession(server.baseUrl, target.consultationId);
    log(
      `server pid ${server.pid} at ${server.baseUrl}; consultation ${target.consultationId}; pinned: ${PIN}`,
    );

    const runs: Run[] = [];
    if (WARMUP > 0)
      runs.push(
        await measured(
          'warmup',
          server,
          target,
          session,
          { mode: 'closed', connections: CONNECTIONS, durationSec: WARMUP },
          tmp,
        ),
      );
    const fixed = await measured(
      'fixed-rate',
      server,
      target,
      session,
      { mode: 'rate', rate: RATE, connections: 256, durationSec: DURATION },
      tmp,
    );
    runs.push(fixed);
    const max = await measured(
      'max-rate',
      server,
      target,
      session,
      { mode: 'closed', connections: CONNECTIONS, durationSec: DURATION },
      tmp,
    );
    runs.push(max);

    // 3. Kill, then count.
    await server.kill();
    const tokens = runs.flatMap((r) => r.report.tokens);
    const verification: Verification = await verifyReceipts(dbFile, target.consultationId, tokens);
    log(
      `after SIGKILL: ${verification.present}/${verification.acknowledged} acknowledged present, ` +
        `${verification.rows} rows, ${verification.opinions} opinions, integrity_check ${verification.integrity}`,
    );

    const summary = {
      started,
      finished: new Date().toISOString(),
      machine: {
        cpus: os.cpus().length,
        model: os.cpus()[0]?.model ?? '',
        node: process.version,
        pinned: PIN,
        loadAverage1mAtStart: loadAtStart[0],
        loadAverage1mAtEnd: os.loadavg()[0],
      },
      settings: { durationSec: DURATION, rate: RATE, connections: CONNECTIONS, warmupSec: WARMUP },
      reference: { diskCommitsPerSec: disk, writers },
      runs: runs.map((r) => {
        const { tokens: _tokens, ...rest } = r.report;
        return {
          name: r.name,
          serverCpuCores: r.serverCpuCores,
          serverCpuMsPerSubmission: r.serverCpuMsPerSubmission,
          ...rest,
        };
      }),
      verification: { ...verification, missing: verification.missing.length },
    };
    fs.mkdirSync(path.dirname(OUT), { recursive: true });
    fs.writeFileSync(OUT, `${JSON.stringify(summary, null, 2)}\n`);

    const f = (n: number | null | undefined, d = 0) =>
      n === null || n === undefined || Number.isNaN(n)
        ? '–'
        : n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
    const lines = [
      '| run | load | acknowledged | accepted/s: median of 1-s windows (slowest) | p50 ms | p95 ms | p99 ms | non-303 | server CPU | CPU ms per submission |',
      '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |',
      ...runs.map((r) => {
        const rep = r.report;
        const other = Object.entries(rep.statuses).filter(([s]) => s !== '303');
        return `| ${r.name} | ${rep.mode === 'rate' ? `${rep.rate}/s open loop` : `${rep.connections} clients closed loop`}, ${rep.durationSec} s | ${f(rep.acknowledged)} | ${f(rep.acceptedPerSecMedian)} (${f(rep.acceptedPerSecMin)}) | ${f(rep.latencyMs.p50, 1)} | ${f(rep.latencyMs.p95, 1)} | ${f(rep.latencyMs.p99, 1)} | ${other.length ? other.map(([s, n]) => `${s}: ${n}`).join(', ') : 'none'} | ${f(r.serverCpuCores * 100)} % | ${f(r.serverCpuMsPerSubmission, 2)} |`;
      }),
    ];
    if (disk !== null) {
      lines.push('', `Disk: ${f(disk)} durable commits/s (one tiny insert per transaction).`, '');
      lines.push(
        '| dialect | writer | submissions/s in process | per COMMIT |',
        '| --- | --- | ---: | ---: |',
      );
      for (const w of writers)
        lines.push(
          `| ${w.dialect} | ${w.writer} | ${f(w.submissionsPerSec)} | ${w.perCommit === null ? '1' : f(w.perCommit, 1)} |`,
        );
    }
    lines.push(
      '',
      `After SIGKILL: ${f(verification.present)} of ${f(verification.acknowledged)} acknowledged present ` +
        `(${verification.missing.length} missing), ${f(verification.rows)} submissions, ${f(verification.opinions)} opinions, integrity_check: ${verification.integrity}.`,
    );
    process.stdout.write(`${lines.join('\n')}\n`);

    let failed = false;
    if (verification.missing.length > 0 || verification.integrity !== 'ok') {
      log('FAIL: an acknowledged submission is missing or the database is damaged');
      failed = true;
    }
    if (fixed.report.acceptedPerSecMedian < RATE) {
      log(`FAIL: the fixed-rate run's median ${fixed.report.acceptedPerSecMedian}/s is below ${RATE}/s`);
      failed = true;
    }
    return failed ? 1 : 0;
  } finally {
    if (server) await server.kill();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

process.exitCode = await main();
