import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '../../db/database.ts';
import * as repo from './accounts.repository.ts';

/**
 * Sign-in throttling (ADR 0008), kept in the database so that every app process sees the same counts.
 *
 * Every attempt is counted BEFORE the secret is checked: `admit` counts it against each of its keys in
 * one atomic statement per key and lets it through only when no key is over its maximum. So N parallel
 * attempts can never get more than `max` checks of the secret, whatever their timing. A failed attempt
 * keeps its count; a successful one clears the keys of the client and gives the shared keys (an address)
 * their count back (`succeeded`). Keys are counted whether or not the account exists, so the answer never
 * tells which e-mail addresses have accounts.
 *
 * Which keys an attempt is counted against depends on the browser (OWASP's device cookies): a browser that
 * has completed a full sign-in of an account holds a signed device cookie for it, and its attempts are
 * counted against that cookie alone. Everyone else (an attacker hammering an address included) is counted
 * against the account and the address. A lock therefore stops untrusted clients, not the owner on the
 * browser they always use.
 */
export interface ThrottleRule {
  max: number;
  windowMs: number;
  lockMs: number;
}

export const RULES = {
  /** Wrong passwords for an account from browsers that hold no device cookie for it. */
  account: { max: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 },
  /** Wrong passwords from one address, whatever the account. */
  address: { max: 20, windowMs: 15 * 60_000, lockMs: 15 * 60_000 },
  /** Wrong second-factor codes (per user from untrusted browsers, per device cookie from trusted ones). */
  secondFactor: { max: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 },
  /** Wrong passwords from one trusted browser (one device cookie). */
  device: { max: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 },
} as const satisfies Record<string, ThrottleRule>;

/** A key an attempt is counted against; `shared` keys (an address) get the count back on success. */
export interface ThrottleCheck {
  key: string;
  rule: ThrottleRule;
  shared?: boolean;
}

interface CountedCheck extends ThrottleCheck {
  windowStartedAt: string;
}

export type Admission =
  | { ok: true; counted: readonly CountedCheck[] }
  | { ok: false; retryAfterSeconds: number };

/**
 * Counts one attempt against each key, in order, and admits it when every count is within its maximum.
 * When a key refuses, the counts already taken for the earlier keys are given back and the later keys
 * are not counted: a refused attempt checks no secret and is nobody's failure.
 */
export async function admit(db: Db, checks: readonly ThrottleCheck[], now: Date): Promise<Admission> {
  const counted: CountedCheck[] = [];
  for (const check of checks) {
    const t = now.getTime();
    const row = await repo.countThrottleAttempt(db.kysely, {
      key: check.key,
      max: check.rule.max,
      now: now.toISOString(),
      windowStartedBefore: new Date(t - check.rule.windowMs).toISOString(),
      lockedUntil: new Date(t + check.rule.lockMs).toISOString(),
    });
    if (row.failures > check.rule.max) {
      for (const c of counted) await giveBack(db, c);
      const until = row.locked_until ? Date.parse(row.locked_until) : t + check.rule.lockMs;
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((until - t) / 1000)) };
    }
    counted.push({ ...check, windowStartedAt: row.window_started_at });
  }
  return { ok: true, counted };
}

/** The admitted attempt succeeded: the client's own keys start afresh, shared keys get their count back. */
export async function succeeded(db: Db, admission: { counted: readonly CountedCheck[] }): Promise<void> {
  for (const c of admission.counted) {
    if (c.shared) await giveBack(db, c);
    else await repo.clearThrottle(db.kysely, c.key);
  }
}

async function giveBack(db: Db, c: CountedCheck): Promise<void> {
  await repo.uncountThrottleAttempt(db.kysely, c.key, c.windowStartedAt, c.rule.max);
}

// --- device cookies -------------------------------------------------------------------------------

/** How long a browser stays trusted after its last full sign-in (each full sign-in renews it). */
export const DEVICE_TRUST_MS = 180 * 24 * 60 * 60_000;
/** At most this many device cookies of one request are looked at (one per account used on the browser). */
const MAX_DEVICE_TOKENS = 10;
const DEVICE_SECRET = 'device_cookie_hmac';
const TOKEN = /^(\d{1,10})\.(\d{1,12})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

async function deviceKey(db: Db, now: Date): Promise<string> {
  return repo.getOrCreateSecret(
    db.kysely,
    DEVICE_SECRET,
    () => randomBytes(32).toString('base64url'),
    now.toISOString(),
  );
}

function mac(key: string, body: string): string {
  return createHmac('sha256', key).update(`kyoso-device-v1:${body}`).digest('base64url');
}

/**
 * A new device token for the user: `<userId>.<issued, s>.<nonce>.<HMAC>`, signed with a key kept in
 * `app_secrets`. It names no secret of the user; it only says "this browser completed a sign-in of this
 * account", and it is worth nothing for any other account.
 */
export async function issueDeviceToken(db: Db, userId: number, now: Date): Promise<string> {
  const body = `${userId}.${Math.floor(now.getTime() / 1000)}.${randomBytes(16).toString('base64url')}`;
  return `${body}.${mac(await deviceKey(db, now), body)}`;
}

/**
 * The nonce of the first valid, unexpired device token of this user among the browser's tokens, or null
 * (no token, a forged or altered one, another user's, an expired one: the browser is untrusted).
 */
export async function trustedDevice(
  db: Db,
  userId: number,
  tokens: readonly string[],
  now: Date,
): Promise<string | null> {
  const mine = tokens
    .slice(0, MAX_DEVICE_TOKENS)
    .map((t) => TOKEN.exec(t))
    .filter((m): m is RegExpExecArray => m !== null && Number(m[1]) === userId);
  if (mine.length === 0) return null;
  const key = await deviceKey(db, now);
  for (const m of mine) {
    const issuedMs = Number(m[2]) * 1000;
    if (issuedMs > now.getTime() + 60_000 || now.getTime() - issuedMs > DEVICE_TRUST_MS) continue;
    const expected = Buffer.from(mac(key, `${m[1]}.${m[2]}.${m[3]}`));
    const given = Buffer.from(m[4]!);
    if (expected.length === given.length && timingSafeEqual(expected, given)) return m[3]!;
  }
  return null;
}
