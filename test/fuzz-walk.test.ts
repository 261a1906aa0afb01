/**
 * The fuzz walk (issue 10). Every route the app registers (read from Fastify) is requested with malformed
 * input, starting from the working request of test/support/route-rules.ts and, for POST, the form that
 * the route's page really sends (read from the pages: test/support/fuzz.ts). The mutations: every `:param`
 * replaced by bad ids (abc, -1, 0, 1.5, NUL, invalid UTF-8, 2^31, 20 digits, 300 characters); query keys
 * repeated, with NUL, not UTF-8, 10,000 characters long, unknown keys, and each key the app reads
 * somewhere repeated on routes that do not; a forged session cookie and an unknown language cookie; for
 * POST, each form field repeated, with NUL, not UTF-8, 200,000 and 60,000 characters long, each value its
 * buttons and lists offer, and the body sent as text/plain, JSON (of the form, of other types, nested
 * 100,000 levels, broken), XML, multipart (of the form, without boundary, cut mid-part, garbage, and for
 * the upload broken files), 2 MB and 20 MB (413), a content-length that lies, without a content type.
 *
 * Actors: an anonymous visitor (bare; for POST also with the CSRF token of an anonymous session), an
 * editor, a planner and an administrator, each signed-in actor with a valid CSRF token and this site's
 * Origin, so that the handlers are reached, not only the CSRF check. Each request comes from an address of
 * its own (the sign-in throttle and the submission limit count addresses, and must not stop the walk).
 *
 * Every response must be below 500, answered within a second (a slow one is measured twice more before it
 * counts), and free of stack traces, SQL, file paths and framework error codes; no unhandled rejection or
 * uncaught exception may happen in the process, and /healthz must answer 200 at the end. All failures are
 * collected and reported at once; test-results/fuzz-walk-<dialect>.json has them all with the counts.
 *
 * The cross product is sampled deterministically (a seeded hash, the same requests on every run): every
 * route gets its working request as every actor, and every parameter mutation as every actor that gets
 * past authorization there plus one of the others; each other mutation goes to a share of the routes
 * (RATE), as one actor that gets past authorization on the route (rotating) and as each other actor at a
 * lower rate (OTHERS). KYOSO_FUZZ_FULL=1 sends everything, KYOSO_FUZZ_SEED changes
 * the sample, KYOSO_FUZZ_DIALECT and KYOSO_FUZZ_ROUTES (a regular expression) narrow the walk. Counts and
 * times: test/README.md.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { TestBrowser } from './support/browser-session.ts';
import { DIALECTS, type TestDb } from './support/db.ts';
import {
  type BodyMutation,
  bodyMutations,
  encodeNative,
  type Field,
  type FieldMutation,
  type FormField,
  fieldMutations,
  formsOf,
  leaksOf,
  linksOf,
  PARAM_VALUES,
  type Payload,
  paramsOf,
  queryKeys,
  queryMutations,
  routeOf,
  seedValue,
  shortUrl,
  UNKNOWN_QUERY,
  WILDCARD_VALUES,
  withParam,
  withQuery,
} from './support/fuzz.ts';
import { type Fixtures, rules } from './support/route-rules.ts';
import { buildRouteWorld, type RouteWorld } from './support/route-world.ts';
import { signInAs } from './support/staff.ts';

type FuzzActor = 'anonymous' | 'anonymous+token' | 'editor' | 'planner' | 'admin';
const STAFF_ACTORS = ['editor', 'planner', 'admin'] as const;
type StaffActor = (typeof STAFF_ACTORS)[number];
const GET_ACTORS: FuzzActor[] = ['anonymous', 'editor', 'planner', 'admin'];
const POST_ACTORS: FuzzActor[] = ['anonymous', 'anonymous+token', 'editor', 'planner', 'admin'];

const FULL = process.env.KYOSO_FUZZ_FULL === '1';
const SEED = process.env.KYOSO_FUZZ_SEED ?? '10';
/** Share of the routes that get each mutation (for one actor that gets past authorization). */
const RATE = {
  query: 1,
  ambient: 0.3,
  cookie: 0.5,
  field: 1,
  fieldHeavy: 0.75,
  fieldNumber: 0.5,
  body: 1,
  bodyHeavy: 0.5,
};
/** Share of the other actors that get a mutation chosen for a route. */
const OTHERS = 0.25;
const SLOW_MS = 1000;
const ORIGIN = 'http://localhost:3000';
const SESSION_COOKIE = 'kyoso_session';
/** Query keys the app reads somewhere: each is also tried, repeated, on routes that do not read it. */
const APP_QUERY_KEYS = [
  'next',
  'token',
  'to',
  'done',
  'page',
  'q',
  'fy',
  'dept',
  'section',
  'state',
  'cursor',
  'group',
  'opinion',
  'node',
  'mine',
  'cc',
  'year',
  'changed',
  'skipped',
  'bulk',
  'upage',
  'i',
  'a',
];

/** Cookies no browser of ours sends: a session token that is none, a language that is none. */
const COOKIE_MUTATIONS: ReadonlyArray<readonly [string, Record<string, string>]> = [
  ['session cookie not a token', { [SESSION_COOKIE]: `${'a'.repeat(3000)}é'"<>` }],
  ['language cookie unknown', { lang: 'zz\u0000<script>' }],
];

/** A number in [0, 1) from the text: the sample's coin, the same on every run with the same seed. */
function coin(key: string): number {
  let h = 0x811c9dc5;
  for (const ch of `${SEED}|${key}`) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  h = (h ^ (h >>> 13)) >>> 0;
  h = Math.imul(h, 0x5bd1e995) >>> 0;
  h = (h ^ (h >>> 15)) >>> 0;
  return h / 4294967296;
}

/** The kind of a mutation, for the counts (the field or key name left out). */
function kindOf(label: string): string {
  return label
    .replace(/^query \S+ /, 'query key ')
    .replace(/^:\S+ = /, 'param = ')
    .replace(/^(?!_csrf)\S+ (repeated|NUL|invalid UTF-8|200,000 chars|60,000 chars)$/, 'field $1')
    .replace(/^(?!query )\S+ = (.*)$/, 'field = $1')
    .replace(/^ambient \S+ repeated$/, 'other app query key repeated')
    .replace(/^\S+=.*$/, 'field = other offered value');
}

// Crashes anywhere in the process, attributed to the request in flight (each request is followed by a
// turn of the event loop, so that an unhandled rejection it caused is reported before the next one).
// During the walk these listeners are the only ones: the test runner's own would fail the test at the
// first crash and stop the walk, instead of listing every failure.
const crashes: Array<{ dialect: string; route: string; kind: string; what: string; during: string }> = [];
let inFlight = { dialect: '', route: '(setup)', kind: 'setup', during: '(setup)' };
const describeError = (e: unknown) =>
  e instanceof Error ? `${e.name}: ${e.message.split('\n')[0]}` : String(e).slice(0, 200);
const onRejection = (reason: unknown) => {
  crashes.push({ ...inFlight, what: `unhandledRejection ${describeError(reason)}` });
};
const onException = (error: unknown) => {
  crashes.push({ ...inFlight, what: `uncaughtException ${describeError(error)}` });
};

/** Installs the crash listeners in place of the others; returns the function that puts those back. */
function captureCrashes(): () => void {
  const rejections = process.listeners('unhandledRejection');
  const exceptions = process.listeners('uncaughtException');
  process.removeAllListeners('unhandledRejection');
  process.removeAllListeners('uncaughtException');
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
    for (const l of rejections) process.on('unhandledRejection', l);
    for (const l of exceptions) process.on('uncaughtException', l);
  };
}

interface Failure {
  route: string;
  kind: string;
  problem: string;
  line: string;
}

// KYOSO_FUZZ_DIALECT=sqlite|postgres walks one database only (when looking into one failure)
const only = process.env.KYOSO_FUZZ_DIALECT;
for (const dialect of DIALECTS.filter((d) => !only || d === only)) {
  describe(`fuzz walk of every route (${dialect})`, () => {
    let db: TestDb;
    let app: FastifyInstance;
    let now = new Date('2026-11-26T00:00:00.000Z');
    let people: RouteWorld['people'];
    const browsers = new Map<FuzzActor, TestBrowser>();
    let fixtures: Fixtures;

    /** A browser for the actor, signed in anew when its session was ended (by sign-out, say). */
    const browserFor = async (actor: FuzzActor): Promise<TestBrowser | null> => {
      if (actor === 'anonymous') return null;
      const existing = browsers.get(actor);
      if (existing) return existing;
      now = new Date(now.getTime() + 31_000); // each sign-in uses a fresh TOTP step
      let b: TestBrowser;
      if (actor === 'anonymous+token') {
        b = new TestBrowser(app);
        await b.get('/staff/sign-in');
      } else {
        b = await signInAs(app, people.get(actor)!, () => now);
        await b.get('/staff/sessions');
      }
      assert.ok(b.csrf, `no CSRF token for ${actor}`);
      browsers.set(actor, b);
      return b;
    };

    before(async () => {
      ({ db, app, people, fixtures } = await buildRouteWorld(dialect, () => now));
    });
    after(async () => {
      await app?.close();
      await db?.drop();
    });

    test('no 5xx, no answer slower than 1 s, no stack trace, SQL or path, no crash', async (t) => {
      const release = captureCrashes();
      t.after(release);
      const started = performance.now();
      const table = rules(fixtures);
      const routes = app.routeList.filter((r) => r.method !== 'HEAD').map((r) => `${r.method} ${r.url}`);
      const missing = routes.filter((key) => !(key in table));
      assert.deepEqual(missing, [], 'routes without a request in test/support/route-rules.ts');
      const patterns = { GET: [] as string[], POST: [] as string[] };
      for (const key of routes) {
        const [method, pattern] = key.split(' ') as ['GET' | 'POST', string];
        patterns[method].push(pattern);
      }

      // ---- what the pages send: forms (POST bodies) and the query keys of links and GET forms ----
      const forms = new Map<string, Map<string, FormField>>();
      const formEnctype = new Map<string, string>();
      const keysOf = new Map<string, Set<string>>();
      const addKeys = (route: string, url: string) => {
        const set = keysOf.get(route) ?? new Set<string>();
        for (const k of queryKeys(url)) set.add(k);
        keysOf.set(route, set);
      };
      const harvest = (res: LightMyRequestResponse, pageUrl: string) => {
        if (!String(res.headers['content-type'] ?? '').includes('html')) return;
        for (const form of formsOf(res.body, pageUrl)) {
          const actionPath = form.action.split('?')[0]!;
          const pattern = routeOf(form.method === 'post' ? patterns.POST : patterns.GET, actionPath);
          if (!pattern) continue;
          const route = `${form.method.toUpperCase()} ${pattern}`;
          addKeys(route, form.action);
          if (form.method === 'get') {
            const set = keysOf.get(route)!;
            for (const f of form.fields) set.add(encodeURIComponent(f.name));
            continue;
          }
          const fields = forms.get(route) ?? new Map<string, FormField>();
          for (const f of form.fields) {
            if (f.name === '_csrf') continue;
            const prev = fields.get(f.name);
            if (!prev) fields.set(f.name, { ...f, alternatives: [...f.alternatives] });
            else
              for (const a of f.alternatives) if (!prev.alternatives.includes(a)) prev.alternatives.push(a);
          }
          forms.set(route, fields);
          if (form.enctype) formEnctype.set(route, form.enctype);
        }
        for (const link of linksOf(res.body)) {
          const pattern = routeOf(patterns.GET, link.split('?')[0]!);
          if (pattern) addKeys(`GET ${pattern}`, link);
        }
      };
      // ---- the walk ----
      const failures: Failure[] = [];
      const counts = {
        requests: 0,
        byActor: {} as Record<string, number>,
        byKind: {} as Record<string, number>,
        byRoute: {} as Record<string, Record<string, number>>,
        routesByKind: {} as Record<string, Set<string>>,
        statuses: {} as Record<string, number>,
        signIns: 0,
        slowest: { ms: 0, line: '' },
      };
      let ip = 0;

      interface Request {
        route: string;
        kind: string;
        label: string;
        actor: FuzzActor;
        method: 'GET' | 'POST';
        url: string;
        /** The body, made with the actor's current token (POST). */
        payload?: (fields: readonly Field[]) => Payload;
        /** The one status that is right, when there is one. */
        expect?: number;
        /** Cookies sent besides (or instead of) the actor's own. */
        cookies?: Record<string, string>;
      }

      /** What is wrong with a response: the problem (the same for the same defect) and what was seen. */
      const problemsOf = (
        res: LightMyRequestResponse,
        ms: number,
        expect?: number,
      ): Array<{ problem: string; seen: string }> => {
        const out: Array<{ problem: string; seen: string }> = [];
        if (res.statusCode >= 500)
          out.push({ problem: `status ${res.statusCode}`, seen: `status ${res.statusCode}` });
        else if (expect !== undefined && res.statusCode !== expect)
          out.push({ problem: `status ${res.statusCode} instead of ${expect}`, seen: `expected ${expect}` });
        if (ms > SLOW_MS) out.push({ problem: 'slower than 1 s', seen: `slow ${Math.round(ms)} ms` });
        for (const leak of leaksOf(res.body, String(res.headers['content-type'] ?? '')))
          out.push({
            problem: `${leak.what} in the body (${leak.match})`,
            seen: `${leak.what}: ${JSON.stringify(leak.excerpt)}`,
          });
        return out;
      };

      const inject = async (r: Request, fields: readonly Field[]) => {
        const b = await browserFor(r.actor);
        const headers: Record<string, string> = {};
        let body: string | Buffer | undefined;
        let contentType: string | null = null;
        if (r.method === 'POST') {
          headers.origin = ORIGIN;
          if (b) headers['x-csrf-token'] = b.csrf;
          const p = r.payload!(fields);
          body = p.body;
          contentType = p.contentType;
          if (contentType !== null) headers['content-type'] = contentType;
          Object.assign(headers, p.headers ?? {});
        }
        const options = {
          method: r.method,
          url: r.url,
          headers,
          cookies: { ...(b ? Object.fromEntries(b.cookies) : {}), ...(r.cookies ?? {}) },
          // an address per request: the sign-in throttle and the submission limit count addresses
          remoteAddress: `198.18.${(ip >> 8) & 255}.${ip & 255}`,
          ...(body === undefined ? {} : { payload: body }),
        };
        ip = (ip + 1) % 65536;
        const t0 = performance.now();
        let timer: NodeJS.Timeout | undefined;
        const res = await Promise.race([
          app.inject(options),
          new Promise<null>((resolve) => {
            timer = setTimeout(() => resolve(null), 30_000);
          }),
        ]);
        clearTimeout(timer);
        const ms = performance.now() - t0;
        return { res, ms, contentType };
      };

      const run = async (r: Request): Promise<LightMyRequestResponse | null> => {
        const b = await browserFor(r.actor);
        const fields: Field[] = b ? [{ name: '_csrf', value: b.csrf }] : [];
        inFlight = {
          dialect,
          route: r.route,
          kind: r.kind,
          during: `${r.method} ${shortUrl(r.url, 100)} as ${r.actor} (${r.label})`,
        };
        let { res, ms, contentType } = await inject(r, fieldsWithSeed(r, fields));
        await new Promise((resolve) => setImmediate(resolve));
        counts.requests++;
        counts.byActor[r.actor] = (counts.byActor[r.actor] ?? 0) + 1;
        counts.byKind[r.kind] = (counts.byKind[r.kind] ?? 0) + 1;
        const perRoute = counts.byRoute[r.route] ?? {};
        perRoute[r.kind] = (perRoute[r.kind] ?? 0) + 1;
        counts.byRoute[r.route] = perRoute;
        const routesOfKind = counts.routesByKind[r.kind] ?? new Set<string>();
        routesOfKind.add(r.route);
        counts.routesByKind[r.kind] = routesOfKind;
        const line = (status: string) =>
          `${r.method} ${shortUrl(r.url)} as ${r.actor} [${contentType ?? 'no content-type'}] (${r.label}): ${status}`;
        if (res === null) {
          failures.push({
            route: r.route,
            kind: r.kind,
            problem: 'no answer in 30 s',
            line: line('no answer in 30 s'),
          });
          return null;
        }
        // a slow answer is measured again (up to twice) before it counts: a busy machine is not a defect
        for (let retry = 0; retry < 2 && ms > SLOW_MS && ms < 5 * SLOW_MS && res.statusCode < 500; retry++) {
          const again = await inject(r, fieldsWithSeed(r, fields));
          await new Promise((resolve) => setImmediate(resolve));
          counts.requests++;
          if (again.res === null) break;
          ms = Math.min(ms, again.ms);
          res = again.res;
        }
        counts.statuses[String(res.statusCode)] = (counts.statuses[String(res.statusCode)] ?? 0) + 1;
        if (ms > counts.slowest.ms) counts.slowest = { ms, line: line(`${res.statusCode}`) };
        for (const { problem, seen } of problemsOf(res, ms, r.expect)) {
          failures.push({
            route: r.route,
            kind: r.kind,
            problem,
            line: line(`${res.statusCode} / ${Math.round(ms)} ms / ${seen}`),
          });
        }
        // a response that ends the session (sign-out) or clears the cookie: sign in anew for what follows
        const cleared = (
          res.cookies as Array<{ name: string; value: string; maxAge?: number; expires?: Date }>
        ).some(
          (c) =>
            c.name === SESSION_COOKIE &&
            (c.value === '' ||
              c.maxAge === 0 ||
              (c.expires !== undefined && c.expires.getTime() < Date.now())),
        );
        // (not when the cookie sent was a forged one: the actor's own session is still there)
        if (cleared && STAFF_ACTORS.includes(r.actor as StaffActor) && !r.cookies?.[SESSION_COOKIE]) {
          browsers.delete(r.actor);
          counts.signIns++;
        }
        return res;
      };

      // the route's form, as its page sends it (the rules' body on top)
      const seedFields = new Map<string, Field[]>();
      const seedFieldsOf = (route: string): Field[] => {
        const known = seedFields.get(route);
        if (known) return known;
        const shown = [...(forms.get(route)?.values() ?? [])];
        // the buttons not pressed are not sent
        const harvested = shown.filter((f) => f.kind !== 'submit' || f.value !== '');
        const out: Field[] = harvested.map((f) =>
          f.kind === 'file'
            ? { name: f.name, value: 'a,b\n1,2\n', file: { filename: 'actuals.csv', type: 'text/csv' } }
            : { name: f.name, value: seedValue(f) },
        );
        // fields of the rules' bodies that no page showed
        for (const c of table[route]!)
          for (const [name, value] of Object.entries(c.body ?? {}))
            if (!shown.some((f) => f.name === name) && !out.some((f) => f.name === name))
              out.push({ name, value });
        seedFields.set(route, out);
        return out;
      };
      const mutatedFields = new WeakMap<Request, FieldMutation>();
      function fieldsWithSeed(r: Request, token: readonly Field[]): Field[] {
        const all = [...token, ...(r.method === 'POST' ? seedFieldsOf(r.route) : [])];
        const m = mutatedFields.get(r);
        return m ? m.apply(all) : all;
      }

      // every working request of the rules table, as each actor: checked like the rest, and read for forms
      for (const actor of ['anonymous+token', 'editor', 'planner', 'admin'] as const) {
        for (const route of routes.filter((k) => k.startsWith('GET '))) {
          for (const c of table[route]!) {
            const res = await run({
              route,
              kind: 'rules request',
              label: 'rules request',
              actor,
              method: 'GET',
              url: c.url,
            });
            if (res) harvest(res, c.url);
          }
        }
      }

      const danger = (key: string) =>
        key.startsWith('GET ') ? 0 : /\/(delete|disable|sign-out|end-others|end|publish)$/.test(key) ? 2 : 1;
      // KYOSO_FUZZ_ROUTES=<regular expression> walks the matching routes only (when looking into one failure)
      const wanted = new RegExp(process.env.KYOSO_FUZZ_ROUTES ?? '');
      const ordered = routes.filter((k) => wanted.test(k)).sort((x, y) => danger(x) - danger(y));

      for (const route of ordered) {
        const [method, pattern] = route.split(' ') as ['GET' | 'POST', string];
        const seed = table[route]![0]!;
        const actors = method === 'GET' ? GET_ACTORS : POST_ACTORS;
        const native = formEnctype.get(route) === 'multipart/form-data' ? 'multipart' : 'urlencoded';
        const nativePayload = (fields: readonly Field[]) => encodeNative(fields, native);

        // the seed, as every actor: who gets past authorization here?
        const reaching: FuzzActor[] = [];
        for (const actor of actors) {
          const res = await run({
            route,
            kind: 'seed',
            label: 'seed',
            actor,
            method,
            url: seed.url,
            payload: nativePayload,
          });
          if (!res) continue;
          harvest(res, seed.url);
          const toSignIn =
            res.statusCode === 303 && String(res.headers.location ?? '').startsWith('/staff/sign-in');
          if (res.statusCode !== 403 && res.statusCode !== 401 && !toSignIn) reaching.push(actor);
        }

        // every parameter mutation, as every actor that gets past authorization on the route and as one
        // of the others (rotating: the checks before the handler see bad ids too)
        const refused = actors.filter((a) => !reaching.includes(a));
        for (const param of paramsOf(pattern)) {
          for (const [label, raw] of param === '*' ? WILDCARD_VALUES : PARAM_VALUES) {
            const url = withParam(pattern, seed.url, param, raw);
            if (url === null) {
              failures.push({
                route,
                kind: 'test',
                problem: 'seed',
                line: `${route}: the seed ${seed.url} does not follow the pattern`,
              });
              continue;
            }
            const other = refused[Math.floor(coin(`${route}|${param}|${label}|who`) * refused.length)];
            for (const actor of actors.filter((a) => FULL || reaching.includes(a) || a === other))
              await run({
                route,
                kind: 'param',
                label: `:${param} = ${label}`,
                actor,
                method,
                url,
                payload: nativePayload,
              });
          }
        }

        // the rest: each chosen for a share of the routes, sent as one actor that gets past authorization
        // (rotating) and as the others at a lower rate
        const planned: Array<{
          kind: string;
          label: string;
          rate: number;
          url: string;
          mutation?: FieldMutation;
          body?: BodyMutation;
          cookies?: Record<string, string>;
        }> = [];
        const keys = [...new Set([...queryKeys(seed.url), ...(keysOf.get(route) ?? [])])];
        for (const key of keys)
          for (const m of queryMutations(seed.url, key))
            planned.push({ kind: kindOf(m.label), label: m.label, rate: RATE.query, url: m.url });
        planned.push({
          kind: 'unknown query keys',
          label: 'unknown query keys',
          rate: RATE.query,
          url: `${seed.url}${seed.url.includes('?') ? '&' : '?'}${UNKNOWN_QUERY}`,
        });
        for (const [label, cookies] of COOKIE_MUTATIONS)
          planned.push({ kind: label, label, rate: RATE.cookie, url: seed.url, cookies });
        if (method === 'GET') {
          for (const key of APP_QUERY_KEYS.filter((k) => !keys.includes(k)))
            planned.push({
              kind: 'other app query key repeated',
              label: `ambient ${key} repeated`,
              rate: RATE.ambient,
              url: withQuery(withQuery(seed.url, key, 'a'), key, 'b', 'append'),
            });
        } else {
          const form = [...(forms.get(route)?.values() ?? [])];
          // fields of the rules' body that no page showed (forms of pages the walk cannot reach)
          for (const f of seedFieldsOf(route))
            if (!form.some((x) => x.name === f.name))
              form.push({
                name: f.name,
                kind: 'text',
                type: 'text',
                value: String(f.value),
                alternatives: [],
              });
          for (const m of fieldMutations(form.map((f) => ({ ...f, value: seedValue(f) }))))
            planned.push({
              kind: kindOf(m.label),
              label: m.label,
              rate: m.heavy ? RATE.fieldHeavy : m.numeric ? RATE.fieldNumber : RATE.field,
              url: seed.url,
              mutation: m,
            });
          for (const m of bodyMutations(native))
            planned.push({
              kind: m.label,
              label: m.label,
              rate: m.heavy ? RATE.bodyHeavy : RATE.body,
              url: seed.url,
              body: m,
            });
        }
        for (const p of planned) {
          if (!FULL && coin(`${route}|${p.label}`) >= p.rate) continue;
          const primary = reaching.length
            ? reaching[Math.floor(coin(`${route}|${p.label}|who`) * reaching.length)]
            : actors[0];
          for (const actor of actors) {
            if (!FULL && actor !== primary && coin(`${route}|${p.label}|${actor}`) >= OTHERS) continue;
            const r: Request = {
              route,
              kind: p.kind,
              label: p.label,
              actor,
              method,
              url: p.url,
              payload: p.body ? (f) => p.body!.make(f) : nativePayload,
              // (those refused on the route anyway may be refused before the size is looked at)
              ...(p.body?.expect && reaching.includes(actor) ? { expect: p.body.expect } : {}),
              ...(p.cookies ? { cookies: p.cookies } : {}),
            };
            if (p.mutation) mutatedFields.set(r, p.mutation);
            await run(r);
          }
        }
        // still signed in? (a route may end sessions without clearing the cookie)
        for (const actor of STAFF_ACTORS) {
          const b = browsers.get(actor);
          if (!b) continue;
          const res = await app.inject({
            method: 'GET',
            url: '/staff',
            cookies: Object.fromEntries(b.cookies),
          });
          if (res.statusCode !== 200) {
            browsers.delete(actor);
            counts.signIns++;
          }
        }
      }
      inFlight = { dialect, route: '(after the walk)', kind: 'end', during: '(after the walk)' };

      // ---- the end: the process is alive and answers ----
      await new Promise((resolve) => setTimeout(resolve, 50));
      const health = await app.inject({ method: 'GET', url: '/healthz' });
      if (health.statusCode !== 200)
        failures.push({
          route: 'GET /healthz',
          kind: 'end',
          problem: 'health',
          line: `GET /healthz after the walk: ${health.statusCode}`,
        });
      release();
      for (const c of crashes.filter((x) => x.dialect === dialect))
        failures.push({
          route: c.route,
          kind: c.kind,
          problem: c.what,
          line: `${c.what}, during ${c.during}`,
        });

      // ---- the sample is what it says: each kind of mutation reached enough routes ----
      for (const [kind, set] of Object.entries(counts.routesByKind)) {
        const least = /^(file |two files|too many fields|field over its size limit)/.test(kind)
          ? 1
          : /^(query key|field = )/.test(kind)
            ? 5
            : 10;
        if (set.size < least && !process.env.KYOSO_FUZZ_ROUTES)
          failures.push({
            route: '(the sample)',
            kind,
            problem: 'sample too thin',
            line: `${kind}: sent on ${set.size} routes only (at least ${least}): see RATE in test/fuzz-walk.test.ts`,
          });
      }

      // ---- counts and report ----
      const seconds = (performance.now() - started) / 1000;
      const summary = {
        dialect,
        seed: SEED,
        full: FULL,
        routes: routes.length,
        requests: counts.requests,
        seconds: Math.round(seconds * 10) / 10,
        byActor: counts.byActor,
        byKind: Object.fromEntries(
          Object.entries(counts.byKind)
            .sort()
            .map(([k, n]) => [k, { requests: n, routes: counts.routesByKind[k]!.size }]),
        ),
        statuses: counts.statuses,
        formFields: Object.fromEntries(
          routes
            .filter((r) => r.startsWith('POST '))
            .map((r) => [
              r,
              seedFieldsOf(r)
                .map((f) => f.name)
                .join(' '),
            ]),
        ),
        signInsAgain: counts.signIns,
        slowest: { ms: Math.round(counts.slowest.ms), request: counts.slowest.line },
        failures: failures.length,
      };
      fs.mkdirSync('test-results', { recursive: true });
      fs.writeFileSync(
        path.join('test-results', `fuzz-walk-${dialect}.json`),
        `${JSON.stringify({ ...summary, byRoute: counts.byRoute, failureLines: failures.map((f) => f.line) }, null, 2)}\n`,
      );
      t.diagnostic(
        `${dialect}: ${routes.length} routes, ${counts.requests} requests in ${summary.seconds} s ` +
          `(${Object.entries(counts.byActor)
            .map(([a, n]) => `${a} ${n}`)
            .join(', ')}); slowest ${summary.slowest.ms} ms`,
      );

      // grouped by route, kind of mutation and problem, then the lines; at most 200 lines in all
      const groups = new Map<string, Failure[]>();
      for (const f of failures) {
        const g = `${f.route} | ${f.kind} | ${f.problem}`;
        groups.set(g, [...(groups.get(g) ?? []), f]);
      }
      const byProblem = new Map<string, Failure[]>();
      for (const f of failures) byProblem.set(f.problem, [...(byProblem.get(f.problem) ?? []), f]);
      const report = [
        `${failures.length} failures, ${byProblem.size} distinct problems (problem: count, routes, first request):`,
        ...[...byProblem].map(
          ([p, fs]) =>
            `  ${p}: ${fs.length}× on ${new Set(fs.map((f) => f.route)).size} routes, e.g. ${fs[0]!.line}`,
        ),
        `by route, mutation and problem (${groups.size} groups):`,
        ...[...groups].map(([g, fs]) => `  ${g}: ${fs.length}×, e.g. ${fs[0]!.line}`),
        'each failure:',
        ...failures.map((f) => `  ${f.line}`),
      ];
      const cut =
        report.length > 200
          ? [
              ...report.slice(0, 200),
              `… ${report.length - 200} more lines in test-results/fuzz-walk-${dialect}.json`,
            ]
          : report;
      assert.equal(failures.length, 0, `\n${cut.join('\n')}`);
    });
  });
}
