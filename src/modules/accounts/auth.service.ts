import type { Db } from '../../db/database.ts';
import * as repo from './accounts.repository.ts';
import { dummyVerifyPassword, hashPassword, needsRehash, verifyPassword } from './credentials/passwords.ts';
import {
  generateRecoveryCodes,
  hashRecoveryCode,
  isWellFormedRecoveryCode,
} from './credentials/recovery-codes.ts';
import { generateTotpSecret, totpUri, verifyTotp } from './credentials/totp.ts';
import { clearFailures, lockedFor, RULES, recordFailure } from './throttle.ts';

/** Sign-in: password, then the second factor (TOTP or a recovery code), and TOTP enrolment. */

export function normalizeEmail(email: string): string {
  return email.normalize('NFKC').trim().toLowerCase();
}

export type PasswordSignIn =
  | { ok: true; userId: number; totpEnabled: boolean }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number };

/**
 * Checks e-mail and password. Unknown accounts, disabled accounts and wrong passwords give the same
 * answer in about the same time; failures are throttled per account and per address.
 */
export async function signInWithPassword(
  db: Db,
  input: { email: string; password: string; ip: string; now: Date },
): Promise<PasswordSignIn> {
  const email = normalizeEmail(input.email);
  const accountKey = `account:${email}`;
  const addressKey = `ip:${input.ip}`;
  const wait = Math.max(
    await lockedFor(db, accountKey, input.now),
    await lockedFor(db, addressKey, input.now),
  );
  if (wait > 0) return { ok: false, reason: 'throttled', retryAfterSeconds: wait };
  const user = await repo.findUserByEmail(db.kysely, email);
  const valid =
    user?.password_hash && user.disabled_at === null
      ? await verifyPassword(user.password_hash, input.password)
      : await dummyVerifyPassword(input.password);
  if (!valid || !user) {
    await recordFailure(db, accountKey, RULES.account, input.now);
    await recordFailure(db, addressKey, RULES.address, input.now);
    return { ok: false, reason: 'invalid' };
  }
  await clearFailures(db, accountKey);
  if (user.password_hash && needsRehash(user.password_hash)) {
    await repo.updateUser(db.kysely, user.id, {
      password_hash: await hashPassword(input.password),
      updated_at: input.now.toISOString(),
    });
  }
  return { ok: true, userId: user.id, totpEnabled: user.totp_enabled_at !== null };
}

export type SecondFactor =
  | { ok: true; method: 'totp' | 'recovery'; recoveryCodesLeft?: number }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number };

/** A TOTP code (each accepted once) or a recovery code (each usable once); throttled per user. */
export async function verifySecondFactor(
  db: Db,
  userId: number,
  code: string,
  now: Date,
): Promise<SecondFactor> {
  const key = `mfa:${userId}`;
  const wait = await lockedFor(db, key, now);
  if (wait > 0) return { ok: false, reason: 'throttled', retryAfterSeconds: wait };
  const user = await repo.findUserById(db.kysely, userId);
  if (!user?.totp_secret || user.disabled_at !== null) return { ok: false, reason: 'invalid' };
  const totp = verifyTotp({ secret: user.totp_secret, code, now, lastStep: user.totp_last_step });
  if (totp.ok && (await repo.advanceTotpStep(db.kysely, userId, totp.step))) {
    await clearFailures(db, key);
    return { ok: true, method: 'totp' };
  }
  if (
    isWellFormedRecoveryCode(code) &&
    (await repo.useRecoveryCode(db.kysely, userId, hashRecoveryCode(code), now.toISOString()))
  ) {
    await clearFailures(db, key);
    return {
      ok: true,
      method: 'recovery',
      recoveryCodesLeft: await repo.countUnusedRecoveryCodes(db.kysely, userId),
    };
  }
  await recordFailure(db, key, RULES.secondFactor, now);
  return { ok: false, reason: 'invalid' };
}

/** Starts (or restarts) TOTP enrolment: a new secret, kept pending until a code confirms it. */
export async function startTotpEnrolment(
  db: Db,
  userId: number,
  issuer: string,
  now: Date,
): Promise<{ secret: string; uri: string }> {
  const user = await repo.findUserById(db.kysely, userId);
  if (!user) throw new Error(`user ${userId} not found`);
  const secret = user.totp_pending_secret ?? generateTotpSecret();
  if (!user.totp_pending_secret) {
    await repo.updateUser(db.kysely, userId, { totp_pending_secret: secret, updated_at: now.toISOString() });
  }
  return {
    secret,
    uri: totpUri({ issuer: issuer.replace(/:/g, ' '), accountName: user.email.replace(/:/g, ' '), secret }),
  };
}

export type Enrolment =
  | { ok: true; recoveryCodes: string[] }
  | { ok: false; reason: 'invalid' | 'throttled' };

/** Confirms enrolment with a code from the app; returns ten recovery codes, shown once. */
export async function confirmTotpEnrolment(
  db: Db,
  userId: number,
  code: string,
  now: Date,
): Promise<Enrolment> {
  const key = `mfa:${userId}`;
  if ((await lockedFor(db, key, now)) > 0) return { ok: false, reason: 'throttled' };
  const user = await repo.findUserById(db.kysely, userId);
  if (!user?.totp_pending_secret) return { ok: false, reason: 'invalid' };
  const r = verifyTotp({ secret: user.totp_pending_secret, code, now, lastStep: null });
  if (!r.ok) {
    await recordFailure(db, key, RULES.secondFactor, now);
    return { ok: false, reason: 'invalid' };
  }
  const codes = generateRecoveryCodes(10);
  await db.kysely.transaction().execute(async (trx) => {
    await repo.updateUser(trx, userId, {
      totp_secret: user.totp_pending_secret,
      totp_pending_secret: null,
      totp_enabled_at: now.toISOString(),
      totp_last_step: r.step,
      updated_at: now.toISOString(),
    });
    await repo.replaceRecoveryCodes(trx, userId, codes.map(hashRecoveryCode));
  });
  await clearFailures(db, key);
  return { ok: true, recoveryCodes: codes };
}
