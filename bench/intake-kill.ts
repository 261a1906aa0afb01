import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT_DIR } from '../src/config.ts';
import { runKillRounds } from './intake/kill.ts';

/**
 * The SIGKILL test of public-comment intake, 100 rounds (test/intake-kill.test.ts runs 20 in CI). See
 * bench/README.md, "Public comment intake".
 *
 *   node --import tsx bench/intake-kill.ts
 *
 * Environment: BENCH_KILL_ROUNDS (100), BENCH_KILL_CLIENTS (16), BENCH_KILL_OUT
 * (bench/results/intake-kill.json). Exits 1 when an acknowledged submission is missing after a kill or
 * the integrity check fails.
 */

const rounds = Number(process.env.BENCH_KILL_ROUNDS ?? 100);
const clients = Number(process.env.BENCH_KILL_CLIENTS ?? 16);
const out = process.env.BENCH_KILL_OUT ?? path.join(ROOT_DIR, 'bench', 'results', 'intake-kill.json');

const started = new Date().toISOString();
const t0 = performance.now();
const result = await runKillRounds({
  rounds,
  clients,
  onRound: (r) =>
    process.stderr.write(
      `[bench:intake-kill] round ${r.round}: kill ${r.killAfterMs} ms after the first receipt; ` +
        `${r.acknowledged} receipts, ${r.unanswered} in flight; ${r.acknowledgedSoFar - r.missing.length}/${r.acknowledgedSoFar} ` +
        `present, ${r.rows} rows, integrity ${r.integrity}\n`,
    ),
});
const seconds = (performance.now() - t0) / 1000;

const sum = (f: (r: (typeof result)[number]) => number) => result.reduce((s, r) => s + f(r), 0);
const last = result.at(-1);
const failed = result.filter((r) => r.missing.length > 0 || r.integrity !== 'ok');
const summary = {
  started,
  seconds: Math.round(seconds),
  machine: {
    cpus: os.cpus().length,
    model: os.cpus()[0]?.model ?? '',
    node: process.version,
    loadAverage1m: os.loadavg()[0],
  },
  rounds: result.length,
  clients,
  acknowledged: sum((r) => r.acknowledged),
  unansweredAtKill: sum((r) => r.unanswered),
  roundsWithRequestsInFlight: result.filter((r) => r.unanswered > 0).length,
  otherAnswers: sum((r) => Object.values(r.other).reduce((a, b) => a + b, 0)),
  missing: sum((r) => r.missing.length),
  rowsAtEnd: last?.rows ?? 0,
  integrityAllOk: result.every((r) => r.integrity === 'ok'),
  killAfterMs: {
    min: Math.min(...result.map((r) => r.killAfterMs)),
    max: Math.max(...result.map((r) => r.killAfterMs)),
  },
  failedRounds: failed.map((r) => r.round),
};
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, `${JSON.stringify(summary, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
process.exitCode = failed.length > 0 || result.length < rounds ? 1 : 0;
