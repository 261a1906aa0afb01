/**
 * Parses the text report of `wrk --latency` (wrk 4.x): requests per second, the latency percentiles,
 * and everything that makes a run invalid (socket errors, non-2xx/3xx responses).
 *
 *   Running 10s test @ http://127.0.0.1:8080/
 *     1 threads and 16 connections
 *     Thread Stats   Avg      Stdev     Max   +/- Stdev
 *       Latency     1.23ms  456.00us  12.34ms   89.00%
 *       Req/Sec    12.34k     1.23k   14.00k    70.00%
 *     Latency Distribution
 *        50%    1.10ms
 *        75%    1.30ms
 *        90%    1.60ms
 *        99%    3.20ms
 *     123456 requests in 10.00s, 600.00MB read
 *     Socket errors: connect 0, read 0, write 0, timeout 0
 *     Non-2xx or 3xx responses: 12
 *   Requests/sec:  12345.67
 *   Transfer/sec:     60.00MB
 */

export interface WrkResult {
  requestsPerSec: number;
  /** Total requests completed and the wall time they took. */
  requests: number;
  durationSec: number;
  latencyMs: { avg: number; stdev: number; max: number; p50: number; p75: number; p90: number; p99: number };
  socketErrors: { connect: number; read: number; write: number; timeout: number };
  non2xx3xx: number;
}

const TIME_UNITS_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "456.00us" → 0.456 (milliseconds). */
export function parseDurationMs(s: string): number {
  const m = /^([\d.]+)(us|ms|s|m|h)$/.exec(s.trim());
  if (!m) throw new Error(`wrk: not a duration: ${JSON.stringify(s)}`);
  return Number(m[1]) * TIME_UNITS_MS[m[2]!]!;
}

function need(text: string, re: RegExp, what: string): RegExpExecArray {
  const m = re.exec(text);
  if (!m) throw new Error(`wrk output has no ${what} (was wrk run with --latency?)`);
  return m;
}

export function parseWrk(text: string): WrkResult {
  const rps = need(text, /^Requests\/sec:\s+([\d.]+)\s*$/m, '"Requests/sec:" line');
  const lat = need(text, /^\s*Latency\s+(\S+)\s+(\S+)\s+(\S+)\s+\S+%\s*$/m, 'thread latency line');
  const pct = (p: number) =>
    parseDurationMs(need(text, new RegExp(`^\\s*${p}%\\s+(\\S+)\\s*$`, 'm'), `${p}% latency line`)[1]!);
  const total = need(text, /^\s*(\d+) requests in ([\d.]+\w+),/m, '"N requests in" line');
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const non = /Non-2xx or 3xx responses: (\d+)/.exec(text);
  return {
    requestsPerSec: Number(rps[1]),
    requests: Number(total[1]),
    durationSec: parseDurationMs(total[2]!) / 1000,
    latencyMs: {
      avg: parseDurationMs(lat[1]!),
      stdev: parseDurationMs(lat[2]!),
      max: parseDurationMs(lat[3]!),
      p50: pct(50),
      p75: pct(75),
      p90: pct(90),
      p99: pct(99),
    },
    socketErrors: {
      connect: Number(sock?.[1] ?? 0),
      read: Number(sock?.[2] ?? 0),
      write: Number(sock?.[3] ?? 0),
      timeout: Number(sock?.[4] ?? 0),
    },
    non2xx3xx: Number(non?.[1] ?? 0),
  };
}

/** The median (mean of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
