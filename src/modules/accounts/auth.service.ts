import type { Db } from '../../db/database.ts';
import * as repo from './accounts.repository.ts';
import { dummyVerifyPassword, hashPassword, needsRehash, verifyPassword } from './credentials/passwords.ts';
import {
  generateRecoveryCodes,
  hashRecoveryCode,
  isWellFormedRecoveryCode,
} from './credentials/recovery-codes.ts';
import { generateTotpSecret, totpUri, verifyTotp } from './credentials/totp.ts';
import { admit, issueDeviceToken, RULES, succeeded, trustedDevice } from './throttle.ts';

/** Sign-in: password, then the second factor (TOTP or a recovery code), and TOTP enrolment. */

export function normalizeEmail(email: string): string {
  return email.normalize('NFKC').trim().toLowerCase();
}

export type PasswordSignIn =
  | { ok: true; userId: number; totpEnabled: boolean }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number; trustedDevice: boolean };

/**
 * Checks e-mail and password. Unknown accounts, disabled accounts and wrong passwords give the same
 * answer in about the same time. The attempt is counted before the password is checked (throttle.ts):
 * against the browser's device cookie for this account when it has a valid one, otherwise against the
 * account and the address. So a lock caused by wrong passwords from elsewhere does not stop the owner
 * on a browser where they have signed in before (ADR 0008).
 */
export async function signInWithPassword(
  db: Db,
  input: { email: string; password: string; ip: string; now: Date; deviceTokens?: readonly string[] },
): Promise<PasswordSignIn> {
  const email = normalizeEmail(input.email);
  const user = await repo.findUserByEmail(db.kysely, email);
  const device = user ? await trustedDevice(db, user.id, input.deviceTokens ?? [], input.now) : null;
  const admission = await admit(
    db,
    device
      ? [{ key: `device:${device}`, rule: RULES.device }]
      : [
          { key: `account:${email}`, rule: RULES.account },
          { key: `ip:${input.ip}`, rule: RULES.address, shared: true },
        ],
    input.now,
  );
  if (!admission.ok) {
    return {
      ok: false,
      reason: 'throttled',
      retryAfterSeconds: admission.retryAfterSeconds,
      trustedDevice: device !== null,
    };
  }
  const valid =
    user?.password_hash && user.disabled_at === null
      ? await verifyPassword(user.password_hash, input.password)
      : await dummyVerifyPassword(input.password);
  // A failure keeps the count taken by admit().
  if (!valid || !user) return { ok: false, reason: 'invalid' };
  await succeeded(db, admission);
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
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number; trustedDevice: boolean };

/**
 * A TOTP code (each accepted once) or a recovery code (each usable once). Counted before it is checked:
 * per user from untrusted browsers, per device cookie from a browser trusted for this user, so that
 * someone who has the password cannot lock the owner out of the second step either.
 */
export async function verifySecondFactor(
  db: Db,
  userId: number,
  code: string,
  now: Date,
  deviceTokens: readonly string[] = [],
): Promise<SecondFactor> {
  const device = await trustedDevice(db, userId, deviceTokens, now);
  const admission = await admit(
    db,
    [{ key: device ? `mfa-device:${device}` : `mfa:${userId}`, rule: RULES.secondFactor }],
    now,
  );
  if (!admission.ok) {
    return {
      ok: false,
      reason: 'throttled',
      retryAfterSeconds: admission.retryAfterSeconds,
      trustedDevice: device !== null,
    };
  }
  const user = await repo.findUserById(db.kysely, userId);
  if (!user?.totp_secret || user.disabled_at !== null) return { ok: false, reason: 'invalid' };
  const totp = verifyTotp({ secret: user.totp_secret, code, now, lastStep: user.totp_last_step });
  if (totp.ok && (await repo.advanceTotpStep(db.kysely, userId, totp.step))) {
    await succeeded(db, admission);
    return { ok: true, method: 'totp' };
  }
  if (
    isWellFormedRecoveryCode(code) &&
    (await repo.useRecoveryCode(db.kysely, userId, hashRecoveryCode(code), now.toISOString()))
  ) {
    await succeeded(db, admission);
    return {
      ok: true,
      method: 'recovery',
      recoveryCodesLeft: await repo.countUnusedRecoveryCodes(db.kysely, userId),
    };
  }
  return { ok: false, reason: 'invalid' };
}

/**
 * A device token for a browser that has just completed a full sign-in (password and second factor) of
 * the user: the route puts it in a long-lived cookie (ADR 0008).
 */
export async function trustBrowser(db: Db, userId: number, now: Date): Promise<string> {
  return issueDeviceToken(db, userId, now);
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
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number };

/** Confirms enrolment with a code from the app; returns ten recovery codes, shown once. */
export async function confirmTotpEnrolment(
  db: Db,
  userId: number,
  code: string,
  now: Date,
): Promise<Enrolment> {
  const admission = await admit(db, [{ key: `mfa:${userId}`, rule: RULES.secondFactor }], now);
  if (!admission.ok)
    return { ok: false, reason: 'throttled', retryAfterSeconds: admission.retryAfterSeconds };
  const user = await repo.findUserById(db.kysely, userId);
  if (!user?.totp_pending_secret) return { ok: false, reason: 'invalid' };
  const r = verifyTotp({ secret: user.totp_pending_secret, code, now, lastStep: null });
  if (!r.ok) return { ok: false, reason: 'invalid' };
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
  await succeeded(db, admission);
  return { ok: true, recoveryCodes: codes };
}
