import type { Db } from '../../db/database.ts';
import * as repo from './accounts.repository.ts';

/**
 * Sign-in throttling, kept in the database so that every app process sees the same counts.
 * A key (an account, an address, a second-factor attempt) that fails `max` times within the window is
 * locked for the lock time. Keys are counted whether or not the account exists, so the answer never
 * tells which e-mail addresses have accounts.
 */
export interface ThrottleRule {
  max: number;
  windowMs: number;
  lockMs: number;
}

export const RULES = {
  account: { max: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 },
  address: { max: 20, windowMs: 15 * 60_000, lockMs: 15 * 60_000 },
  secondFactor: { max: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 },
} as const satisfies Record<string, ThrottleRule>;

/** Seconds until the key may try again, or 0 when it is not locked. */
export async function lockedFor(db: Db, key: string, now: Date): Promise<number> {
  const row = await repo.findThrottle(db.kysely, key);
  if (!row?.locked_until) return 0;
  const ms = Date.parse(row.locked_until) - now.getTime();
  return ms > 0 ? Math.ceil(ms / 1000) : 0;
}

/** Counts a failure; locks the key when it reaches the rule's maximum within the window. */
export async function recordFailure(db: Db, key: string, rule: ThrottleRule, now: Date): Promise<void> {
  const row = await repo.findThrottle(db.kysely, key);
  const t = now.getTime();
  const inWindow = row && t - Date.parse(row.window_started_at) < rule.windowMs;
  const failures = inWindow ? row.failures + 1 : 1;
  const windowStart = inWindow ? row.window_started_at : now.toISOString();
  await repo.upsertThrottle(db.kysely, {
    key,
    failures,
    window_started_at: windowStart,
    locked_until:
      failures >= rule.max ? new Date(t + rule.lockMs).toISOString() : (row?.locked_until ?? null),
  });
}

export async function clearFailures(db: Db, key: string): Promise<void> {
  await repo.clearThrottle(db.kysely, key);
}
