import type { FastifyInstance } from 'fastify';
import type { Db } from '../../src/db/database.ts';
import type { Role } from '../../src/modules/accounts/accounts.types.ts';
import { hashPassword } from '../../src/modules/accounts/credentials/passwords.ts';
import { generateTotpSecret } from '../../src/modules/accounts/credentials/totp.ts';
import { ensureMunicipality } from '../../src/modules/plan/plan.service.ts';
import { TestBrowser, totpCode } from './browser-session.ts';

export const TEST_PASSWORD = 'きらら浜の夕日と竜王山の桜';

let counter = 0;
let cachedHash: string | null = null;

export interface TestStaff {
  id: number;
  email: string;
  role: Role;
  totpSecret: string;
  departmentIds: number[];
}

/** A department of the test municipality. */
export async function buildDepartment(db: Db, name = `テスト課${++counter}`): Promise<number> {
  await ensureMunicipality(db, '352161', new Date());
  const r = await db.kysely
    .insertInto('departments')
    .values({
      municipality_code: '352161',
      name,
      position: counter,
      created_at: new Date().toISOString(),
      disabled_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

/** A member of staff with a password and TOTP already set up (written directly: a factory, not the flow). */
export async function buildStaff(db: Db, role: Role, departmentIds: number[] = []): Promise<TestStaff> {
  await ensureMunicipality(db, '352161', new Date());
  cachedHash ??= await hashPassword(TEST_PASSWORD);
  const email = `${role}${++counter}@city.example.jp`;
  const secret = generateTotpSecret();
  const at = new Date().toISOString();
  const r = await db.kysely
    .insertInto('users')
    .values({
      municipality_code: '352161',
      email,
      display_name: `${role} ${counter}`,
      role,
      password_hash: cachedHash,
      totp_secret: secret,
      totp_pending_secret: null,
      totp_enabled_at: at,
      totp_last_step: null,
      disabled_at: null,
      created_at: at,
      updated_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (departmentIds.length) {
    await db.kysely
      .insertInto('user_departments')
      .values(departmentIds.map((department_id) => ({ user_id: r.id, department_id })))
      .execute();
  }
  return { id: r.id, email, role, totpSecret: secret, departmentIds };
}

/**
 * A browser signed in as the member of staff through the real sign-in flow (password, then TOTP).
 * `now` must be the app's clock; each call uses a fresh TOTP step of its own user, so calls don't collide.
 */
export async function signInAs(
  app: FastifyInstance,
  staff: TestStaff,
  now: () => Date = () => new Date(),
): Promise<TestBrowser> {
  const b = new TestBrowser(app);
  await b.get('/staff/sign-in');
  const r = await b.post('/staff/sign-in', { email: staff.email, password: TEST_PASSWORD });
  if (r.statusCode !== 303) throw new Error(`sign-in failed for ${staff.email}: ${r.statusCode}`);
  await b.get('/staff/two-factor');
  const r2 = await b.post('/staff/two-factor', { code: totpCode(staff.totpSecret, now()) });
  if (r2.statusCode !== 303) throw new Error(`second factor failed for ${staff.email}: ${r2.statusCode}`);
  return b;
}
