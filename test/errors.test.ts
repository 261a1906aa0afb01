/**
 * What goes wrong on the server stays on the server: a failing database gives a Japanese error page with a
 * reference number, never a stack trace or SQL. And the session cookie takes its secure form over HTTPS.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { buildTestApp } from './support/app.ts';
import { TestBrowser } from './support/browser-session.ts';
import { createTestDb, DIALECTS } from './support/db.ts';
import { buildStaff, TEST_PASSWORD } from './support/staff.ts';

for (const dialect of DIALECTS) {
  describe(`internal errors (${dialect})`, () => {
    test('a database failure gives a Japanese 500 page and JSON for /healthz, without stack or SQL', async () => {
      const db = await createTestDb(dialect);
      const app = await buildTestApp(db);
      try {
        assert.equal((await app.inject('/plan/1/1')).statusCode, 200);
        // break the database under the running app: every plan page reads plan_versions
        await sql`alter table plan_versions rename to plan_versions_gone`.execute(db.kysely);
        for (const url of ['/', '/plan/1/1', `/search?q=${encodeURIComponent('防災')}`]) {
          const r = await app.inject(url);
          assert.equal(r.statusCode, 500, url);
          assert.ok(r.body.includes('ただいま表示できません'), `${url}: the Japanese error page`);
          assert.ok(
            r.body.includes(String(r.headers['x-request-id'])),
            `${url}: the reference number is shown`,
          );
          assert.doesNotMatch(
            r.body,
            /plan_versions|select |SqliteError|relation|at .*\.ts:\d+|node_modules/i,
            url,
          );
        }
        await db.close();
        const health = await app.inject('/healthz');
        assert.equal(health.statusCode, 503);
        assert.doesNotMatch(health.body, /stack|select|Error:/i);
      } finally {
        await app.close();
        await db.drop();
      }
    });
  });
}

describe('the session cookie over HTTPS', () => {
  test('is named __Host-kyoso_session and is Secure, HttpOnly, SameSite=Lax, path /', async () => {
    const db = await createTestDb('sqlite');
    const app = await buildTestApp(db, { seed: false, config: { baseUrl: 'https://plan.city.example.jp' } });
    try {
      const staff = await buildStaff(db, 'admin');
      const b = new TestBrowser(app, 'https://plan.city.example.jp');
      await b.get('/staff/sign-in');
      const r = await b.post('/staff/sign-in', { email: staff.email, password: TEST_PASSWORD });
      assert.equal(r.statusCode, 303);
      const cookie = [r.headers['set-cookie']]
        .flat()
        .find((c) => String(c).startsWith('__Host-kyoso_session='));
      assert.ok(cookie, 'the __Host- cookie is set');
      assert.match(String(cookie), /; Secure/);
      assert.match(String(cookie), /; HttpOnly/);
      assert.match(String(cookie), /; SameSite=Lax/);
      assert.match(String(cookie), /; Path=\//);
      assert.doesNotMatch(String(cookie), /Domain=/i, '__Host- cookies have no Domain');
    } finally {
      await app.close();
      await db.drop();
    }
  });
});
