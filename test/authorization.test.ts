/**
 * Walks every route the app registers (read from Fastify itself, so a new route without a rule here fails
 * this test) for an anonymous visitor and each staff role, and asserts the exact status: no unexpected
 * 2xx. Staff requests carry a valid CSRF token, so what is tested is authorization, not CSRF.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { TestBrowser } from './support/browser-session.ts';
import { DIALECTS, type TestDb } from './support/db.ts';
import { ACTORS, type Actor, type Fixtures, rules } from './support/route-rules.ts';
import { buildRouteWorld, type RouteWorld } from './support/route-world.ts';
import { signInAs } from './support/staff.ts';

for (const dialect of DIALECTS) {
  describe(`authorization of every route (${dialect})`, () => {
    let db: TestDb;
    let app: FastifyInstance;
    let now = new Date('2026-11-26T00:00:00.000Z');
    let people: RouteWorld['people'];
    const browsers = new Map<Actor, TestBrowser>();
    let fixtures: Fixtures;

    /** A browser for the actor with a CSRF token of its own session (fresh ones for destructive requests). */
    const browserFor = async (actor: Actor, fresh = false): Promise<TestBrowser> => {
      const existing = browsers.get(actor);
      if (existing && !fresh) return existing;
      now = new Date(now.getTime() + 31_000); // each sign-in uses a fresh TOTP step
      let b: TestBrowser;
      if (actor === 'anonymous') {
        b = new TestBrowser(app);
        await b.get('/staff/sign-in');
      } else {
        b = await signInAs(app, people.get(actor)!, () => now);
        await b.get('/staff/sessions');
      }
      if (!fresh) browsers.set(actor, b);
      return b;
    };

    before(async () => {
      ({ db, app, people, fixtures } = await buildRouteWorld(dialect, () => now));
    });
    after(async () => {
      await app?.close();
      await db?.drop();
    });

    test('every registered route has a rule here', () => {
      const table = rules(fixtures);
      const missing = app.routeList
        .filter((r) => r.method !== 'HEAD')
        .map((r) => `${r.method} ${r.url}`)
        .filter((key) => !(key in table));
      assert.deepEqual(missing, [], 'routes without an authorization rule in test/authorization.test.ts');
    });

    test('each actor gets exactly the expected status on each route', async () => {
      const table = rules(fixtures);
      const registered = new Set(app.routeList.map((r) => `${r.method} ${r.url}`));
      const failures: string[] = [];
      for (const [key, cases] of Object.entries(table)) {
        assert.ok(registered.has(key), `the rule ${key} names a route the app does not have`);
        const method = key.split(' ')[0]!;
        for (const c of cases) {
          for (const actor of ACTORS) {
            const b = await browserFor(actor, c.destructive);
            const res = method === 'GET' ? await b.get(c.url) : await b.post(c.url, c.body ?? {});
            // ending sessions (sign-out, end-others) also ends the actor's cached session: sign in anew next time
            if (c.destructive) browsers.delete(actor);
            if (res.statusCode !== c.expect[actor]) {
              failures.push(`${method} ${c.url} as ${actor}: ${res.statusCode}, expected ${c.expect[actor]}`);
            }
          }
        }
      }
      assert.deepEqual(failures, []);
    });
  });
}
