/**
 * Every state-changing route (read from Fastify, via the rules table) refuses a request without a valid
 * CSRF token, with a forged one, or from a foreign Origin, with 403, and nothing in the database changes.
 */

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { TestBrowser } from './support/browser-session.ts';
import { DIALECTS, type TestDb } from './support/db.ts';
import { type Actor, type Fixtures, rules } from './support/route-rules.ts';
import { buildRouteWorld, type RouteWorld } from './support/route-world.ts';
import { signInAs } from './support/staff.ts';

/** Tables whose whole content must not change (sessions' last_seen_at may, so only their end marks count). */
const WATCHED = [
  'users',
  'user_departments',
  'departments',
  'one_time_tokens',
  'recovery_codes',
  'measure_departments',
  'cross_cutting_links',
  'plan_versions',
  'audit_log',
] as const;

for (const dialect of DIALECTS) {
  describe(`CSRF and Origin checks on every state-changing route (${dialect})`, () => {
    let db: TestDb;
    let app: FastifyInstance;
    let now = new Date('2026-11-26T00:00:00.000Z');
    let people: RouteWorld['people'];
    let fixtures: Fixtures;

    const snapshot = async () => {
      const out: Record<string, string> = {};
      for (const t of WATCHED) {
        const rows = await sql<Record<string, unknown>>`select * from ${sql.table(t)}`.execute(db.kysely);
        out[t] = JSON.stringify(rows.rows.map((r) => JSON.stringify(r)).sort());
      }
      const ended = await sql<{
        n: number;
      }>`select count(*) as n from sessions where ended_at is not null`.execute(db.kysely);
      out.endedSessions = String(Number(ended.rows[0]?.n));
      return out;
    };

    const browserFor = async (actor: Actor): Promise<TestBrowser> => {
      now = new Date(now.getTime() + 31_000);
      if (actor === 'anonymous') {
        const b = new TestBrowser(app);
        await b.get('/staff/sign-in');
        return b;
      }
      const b = await signInAs(app, people.get(actor)!, () => now);
      await b.get('/staff/sessions');
      return b;
    };

    before(async () => {
      ({ db, app, people, fixtures } = await buildRouteWorld(dialect, () => now));
    });
    after(async () => {
      await app?.close();
      await db?.drop();
    });

    test('every POST route refuses a missing, forged or foreign-origin request and changes nothing', async () => {
      const table = rules(fixtures);
      const posts = app.routeList.filter((r) => !['GET', 'HEAD'].includes(r.method));
      assert.ok(posts.length >= 15, `${posts.length} state-changing routes`);
      const failures: string[] = [];
      for (const route of posts) {
        const key = `${route.method} ${route.url}`;
        const cases = table[key];
        assert.ok(cases, `${key} has no entry in test/support/route-rules.ts`);
        for (const c of cases) {
          // the actor who could do it: an administrator or planner where allowed, else anonymous
          const actor: Actor =
            c.expect.admin !== 403 ? 'admin' : c.expect.planner !== 403 ? 'planner' : 'anonymous';
          const b = await browserFor(actor);
          const body = { ...(c.body ?? {}) };
          for (const [label, options] of [
            ['no token', { csrf: null }],
            ['forged token', { csrf: 'forged-token-value' }],
            ['foreign origin', { origin: 'https://attacker.example' }],
            [
              'cross-site fetch without Origin',
              { origin: null, headers: { 'sec-fetch-site': 'cross-site' } },
            ],
          ] as const) {
            const before = await snapshot();
            const res = await b.post(c.url, body, options);
            if (res.statusCode !== 403)
              failures.push(`${key} (${label}) as ${actor}: ${res.statusCode}, expected 403`);
            assert.deepEqual(await snapshot(), before, `${key} (${label}) changed the database`);
          }
        }
      }
      assert.deepEqual(failures, []);
    });

    test('the same request with a valid token from this site is accepted (the walk tests the check, not a broken form)', async () => {
      const b = await browserFor('admin');
      const res = await b.post('/staff/departments', { name: '新しい課', position: '9' });
      assert.equal(res.statusCode, 303);
    });
  });
}
