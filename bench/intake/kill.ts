import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import {
  createOpenConsultation,
  formSession,
  postSubmission,
  type Server,
  startServer,
  submissionBody,
  verifyReceipts,
} from './client.ts';

/**
 * The SIGKILL test of public-comment intake, shared by test/intake-kill.test.ts (20 rounds, in CI) and
 * bench/intake-kill.ts (100 rounds): a real `kyoso serve` on one SQLite file; `clients` concurrent clients
 * pour unique submissions into POST /consultations/:id/submit; at a random moment the server gets SIGKILL;
 * then the database is opened and every submission whose receipt (303 to its receipt page) reached a
 * client, in this round or an earlier one, must be there, and PRAGMA integrity_check must answer ok. The
 * next round restarts the server on the same file (so each round also recovers from the last crash).
 */

export interface KillRound {
  round: number;
  /** How long after the first receipt of the round the SIGKILL was sent (ms). */
  killAfterMs: number;
  /** Receipts received this round. */
  acknowledged: number;
  /** Requests sent this round that got no answer (in flight when the server died). */
  unanswered: number;
  /** Answers other than 303 this round (should be none). */
  other: Record<string, number>;
  /** Receipts of all rounds so far, looked for after this kill. */
  acknowledgedSoFar: number;
  missing: string[];
  rows: number;
  integrity: string;
}

export interface KillOptions {
  rounds: number;
  /** Concurrent clients (default 16). */
  clients?: number;
  /** The SIGKILL comes this many ms after the round's first receipt, chosen uniformly (default 50–500). */
  killWindowMs?: [number, number];
  onRound?: (r: KillRound) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runKillRounds(options: KillOptions): Promise<KillRound[]> {
  const clients = options.clients ?? 16;
  const [lo, hi] = options.killWindowMs ?? [50, 500];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kyoso-intake-kill-'));
  const dbFile = path.join(tmp, 'kill.sqlite');
  const acknowledged: string[] = [];
  const rounds: KillRound[] = [];
  let server: Server | null = null;
  try {
    let consultationId: number | null = null;
    let target: Awaited<ReturnType<typeof createOpenConsultation>> | null = null;
    for (let round = 1; round <= options.rounds; round++) {
      server = await startServer(dbFile, { logLevel: 'silent' });
      if (!target) {
        target = await createOpenConsultation(dbFile);
        consultationId = target.consultationId;
      }
      const t = target;
      const s = server;
      const session = await formSession(s.baseUrl, t.consultationId);
      const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
      let killing = false;
      let roundAcks = 0;
      let unanswered = 0;
      const other: Record<string, number> = {};
      let firstAck: () => void = () => {};
      const gotFirstAck = new Promise<void>((r) => {
        firstAck = r;
      });
      let n = 0;
      const client = async () => {
        while (!killing) {
          const body = submissionBody(t, session, `k${round}`, n++);
          try {
            const r = await postSubmission(s.baseUrl, t, session, body, agent);
            if (r.status === 303 && r.token) {
              acknowledged.push(r.token);
              roundAcks++;
              firstAck();
            } else {
              other[r.status] = (other[r.status] ?? 0) + 1;
              if (!killing) await sleep(5);
            }
          } catch {
            // The server died with this request in flight: no receipt, nothing promised.
            unanswered++;
          }
        }
      };
      const pouring = Promise.all(Array.from({ length: clients }, () => client()));
      let noAck: NodeJS.Timeout | undefined;
      await Promise.race([gotFirstAck, new Promise<void>((r) => (noAck = setTimeout(r, 30_000)))]);
      clearTimeout(noAck);
      const killAfterMs = Math.round(lo + Math.random() * (hi - lo));
      await sleep(killAfterMs);
      killing = true;
      await s.kill();
      await pouring;
      agent.destroy();
      server = null;
      const v = await verifyReceipts(dbFile, consultationId as number, acknowledged);
      const r: KillRound = {
        round,
        killAfterMs,
        acknowledged: roundAcks,
        unanswered,
        other,
        acknowledgedSoFar: acknowledged.length,
        missing: v.missing,
        rows: v.rows,
        integrity: v.integrity,
      };
      rounds.push(r);
      options.onRound?.(r);
      if (r.missing.length > 0 || r.integrity !== 'ok') break;
    }
    return rounds;
  } finally {
    if (server) await server.kill();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
