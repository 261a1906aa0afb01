import { type Kysely, sql, type Transaction } from 'kysely';
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

/** A throttle key's counts as one attempt left them. */
export interface ThrottleCount {
  failures: number;
  window_started_at: string;
  locked_until: string | null;
}

/**
 * Counts one attempt of a key in one statement (INSERT … ON CONFLICT DO UPDATE … RETURNING), so that
 * concurrent attempts, in one process or several, each get a count of their own: two first attempts
 * never collide on the key and none is lost. The row starts afresh when its window has passed without
 * a lock, or when its lock has ended. The attempt that brings the count to `max` sets the lock (it is
 * still let through: the caller decides from the returned count); later ones stop at `max + 1`, so a
 * refused attempt neither grows the count nor moves the lock. Timestamps are compared as values of the
 * column: timestamptz on PostgreSQL, ISO text (one fixed format, so text order is time order) on SQLite.
 */
export async function countThrottleAttempt(
  db: Q,
  a: { key: string; max: number; now: string; windowStartedBefore: string; lockedUntil: string },
): Promise<ThrottleCount> {
  const fresh = sql<boolean>`((sign_in_throttle.locked_until is null and sign_in_throttle.window_started_at <= ${a.windowStartedBefore}) or sign_in_throttle.locked_until <= ${a.now})`;
  const lockFromFirst = a.max <= 1 ? a.lockedUntil : null;
  return db
    .insertInto('sign_in_throttle')
    .values({ key: a.key, failures: 1, window_started_at: a.now, locked_until: lockFromFirst })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        failures: sql<number>`case when ${fresh} then 1
          when sign_in_throttle.failures > ${a.max} then sign_in_throttle.failures
          else sign_in_throttle.failures + 1 end`,
        window_started_at: sql<string>`case when ${fresh} then ${a.now} else sign_in_throttle.window_started_at end`,
        // Every branch has the column's type on PostgreSQL because one of them is the column itself.
        locked_until: sql<string | null>`case when ${fresh} then ${lockFromFirst}
          when sign_in_throttle.locked_until is not null then sign_in_throttle.locked_until
          when sign_in_throttle.failures + 1 >= ${a.max} then ${a.lockedUntil}
          else sign_in_throttle.locked_until end`,
      }),
    )
    .returning(['failures', 'window_started_at', 'locked_until'])
    .executeTakeFirstOrThrow();
}

/**
 * Takes one counted attempt back (it succeeded), only in the window it was counted in; lifts the lock
 * when the count falls below `max` again (the lock was set by that very attempt).
 */
export async function uncountThrottleAttempt(db: Q, key: string, windowStartedAt: string, max: number) {
  await db
    .updateTable('sign_in_throttle')
    .set({
      failures: sql<number>`failures - 1`,
      locked_until: sql<string | null>`case when failures - 1 < ${max} then null else locked_until end`,
    })
    .where('key', '=', key)
    .where('window_started_at', '=', windowStartedAt)
    .where('failures', '>', 0)
    .execute();
}

export async function findThrottle(db: Q, key: string) {
  return db.selectFrom('sign_in_throttle').selectAll().where('key', '=', key).executeTakeFirst();
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

// --- administration: departments -------------------------------------------------------------------

/** The municipality's departments (disabled ones too), in display order. */
export async function listDepartments(db: Q, municipalityCode: string) {
  return db
    .selectFrom('departments')
    .selectAll()
    .where('municipality_code', '=', municipalityCode)
    .orderBy('position')
    .orderBy('id')
    .execute();
}

/** A department of the municipality; undefined for an unknown id or another municipality's. */
export async function findDepartmentInMunicipality(db: Q, municipalityCode: string, id: number) {
  return db
    .selectFrom('departments')
    .selectAll()
    .where('municipality_code', '=', municipalityCode)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function findDepartmentByName(db: Q, municipalityCode: string, name: string) {
  return db
    .selectFrom('departments')
    .selectAll()
    .where('municipality_code', '=', municipalityCode)
    .where('name', '=', name)
    .executeTakeFirst();
}

/** The largest display position in use (0 with no department), so that a new one goes last. */
export async function maxDepartmentPosition(db: Q, municipalityCode: string): Promise<number> {
  const r = await db
    .selectFrom('departments')
    .select((eb) => eb.fn.max<number | null>('position').as('p'))
    .where('municipality_code', '=', municipalityCode)
    .executeTakeFirst();
  return Number(r?.p ?? 0);
}

export async function insertDepartment(db: Q, row: Row<'departments'>): Promise<number> {
  const r = await db.insertInto('departments').values(row).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

export async function updateDepartment(
  db: Q,
  municipalityCode: string,
  id: number,
  changes: Partial<Pick<Row<'departments'>, 'name' | 'position' | 'disabled_at'>>,
) {
  await db
    .updateTable('departments')
    .set(changes)
    .where('municipality_code', '=', municipalityCode)
    .where('id', '=', id)
    .execute();
}

// --- administration: users -------------------------------------------------------------------------

/** The municipality's users (without credentials), newest last. */
export async function listUsersOfMunicipality(db: Q, municipalityCode: string) {
  return db
    .selectFrom('users')
    .select(['id', 'email', 'display_name', 'role', 'disabled_at', 'totp_enabled_at', 'created_at'])
    .where('municipality_code', '=', municipalityCode)
    .orderBy('id')
    .execute();
}

/** Every (user, department) link of the municipality's users. */
export async function listUserDepartmentLinks(db: Q, municipalityCode: string) {
  return db
    .selectFrom('user_departments as ud')
    .innerJoin('users as u', 'u.id', 'ud.user_id')
    .select(['ud.user_id', 'ud.department_id'])
    .where('u.municipality_code', '=', municipalityCode)
    .execute();
}

/** A user of the municipality (without credentials); undefined for an unknown id or another municipality's. */
export async function findUserInMunicipality(db: Q, municipalityCode: string, id: number) {
  return db
    .selectFrom('users')
    .select(['id', 'email', 'display_name', 'role', 'disabled_at', 'totp_enabled_at', 'created_at'])
    .where('municipality_code', '=', municipalityCode)
    .where('id', '=', id)
    .executeTakeFirst();
}

/**
 * The ids of the municipality's active administrators. With `lock` (PostgreSQL), their rows stay locked
 * until the transaction ends, so that two administrators demoting or disabling each other at the same
 * time cannot both pass the "one administrator remains" check. (SQLite runs one write transaction at a
 * time, so it needs no lock.)
 */
export async function lockActiveAdminIds(db: Q, municipalityCode: string, lock: boolean): Promise<number[]> {
  const rows = await db
    .selectFrom('users')
    .select('id')
    .where('municipality_code', '=', municipalityCode)
    .where('role', '=', 'admin')
    .where('disabled_at', 'is', null)
    .orderBy('id') // one locking order for everyone: no deadlock between two such transactions
    .$if(lock, (q) => q.forUpdate())
    .execute();
  return rows.map((r) => r.id);
}

// --- administration: invitations -------------------------------------------------------------------

/** Invitations not yet used and not expired, oldest first. */
export async function listPendingInvitations(db: Q, municipalityCode: string, now: string) {
  return db
    .selectFrom('one_time_tokens')
    .select(['email', 'role', 'department_ids', 'created_by', 'created_at', 'expires_at'])
    .where('municipality_code', '=', municipalityCode)
    .where('kind', '=', 'invite')
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('created_at')
    .execute();
}

export async function findPendingInvitationByEmail(
  db: Q,
  municipalityCode: string,
  email: string,
  now: string,
) {
  return db
    .selectFrom('one_time_tokens')
    .select(['email', 'role', 'department_ids', 'created_by', 'created_at', 'expires_at'])
    .where('municipality_code', '=', municipalityCode)
    .where('kind', '=', 'invite')
    .where('email', '=', email)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

/** Removes the unused, unexpired invitations of an address; returns how many there were. */
export async function deletePendingInvitations(
  db: Q,
  municipalityCode: string,
  email: string,
  now: string,
): Promise<number> {
  const r = await db
    .deleteFrom('one_time_tokens')
    .where('municipality_code', '=', municipalityCode)
    .where('kind', '=', 'invite')
    .where('email', '=', email)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

// --- departments, as other modules read them ---------------------------------------------------------
// listDepartments (above) serves both the administration pages and the plan settings.
