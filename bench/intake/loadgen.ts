import fs from 'node:fs';
import http from 'node:http';
import { type FormSession, postSubmission, submissionBody, type Target } from './client.ts';

/**
 * The load generator of bench/intake.ts, run as a process of its own (pinned to another CPU than the
 * server), so that it never shares the server's event loop.
 *
 *   node --import tsx bench/intake/loadgen.ts <config.json>
 *
 * Modes:
 * - `rate`: open loop at a fixed rate. Request i is due at start + i/rate and is sent then, whether or
 *   not earlier ones were answered; its latency runs from when it was due (so a stalled server is not
 *   hidden by the generator waiting for it: no coordinated omission).
 * - `closed`: `connections` clients, each sending its next submission as soon as the last was answered:
 *   the most the server takes.
 * Writes a JSON report (summary and the receipt tokens of every 303) to `out`.
 */

export interface LoadConfig {
  baseUrl: string;
  target: Target;
  session: FormSession;
  mode: 'rate' | 'closed';
  /** Requests per second (rate mode). */
  rate?: number;
  /** Concurrent clients (closed mode) or the most open sockets (rate mode). */
  connections: number;
  durationSec: number;
  /** Makes bodies unique across runs on the same database. */
  runId: string;
  out: string;
}

export interface LoadReport {
  mode: string;
  rate: number | null;
  connections: number;
  durationSec: number;
  sent: number;
  /** Answers by status code; 'error' for a request that got no answer. */
  statuses: Record<string, number>;
  acknowledged: number;
  /** 303s answered within the duration, per 1-second window. */
  perSecond: number[];
  /** Median over the 1-second windows of the duration. */
  acceptedPerSecMedian: number;
  /** The slowest 1-second window. */
  acceptedPerSecMin: number;
  /** Acknowledged answers / duration (including those answered in the drain after it). */
  acceptedPerSecMean: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  /** CPU seconds the generator itself used. */
  generatorCpuSec: number;
  tokens: string[];
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

export async function runLoad(c: LoadConfig): Promise<LoadReport> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: c.connections });
  const statuses: Record<string, number> = {};
  const tokens: string[] = [];
  const latencies: number[] = [];
  const perSecond = Array<number>(c.durationSec).fill(0);
  const cpu0 = process.cpuUsage();
  let sent = 0;
  const start = performance.now();
  const end = start + c.durationSec * 1000;

  const one = async (n: number, due: number) => {
    sent++;
    const body = submissionBody(c.target, c.session, c.runId, n);
    let status = 'error';
    try {
      const r = await postSubmission(c.baseUrl, c.target, c.session, body, agent);
      status = String(r.status);
      const now = performance.now();
      if (r.status === 303 && r.token) {
        tokens.push(r.token);
        latencies.push(now - due);
        const w = Math.floor((now - start) / 1000);
        if (w < c.durationSec) perSecond[w] = (perSecond[w] ?? 0) + 1;
      }
    } catch {
      // no answer: counted as 'error'
    }
    statuses[status] = (statuses[status] ?? 0) + 1;
  };

  const inFlight = new Set<Promise<void>>();
  const track = (p: Promise<void>) => {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };

  if (c.mode === 'rate') {
    const rate = c.rate ?? 500;
    let i = 0;
    while (performance.now() < end) {
      const now = performance.now();
      const due = Math.min(Math.floor(((now - start) * rate) / 1000), Math.floor(c.durationSec * rate));
      while (i < due) {
        track(one(i, start + (i * 1000) / rate));
        i++;
      }
      await new Promise((r) => setTimeout(r, 1));
    }
  } else {
    let n = 0;
    const worker = async () => {
      while (performance.now() < end) {
        const t = performance.now();
        await one(n++, t);
      }
    };
    await Promise.all(Array.from({ length: c.connections }, () => worker()));
  }
  // Let the last requests be answered (they count as acknowledged, not in the per-second windows).
  const drainDeadline = Date.now() + 60_000;
  while (inFlight.size > 0 && Date.now() < drainDeadline) await Promise.race([...inFlight]);
  agent.destroy();
  const cpu = process.cpuUsage(cpu0);

  latencies.sort((a, b) => a - b);
  const windows = [...perSecond].sort((a, b) => a - b);
  return {
    mode: c.mode,
    rate: c.mode === 'rate' ? (c.rate ?? 500) : null,
    connections: c.connections,
    durationSec: c.durationSec,
    sent,
    statuses,
    acknowledged: tokens.length,
    perSecond,
    acceptedPerSecMedian: quantile(windows, 0.5),
    acceptedPerSecMin: windows[0] ?? 0,
    acceptedPerSecMean: tokens.length / c.durationSec,
    latencyMs: {
      p50: quantile(latencies, 0.5),
      p95: quantile(latencies, 0.95),
      p99: quantile(latencies, 0.99),
      max: latencies.at(-1) ?? Number.NaN,
    },
    generatorCpuSec: (cpu.user + cpu.system) / 1e6,
    tokens,
  };
}

if (process.argv[1]?.endsWith('loadgen.ts')) {
  const config = JSON.parse(fs.readFileSync(process.argv[2] as string, 'utf8')) as LoadConfig;
  const report = await runLoad(config);
  fs.writeFileSync(config.out, JSON.stringify(report));
}
