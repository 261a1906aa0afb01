import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/database.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { ensureMunicipality } from '../plan/plan.service.ts';
import * as repo from './accounts.repository.ts';
import type { AccountInput } from './accounts.schema.ts';
import { hashPassword } from './credentials/passwords.ts';
import { hashToken } from './sessions.service.ts';

/** A random key shared by every process on the database (e.g. the CSRF HMAC key), made on first use. */
export async function instanceSecret(db: Db, name: string, now: Date): Promise<string> {
  return repo.getOrCreateSecret(
    db.kysely,
    name,
    () => randomBytes(32).toString('base64url'),
    now.toISOString(),
  );
}

// --- first administrator ---------------------------------------------------------------------------

/** A setup link is valid for one hour. */
export const SETUP_TOKEN_TTL_MS = 60 * 60 * 1000;

/**
 * With no active administrator, makes a one-time setup token (valid one hour) for the first one and
 * returns it; null when an administrator exists. The server prints the link at start; `kyoso
 * create-admin` does the same from the shell.
 */
export async function createSetupToken(db: Db, municipalityCode: string, now: Date): Promise<string | null> {
  if ((await repo.countActiveAdmins(db.kysely, municipalityCode)) > 0) return null;
  await ensureMunicipality(db, municipalityCode, now);
  const token = randomBytes(32).toString('base64url');
  await repo.insertOneTimeToken(db.kysely, {
    token_hash: hashToken(token),
    municipality_code: municipalityCode,
    kind: 'setup',
    email: null,
    role: 'admin',
    department_ids: '[]',
    created_by: null,
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + SETUP_TOKEN_TTL_MS).toISOString(),
    used_at: null,
  });
  return token;
}

/** Whether a setup token is usable now (unused, unexpired, and still no administrator). */
export async function setupTokenUsable(db: Db, token: string, now: Date): Promise<boolean> {
  const row = await repo.findOneTimeToken(db.kysely, hashToken(token));
  if (row?.kind !== 'setup' || row.used_at !== null || Date.parse(row.expires_at) <= now.getTime())
    return false;
  return (await repo.countActiveAdmins(db.kysely, row.municipality_code)) === 0;
}

export type SetupResult = { ok: true; userId: number } | { ok: false; reason: 'token' | 'email_taken' };

/**
 * Creates the first administrator with a setup token, in one transaction with its audit entry. The token
 * works once; a second administrator cannot be made this way.
 */
export async function completeSetup(
  db: Db,
  input: { token: string; account: AccountInput; ip: string; requestId: string; now: Date },
): Promise<SetupResult> {
  const tokenHash = hashToken(input.token);
  const hash = await hashPassword(input.account.password);
  return db.kysely.transaction().execute(async (trx) => {
    const row = await repo.findOneTimeToken(trx, tokenHash);
    if (row?.kind !== 'setup') return { ok: false, reason: 'token' } as const;
    if ((await repo.countActiveAdmins(trx, row.municipality_code)) > 0)
      return { ok: false, reason: 'token' } as const;
    if (await repo.findUserByEmail(trx, input.account.email))
      return { ok: false, reason: 'email_taken' } as const;
    if (!(await repo.consumeOneTimeToken(trx, tokenHash, input.now.toISOString()))) {
      return { ok: false, reason: 'token' } as const;
    }
    const at = input.now.toISOString();
    const user = {
      municipality_code: row.municipality_code,
      email: input.account.email,
      display_name: input.account.displayName,
      role: 'admin',
      password_hash: hash,
      totp_secret: null,
      totp_pending_secret: null,
      totp_enabled_at: null,
      totp_last_step: null,
      disabled_at: null,
      created_at: at,
      updated_at: at,
    };
    const userId = await repo.insertUser(trx, user);
    await recordAudit(trx, {
      municipalityCode: row.municipality_code,
      actor: {
        userId: null,
        label: `setup:${input.account.email}`,
        ip: input.ip,
        requestId: input.requestId,
      },
      action: 'user.create',
      resourceType: 'user',
      resourceId: userId,
      before: null,
      after: { id: userId, email: user.email, displayName: user.display_name, role: user.role },
      at,
    });
    return { ok: true, userId } as const;
  });
}

// --- departments, for other modules ------------------------------------------------------------------

/**
 * The municipality's departments in display order, disabled ones included and marked (other modules
 * name them, e.g. a measure's 担当課, and must refuse the disabled ones for new assignments). One query.
 */
export async function listDepartments(
  db: Db,
  municipalityCode: string,
): Promise<Array<{ id: number; name: string; disabled: boolean }>> {
  const rows = await repo.listDepartments(db.kysely, municipalityCode);
  return rows.map((r) => ({ id: r.id, name: r.name, disabled: r.disabled_at !== null }));
}
