import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/database.ts';

/** The only place with SQL for staff accounts. Every function takes the Kysely instance (or a transaction) first. */

type Q = Kysely<Database> | Transaction<Database>;
type Row<T extends keyof Database> = Omit<Database[T], 'id'>;

// --- users -----------------------------------------------------------------------------------------

export async function findUserByEmail(db: Q, email: string) {
  return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
}

export async function findUserById(db: Q, id: number) {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function countActiveAdmins(db: Q, municipalityCode: string): Promise<number> {
  const r = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('municipality_code', '=', municipalityCode)
    .where('role', '=', 'admin')
    .where('disabled_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function insertUser(db: Q, row: Row<'users'>): Promise<number> {
  const r = await db.insertInto('users').values(row).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

export async function updateUser(db: Q, id: number, changes: Partial<Row<'users'>>) {
  await db.updateTable('users').set(changes).where('id', '=', id).execute();
}

/** Sets the TOTP step only if it is newer than the stored one: two concurrent uses of one code cannot both pass. */
export async function advanceTotpStep(db: Q, userId: number, step: number): Promise<boolean> {
  const r = await db
    .updateTable('users')
    .set({ totp_last_step: step })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function findDepartmentIdsOfUser(db: Q, userId: number): Promise<number[]> {
  const rows = await db
    .selectFrom('user_departments')
    .select('department_id')
    .where('user_id', '=', userId)
    .execute();
  return rows.map((r) => r.department_id);
}

export async function setUserDepartments(db: Q, userId: number, departmentIds: readonly number[]) {
  await db.deleteFrom('user_departments').where('user_id', '=', userId).execute();
  if (departmentIds.length > 0) {
    await db
      .insertInto('user_departments')
      .values(departmentIds.map((department_id) => ({ user_id: userId, department_id })))
      .execute();
  }
}

// --- recovery codes --------------------------------------------------------------------------------

export async function replaceRecoveryCodes(db: Q, userId: number, hashes: readonly string[]) {
  await db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  await db
    .insertInto('recovery_codes')
    .values(hashes.map((code_hash) => ({ user_id: userId, code_hash, used_at: null })))
    .execute();
}

/** Marks an unused code as used; false when there is none (wrong, or already used: each works once). */
export async function useRecoveryCode(db: Q, userId: number, hash: string, now: string): Promise<boolean> {
  const r = await db
    .updateTable('recovery_codes')
    .set({ used_at: now })
    .where('user_id', '=', userId)
    .where('code_hash', '=', hash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function countUnusedRecoveryCodes(db: Q, userId: number): Promise<number> {
  const r = await db
    .selectFrom('recovery_codes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

// --- sessions --------------------------------------------------------------------------------------

export async function insertSession(db: Q, row: Database['sessions']) {
  await db.insertInto('sessions').values(row).execute();
}

export async function findSessionWithUser(db: Q, id: string) {
  return db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select([
      's.id',
      's.user_id',
      's.municipality_code',
      's.created_at',
      's.last_seen_at',
      's.expires_at',
      's.mfa_passed',
      's.ip',
      's.user_agent',
      's.ended_at',
      'u.email',
      'u.display_name',
      'u.role',
      'u.disabled_at',
      'u.totp_enabled_at',
    ])
    .where('s.id', '=', id)
    .executeTakeFirst();
}

export async function touchSession(db: Q, id: string, now: string) {
  await db.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', id).execute();
}

export async function endSession(db: Q, id: string, now: string) {
  await db
    .updateTable('sessions')
    .set({ ended_at: now })
    .where('id', '=', id)
    .where('ended_at', 'is', null)
    .execute();
}

export async function endSessionsOfUser(db: Q, userId: number, now: string, exceptId?: string) {
  let q = db
    .updateTable('sessions')
    .set({ ended_at: now })
    .where('user_id', '=', userId)
    .where('ended_at', 'is', null);
  if (exceptId) q = q.where('id', '!=', exceptId);
  await q.execute();
}

export async function listOpenSessionsOfUser(db: Q, userId: number, now: string) {
  return db
    .selectFrom('sessions')
    .select(['id', 'created_at', 'last_seen_at', 'expires_at', 'ip', 'user_agent'])
    .where('user_id', '=', userId)
    .where('ended_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('last_seen_at', 'desc')
    .execute();
}

// --- one-time tokens -------------------------------------------------------------------------------

export async function insertOneTimeToken(db: Q, row: Database['one_time_tokens']) {
  await db.insertInto('one_time_tokens').values(row).execute();
}

export async function findOneTimeToken(db: Q, tokenHash: string) {
  return db.selectFrom('one_time_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

/** Marks the token used if it still is unused and unexpired; false otherwise (one use only, even under races). */
export async function consumeOneTimeToken(db: Q, tokenHash: string, now: string): Promise<boolean> {
  const r = await db
    .updateTable('one_time_tokens')
    .set({ used_at: now })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

// --- sign-in throttling ----------------------------------------------------------------------------

export async function findThrottle(db: Q, key: string) {
  return db.selectFrom('sign_in_throttle').selectAll().where('key', '=', key).executeTakeFirst();
}

export async function upsertThrottle(db: Q, row: Database['sign_in_throttle']) {
  const existing = await findThrottle(db, row.key);
  if (existing) {
    await db
      .updateTable('sign_in_throttle')
      .set({
        failures: row.failures,
        window_started_at: row.window_started_at,
        locked_until: row.locked_until,
      })
      .where('key', '=', row.key)
      .execute();
  } else {
    await db.insertInto('sign_in_throttle').values(row).execute();
  }
}

export async function clearThrottle(db: Q, key: string) {
  await db.deleteFrom('sign_in_throttle').where('key', '=', key).execute();
}

// --- instance secrets ------------------------------------------------------------------------------

/** The named secret, created with `make()` the first time; concurrent first calls agree on one value. */
export async function getOrCreateSecret(
  db: Q,
  name: string,
  make: () => string,
  now: string,
): Promise<string> {
  const existing = await db
    .selectFrom('app_secrets')
    .select('value')
    .where('name', '=', name)
    .executeTakeFirst();
  if (existing) return existing.value;
  await db
    .insertInto('app_secrets')
    .values({ name, value: make(), created_at: now })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const r = await db
    .selectFrom('app_secrets')
    .select('value')
    .where('name', '=', name)
    .executeTakeFirstOrThrow();
  return r.value;
}
