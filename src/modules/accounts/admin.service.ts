import { randomBytes } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Database, Db } from '../../db/database.ts';
import { NotFoundError } from '../../web/errors.ts';
import { type AuditActor, recordAudit } from '../audit/audit.service.ts';
import * as repo from './accounts.repository.ts';
import type { AccountInput } from './accounts.schema.ts';
import { ROLES, type Role } from './accounts.types.ts';
import type { DepartmentEdit, InvitationInput, UserEdit } from './admin.schema.ts';
import { hashPassword } from './credentials/passwords.ts';
import { hashToken } from './sessions.service.ts';

/**
 * Administration of staff: departments, invitations, roles, disabling. Every write runs in one
 * transaction with its audit entry (before and after; never a password hash or a token), and returns a
 * typed result; an id that is not the municipality's throws NotFoundError.
 */

/** An invitation link is valid for seven days. */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export interface Department {
  id: number;
  name: string;
  position: number;
  disabled: boolean;
}

export interface StaffAccount {
  id: number;
  email: string;
  displayName: string;
  role: Role;
  departmentIds: number[];
  disabled: boolean;
  /** Two-step verification has been set up (the first sign-in is complete). */
  totpEnabled: boolean;
}

export interface PendingInvitation {
  email: string;
  role: Role;
  departmentIds: number[];
  createdAt: string;
  expiresAt: string;
}

/** Who writes, where, and when: every write of this file takes one. */
export interface AdminWrite {
  db: Db;
  municipalityCode: string;
  actor: AuditActor;
  now: Date;
}

type Trx = Transaction<Database>;

function isRole(r: string | null): r is Role {
  return r !== null && (ROLES as readonly string[]).includes(r);
}

/** A unique constraint refused the write (a race the check before it could not see). */
function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

function parseIds(json: string): number[] {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.filter((x): x is number => Number.isSafeInteger(x)) : [];
  } catch {
    return [];
  }
}

// --- departments -----------------------------------------------------------------------------------

type DepartmentRow = Awaited<ReturnType<typeof repo.listDepartments>>[number];

function toDepartment(r: DepartmentRow): Department {
  return { id: r.id, name: r.name, position: r.position, disabled: r.disabled_at !== null };
}

/** What the audit log keeps of a department. */
function departmentAudit(r: Pick<DepartmentRow, 'id' | 'name' | 'position' | 'disabled_at'>) {
  return { id: r.id, name: r.name, position: r.position, disabledAt: r.disabled_at };
}

/** The municipality's departments, disabled ones included, in display order. */
export async function listDepartments(db: Db, municipalityCode: string): Promise<Department[]> {
  return (await repo.listDepartments(db.kysely, municipalityCode)).map(toDepartment);
}

export async function getDepartment(db: Db, municipalityCode: string, id: number): Promise<Department> {
  const r = await repo.findDepartmentInMunicipality(db.kysely, municipalityCode, id);
  if (!r) throw new NotFoundError(`department ${id}`);
  return toDepartment(r);
}

async function departmentOrThrow(trx: Trx, municipalityCode: string, id: number) {
  const r = await repo.findDepartmentInMunicipality(trx, municipalityCode, id);
  if (!r) throw new NotFoundError(`department ${id}`);
  return r;
}

export type DepartmentResult =
  | { ok: true; id: number; changed: boolean }
  | { ok: false; reason: 'name_taken' };

/** Adds a department at the end of the list. Names are unique in the municipality (disabled ones too). */
export async function createDepartment(w: AdminWrite, input: { name: string }): Promise<DepartmentResult> {
  try {
    return await w.db.kysely.transaction().execute(async (trx) => {
      if (await repo.findDepartmentByName(trx, w.municipalityCode, input.name))
        return { ok: false, reason: 'name_taken' } as const;
      const row = {
        municipality_code: w.municipalityCode,
        name: input.name,
        position: (await repo.maxDepartmentPosition(trx, w.municipalityCode)) + 1,
        created_at: w.now.toISOString(),
        disabled_at: null,
      };
      const id = await repo.insertDepartment(trx, row);
      await recordAudit(trx, {
        municipalityCode: w.municipalityCode,
        actor: w.actor,
        action: 'department.create',
        resourceType: 'department',
        resourceId: id,
        before: null,
        after: departmentAudit({ id, ...row }),
        at: w.now,
      });
      return { ok: true, id, changed: true } as const;
    });
  } catch (e) {
    if (isUniqueViolation(e)) return { ok: false, reason: 'name_taken' };
    throw e;
  }
}

/** Renames and/or moves a department; nothing is written (or logged) when nothing changes. */
export async function updateDepartment(
  w: AdminWrite,
  id: number,
  input: DepartmentEdit,
): Promise<DepartmentResult> {
  try {
    return await w.db.kysely.transaction().execute(async (trx) => {
      const before = await departmentOrThrow(trx, w.municipalityCode, id);
      if (before.name === input.name && before.position === input.position)
        return { ok: true, id, changed: false } as const;
      const other = await repo.findDepartmentByName(trx, w.municipalityCode, input.name);
      if (other && other.id !== id) return { ok: false, reason: 'name_taken' } as const;
      await repo.updateDepartment(trx, w.municipalityCode, id, {
        name: input.name,
        position: input.position,
      });
      await recordAudit(trx, {
        municipalityCode: w.municipalityCode,
        actor: w.actor,
        action: 'department.update',
        resourceType: 'department',
        resourceId: id,
        before: departmentAudit(before),
        after: departmentAudit({ ...before, name: input.name, position: input.position }),
        at: w.now,
      });
      return { ok: true, id, changed: true } as const;
    });
  } catch (e) {
    if (isUniqueViolation(e)) return { ok: false, reason: 'name_taken' };
    throw e;
  }
}

/**
 * Disables (or enables again) a department. A disabled department is no longer offered to new members;
 * its current members keep it, so that nothing they own changes hands silently.
 */
export async function setDepartmentDisabled(
  w: AdminWrite,
  id: number,
  disabled: boolean,
): Promise<{ changed: boolean }> {
  return w.db.kysely.transaction().execute(async (trx) => {
    const before = await departmentOrThrow(trx, w.municipalityCode, id);
    if ((before.disabled_at !== null) === disabled) return { changed: false };
    const disabledAt = disabled ? w.now.toISOString() : null;
    await repo.updateDepartment(trx, w.municipalityCode, id, { disabled_at: disabledAt });
    await recordAudit(trx, {
      municipalityCode: w.municipalityCode,
      actor: w.actor,
      action: disabled ? 'department.disable' : 'department.enable',
      resourceType: 'department',
      resourceId: id,
      before: departmentAudit(before),
      after: departmentAudit({ ...before, disabled_at: disabledAt }),
      at: w.now,
    });
    return { changed: true };
  });
}

/**
 * True when every id is a department of the municipality that may be chosen: an active one, or one the
 * user already belongs to (a department disabled later is kept, not silently dropped).
 */
async function departmentsChoosable(
  trx: Trx,
  municipalityCode: string,
  ids: readonly number[],
  alreadyMember: readonly number[] = [],
): Promise<boolean> {
  if (ids.length === 0) return true;
  const all = new Map((await repo.listDepartments(trx, municipalityCode)).map((d) => [d.id, d]));
  return ids.every((id) => {
    const d = all.get(id);
    return d !== undefined && (d.disabled_at === null || alreadyMember.includes(id));
  });
}

// --- users -----------------------------------------------------------------------------------------

type UserRow = NonNullable<Awaited<ReturnType<typeof repo.findUserInMunicipality>>>;

function toAccount(r: UserRow, departmentIds: number[]): StaffAccount {
  return {
    id: r.id,
    email: r.email,
    displayName: r.display_name,
    role: r.role as Role,
    departmentIds,
    disabled: r.disabled_at !== null,
    totpEnabled: r.totp_enabled_at !== null,
  };
}

/** What the audit log keeps of a user: never credentials. */
function userAudit(
  r: Pick<UserRow, 'id' | 'email' | 'display_name' | 'role' | 'disabled_at'>,
  departmentIds: number[],
) {
  return {
    id: r.id,
    email: r.email,
    displayName: r.display_name,
    role: r.role,
    departmentIds,
    disabledAt: r.disabled_at,
  };
}

function toInvitation(r: Awaited<ReturnType<typeof repo.listPendingInvitations>>[number]): PendingInvitation {
  return {
    email: r.email ?? '',
    role: isRole(r.role) ? r.role : 'committee',
    departmentIds: parseIds(r.department_ids),
    createdAt: r.created_at,
    expiresAt: r.expires_at,
  };
}

/** The municipality's staff and the invitations still waiting to be accepted. */
export async function listAccounts(
  db: Db,
  municipalityCode: string,
  now: Date,
): Promise<{ users: StaffAccount[]; invitations: PendingInvitation[] }> {
  const [rows, links, invites] = await Promise.all([
    repo.listUsersOfMunicipality(db.kysely, municipalityCode),
    repo.listUserDepartmentLinks(db.kysely, municipalityCode),
    repo.listPendingInvitations(db.kysely, municipalityCode, now.toISOString()),
  ]);
  const deps = new Map<number, number[]>();
  for (const l of links) deps.set(l.user_id, [...(deps.get(l.user_id) ?? []), l.department_id]);
  return {
    users: rows.map((r) =>
      toAccount(
        r,
        (deps.get(r.id) ?? []).sort((a, b) => a - b),
      ),
    ),
    invitations: invites.map(toInvitation),
  };
}

export async function getAccount(db: Db, municipalityCode: string, id: number): Promise<StaffAccount> {
  const r = await repo.findUserInMunicipality(db.kysely, municipalityCode, id);
  if (!r) throw new NotFoundError(`user ${id}`);
  const ids = await repo.findDepartmentIdsOfUser(db.kysely, id);
  return toAccount(
    r,
    ids.sort((a, b) => a - b),
  );
}

async function accountOrThrow(trx: Trx, municipalityCode: string, id: number) {
  const r = await repo.findUserInMunicipality(trx, municipalityCode, id);
  if (!r) throw new NotFoundError(`user ${id}`);
  const ids = (await repo.findDepartmentIdsOfUser(trx, id)).sort((a, b) => a - b);
  return { row: r, departmentIds: ids };
}

/** Whether another active administrator would remain if this one stopped being one. */
async function anotherAdminRemains(w: AdminWrite, trx: Trx, userId: number): Promise<boolean> {
  const ids = await repo.lockActiveAdminIds(trx, w.municipalityCode, w.db.dialect === 'postgres');
  return ids.some((id) => id !== userId);
}

export type AccountResult =
  | { ok: true; changed: boolean }
  | { ok: false; reason: 'last_admin' | 'departments' };

/**
 * Changes a user's role and departments. The last active administrator cannot stop being one. Roles and
 * departments are read on every request, so the change applies to the user's open sessions at once.
 */
export async function updateAccount(w: AdminWrite, id: number, input: UserEdit): Promise<AccountResult> {
  return w.db.kysely.transaction().execute(async (trx) => {
    const before = await accountOrThrow(trx, w.municipalityCode, id);
    const sameDepartments = before.departmentIds.join(',') === input.departmentIds.join(',');
    if (before.row.role === input.role && sameDepartments) return { ok: true, changed: false } as const;
    if (!(await departmentsChoosable(trx, w.municipalityCode, input.departmentIds, before.departmentIds)))
      return { ok: false, reason: 'departments' } as const;
    const demoted = before.row.role === 'admin' && input.role !== 'admin';
    if (demoted && before.row.disabled_at === null && !(await anotherAdminRemains(w, trx, id)))
      return { ok: false, reason: 'last_admin' } as const;
    if (before.row.role !== input.role)
      await repo.updateUser(trx, id, { role: input.role, updated_at: w.now.toISOString() });
    if (!sameDepartments) await repo.setUserDepartments(trx, id, input.departmentIds);
    await recordAudit(trx, {
      municipalityCode: w.municipalityCode,
      actor: w.actor,
      action: 'user.update',
      resourceType: 'user',
      resourceId: id,
      before: userAudit(before.row, before.departmentIds),
      after: userAudit({ ...before.row, role: input.role }, input.departmentIds),
      at: w.now,
    });
    return { ok: true, changed: true } as const;
  });
}

/**
 * Disables a user and ends all of their sessions, in one transaction (or enables them again: their
 * ended sessions stay ended). The last active administrator cannot be disabled.
 */
export async function setAccountDisabled(
  w: AdminWrite,
  id: number,
  disabled: boolean,
): Promise<AccountResult> {
  return w.db.kysely.transaction().execute(async (trx) => {
    const before = await accountOrThrow(trx, w.municipalityCode, id);
    if ((before.row.disabled_at !== null) === disabled) return { ok: true, changed: false } as const;
    if (disabled && before.row.role === 'admin' && !(await anotherAdminRemains(w, trx, id)))
      return { ok: false, reason: 'last_admin' } as const;
    const at = w.now.toISOString();
    const disabledAt = disabled ? at : null;
    await repo.updateUser(trx, id, { disabled_at: disabledAt, updated_at: at });
    if (disabled) await repo.endSessionsOfUser(trx, id, at);
    await recordAudit(trx, {
      municipalityCode: w.municipalityCode,
      actor: w.actor,
      action: disabled ? 'user.disable' : 'user.enable',
      resourceType: 'user',
      resourceId: id,
      before: userAudit(before.row, before.departmentIds),
      after: userAudit({ ...before.row, disabled_at: disabledAt }, before.departmentIds),
      at: w.now,
    });
    return { ok: true, changed: true } as const;
  });
}

// --- invitations -----------------------------------------------------------------------------------

export type InvitationResult =
  | { ok: true; token: string; expiresAt: string }
  | { ok: false; reason: 'email_taken' | 'email_invited' | 'departments' };

/**
 * Invites a member of staff: a one-time token (only its sha256 is stored) valid seven days, for the
 * address, role and departments chosen. The token is returned once, for the link; it cannot be shown
 * again. An address that has an account, or an invitation still pending, is refused.
 */
export async function inviteStaff(w: AdminWrite, input: InvitationInput): Promise<InvitationResult> {
  const token = randomBytes(32).toString('base64url');
  const at = w.now.toISOString();
  const expiresAt = new Date(w.now.getTime() + INVITATION_TTL_MS).toISOString();
  return w.db.kysely.transaction().execute(async (trx) => {
    if (await repo.findUserByEmail(trx, input.email)) return { ok: false, reason: 'email_taken' } as const;
    if (await repo.findPendingInvitationByEmail(trx, w.municipalityCode, input.email, at))
      return { ok: false, reason: 'email_invited' } as const;
    if (!(await departmentsChoosable(trx, w.municipalityCode, input.departmentIds)))
      return { ok: false, reason: 'departments' } as const;
    await repo.insertOneTimeToken(trx, {
      token_hash: hashToken(token),
      municipality_code: w.municipalityCode,
      kind: 'invite',
      email: input.email,
      role: input.role,
      department_ids: JSON.stringify(input.departmentIds),
      created_by: w.actor.userId,
      created_at: at,
      expires_at: expiresAt,
      used_at: null,
    });
    await recordAudit(trx, {
      municipalityCode: w.municipalityCode,
      actor: w.actor,
      action: 'invitation.create',
      resourceType: 'invitation',
      resourceId: input.email,
      before: null,
      after: { email: input.email, role: input.role, departmentIds: input.departmentIds, expiresAt },
      at: w.now,
    });
    return { ok: true, token, expiresAt } as const;
  });
}

/** Withdraws the pending invitation of an address (its link stops working); false when there was none. */
export async function cancelInvitation(w: AdminWrite, email: string): Promise<boolean> {
  const at = w.now.toISOString();
  return w.db.kysely.transaction().execute(async (trx) => {
    const before = await repo.findPendingInvitationByEmail(trx, w.municipalityCode, email, at);
    if (!before) return false;
    await repo.deletePendingInvitations(trx, w.municipalityCode, email, at);
    const inv = toInvitation(before);
    await recordAudit(trx, {
      municipalityCode: w.municipalityCode,
      actor: w.actor,
      action: 'invitation.cancel',
      resourceType: 'invitation',
      resourceId: email,
      before: {
        email: inv.email,
        role: inv.role,
        departmentIds: inv.departmentIds,
        expiresAt: inv.expiresAt,
      },
      after: null,
      at: w.now,
    });
    return true;
  });
}

/** The invitation behind a link, if it can still be accepted (unused, unexpired, of this municipality). */
export async function usableInvitation(
  db: Db,
  municipalityCode: string,
  token: string,
  now: Date,
): Promise<PendingInvitation | null> {
  const row = await repo.findOneTimeToken(db.kysely, hashToken(token));
  if (
    row?.kind !== 'invite' ||
    row.municipality_code !== municipalityCode ||
    row.used_at !== null ||
    Date.parse(row.expires_at) <= now.getTime() ||
    !row.email ||
    !isRole(row.role)
  )
    return null;
  return toInvitation(row);
}

export type AcceptResult = { ok: true; userId: number } | { ok: false; reason: 'token' };

/**
 * Accepts an invitation: creates the user with the invited address, role and departments, consumes the
 * token and records the creation, all in one transaction. The token works once, even when the same form
 * is sent twice at the same moment: the second finds it consumed and creates nobody.
 */
export async function acceptInvitation(
  db: Db,
  input: {
    municipalityCode: string;
    token: string;
    account: Pick<AccountInput, 'displayName' | 'password'>;
    ip: string;
    requestId: string;
    now: Date;
  },
): Promise<AcceptResult> {
  const tokenHash = hashToken(input.token);
  const passwordHash = await hashPassword(input.account.password);
  const at = input.now.toISOString();
  try {
    return await db.kysely.transaction().execute(async (trx) => {
      const row = await repo.findOneTimeToken(trx, tokenHash);
      if (
        row?.kind !== 'invite' ||
        row.municipality_code !== input.municipalityCode ||
        !row.email ||
        !isRole(row.role)
      )
        return { ok: false, reason: 'token' } as const;
      if (await repo.findUserByEmail(trx, row.email)) return { ok: false, reason: 'token' } as const;
      if (!(await repo.consumeOneTimeToken(trx, tokenHash, at)))
        return { ok: false, reason: 'token' } as const;
      // Departments disabled since the invitation are still given (an administrator chose them);
      // only ids that no longer exist in the municipality are dropped.
      const existing = new Set((await repo.listDepartments(trx, row.municipality_code)).map((d) => d.id));
      const departmentIds = parseIds(row.department_ids).filter((id) => existing.has(id));
      const user = {
        municipality_code: row.municipality_code,
        email: row.email,
        display_name: input.account.displayName,
        role: row.role,
        password_hash: passwordHash,
        totp_secret: null,
        totp_pending_secret: null,
        totp_enabled_at: null,
        totp_last_step: null,
        disabled_at: null,
        created_at: at,
        updated_at: at,
      };
      const userId = await repo.insertUser(trx, user);
      await repo.setUserDepartments(trx, userId, departmentIds);
      await recordAudit(trx, {
        municipalityCode: row.municipality_code,
        actor: { userId, label: row.email, ip: input.ip, requestId: input.requestId },
        action: 'user.create',
        resourceType: 'user',
        resourceId: userId,
        before: null,
        after: { ...userAudit({ id: userId, ...user }, departmentIds), invitedBy: row.created_by },
        at,
      });
      return { ok: true, userId } as const;
    });
  } catch (e) {
    // Two acceptances racing on PostgreSQL: the loser may hit the unique e-mail before the token check.
    if (isUniqueViolation(e)) return { ok: false, reason: 'token' };
    throw e;
  }
}
