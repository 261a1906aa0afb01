import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../../../test/support/app.ts';
import { createTestDb, DIALECTS, type TestDb } from '../../../test/support/db.ts';
import { buildPlanText, seedText } from '../../../test/support/factories.ts';
import { importPlanBytes } from './import/import-file.ts';

/** Text of a page with tags removed and entities decoded, for content assertions. */
function textOf(html: string): string {
  return html
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

const SEED_MEASURES: Array<[string, string]> = seedText()
  .split('\n')
  .map((l) => /^(\d) ([^\t]+)\t(.+)$/.exec(l))
  .filter((m): m is RegExpExecArray => m !== null)
  .map((m) => [m[2]!, m[3]!]);

for (const dialect of DIALECTS) {
  describe(`public plan pages (${dialect})`, () => {
    let db: TestDb;
    let app: FastifyInstance;
    before(async () => {
      db = await createTestDb(dialect);
      app = await buildTestApp(db);
    });
    after(async () => {
      await app?.close();
      await db?.drop();
    });

    test('the top page shows the vision, the three policies, all nine measures and the cross-cutting measures', async () => {
      const res = await app.inject('/');
      assert.equal(res.statusCode, 200);
      assert.match(res.headers['content-type'] as string, /text\/html; charset=utf-8/);
      const text = textOf(res.body);
      assert.ok(text.includes('「活力と笑顔あふれるまち」'));
      for (const p of ['重点施策1 地域を創る', '重点施策2 ひとを創る', '重点施策3 まちの価値を創る'])
        assert.ok(text.includes(p), p);
      assert.equal(SEED_MEASURES.length, 9);
      for (const [title] of SEED_MEASURES) assert.ok(text.includes(title), title);
      for (const x of ['デジタル化の推進', '山口東京理科大学との連携', 'スマイルエイジングの推進'])
        assert.ok(text.includes(x), x);
      assert.match(res.body, /<html lang="ja">/);
      assert.equal(res.body.match(/<h1[ >]/g)?.length, 1);
    });

    test('every measure page shows its full text from the seed, with breadcrumbs', async () => {
      const paths = ['1/1', '1/2', '2/1', '2/2', '2/3', '3/1', '3/2', '3/3', '3/4'];
      for (const [i, [title, body]] of SEED_MEASURES.entries()) {
        const res = await app.inject(`/plan/${paths[i]}`);
        assert.equal(res.statusCode, 200, paths[i]);
        const text = textOf(res.body);
        assert.ok(text.includes(title), `${paths[i]} title`);
        assert.ok(text.includes(body), `${paths[i]} full text`);
        assert.match(res.body, /<nav class="breadcrumbs" aria-label="パンくずリスト">/);
        assert.equal(res.body.match(/<h1[ >]/g)?.length, 1);
      }
    });

    test('a policy page lists its measures and its cross-cutting measures', async () => {
      const res = await app.inject('/plan/2');
      assert.equal(res.statusCode, 200);
      const text = textOf(res.body);
      assert.ok(text.includes('重点施策2 ひとを創る'));
      assert.ok(text.includes('妊娠期から始まる一貫した子育て支援'));
      assert.ok(text.includes('デジタル化の推進'));
      assert.ok(text.includes('本文で言及'));
    });

    test('the cross-cutting page has the matrix, with text mentions marked as such', async () => {
      const res = await app.inject('/plan/cross-cutting');
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /<table class="matrix">/);
      const rows = res.body.split('<tr>').slice(2);
      assert.equal(rows.length, 9);
      const school = rows.find((r) => r.includes('学校教育の推進'))!;
      assert.equal(school.match(/本文で言及/g)?.length, 2);
      assert.ok(school.includes('（デジタル）') && school.includes('（山口東京理科大学）'));
      assert.ok(textOf(res.body).includes('※スマイルエイジング：'));
    });

    test('each cross-cutting measure has its page with related measures', async () => {
      const res = await app.inject('/plan/cross-cutting/2');
      assert.equal(res.statusCode, 200);
      const text = textOf(res.body);
      assert.ok(text.includes('山口東京理科大学との連携'));
      assert.ok(text.includes('学校教育の推進・小中高大の教育連携'));
    });

    test('search highlights matches and finds 2-character words', async () => {
      const res = await app.inject(`/search?q=${encodeURIComponent('防災')}`);
      assert.equal(res.statusCode, 200);
      assert.ok(res.body.includes('<mark>防災</mark>'));
      assert.ok(res.body.includes('href="/plan/1/2"'));
      const kosodate = await app.inject(`/search?q=${encodeURIComponent('子育')}`);
      assert.ok(kosodate.body.includes('<mark>子育</mark>'));
    });

    test('search refuses empty and over-long queries with a Japanese message naming the field', async () => {
      const empty = await app.inject('/search?q=');
      assert.equal(empty.statusCode, 400);
      assert.match(empty.body, /<title>エラー：計画を検索/);
      assert.ok(empty.body.includes('検索する言葉を入力してください'));
      assert.ok(empty.body.includes('href="#q"'));
      const long = await app.inject(`/search?q=${'あ'.repeat(101)}`);
      assert.equal(long.statusCode, 400);
      assert.ok(long.body.includes('100文字以内'));
      assert.ok(long.body.includes('現在101文字'));
    });

    test('search input is escaped, never markup', async () => {
      const q = '<script>alert(1)</script>';
      const res = await app.inject(`/search?q=${encodeURIComponent(q)}`);
      assert.equal(res.statusCode, 200);
      assert.ok(!res.body.includes('<script>'));
      assert.ok(res.body.includes('&lt;script>') || res.body.includes('&lt;script&gt;'));
    });

    test('odd input never gives a 500', async () => {
      for (const url of [
        '/search?q=%00',
        '/search?q=%E3%81',
        '/search?q=a&q=b',
        '/search?q="',
        '/search?q=NEAR(a b)',
        '/plan/0',
        '/plan/01',
        '/plan/1/99999',
        '/plan/abc',
        '/plan/cross-cutting/9',
        '/plan/versions/abc/source',
        '/plan/versions/999/source',
        `/plan/${'9'.repeat(300)}`,
        '/lang?to=en&next=//evil.example',
      ]) {
        const res = await app.inject(url);
        assert.ok(res.statusCode < 500, `${url}: ${res.statusCode}`);
      }
    });

    test('unknown pages get a Japanese 404 page', async () => {
      const res = await app.inject('/no-such-page');
      assert.equal(res.statusCode, 404);
      assert.ok(res.body.includes('ページが見つかりません'));
      const m = await app.inject('/plan/1/9');
      assert.equal(m.statusCode, 404);
    });

    test('the language switch sets a cookie and returns to the page, in English UI', async () => {
      const res = await app.inject('/lang?to=en&next=%2Fplan%2F1%2F1');
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, '/plan/1/1');
      const cookie = String(res.headers['set-cookie']);
      assert.match(cookie, /lang=en/);
      const page = await app.inject({ url: '/plan/1/1', cookies: { lang: 'en' } });
      assert.match(page.body, /<html lang="en">/);
      assert.ok(page.body.includes('Skip to main content'));
      assert.ok(page.body.includes('新たな地域づくり'), 'the plan text stays as written');
      const evil = await app.inject('/lang?to=en&next=%2F%2Fevil.example');
      assert.equal(evil.headers.location, '/');
    });

    test('versions and the verbatim source are public', async () => {
      const res = await app.inject('/plan/versions');
      assert.equal(res.statusCode, 200);
      assert.ok(res.body.includes('/plan/versions/'));
      const id = /\/plan\/versions\/(\d+)\/source/.exec(res.body)![1];
      const src = await app.inject(`/plan/versions/${id}/source`);
      assert.equal(src.statusCode, 200);
      assert.ok(textOf(src.body).includes(seedText().split('\n')[15]!));
    });

    test('healthz checks the database', async () => {
      const res = await app.inject('/healthz');
      assert.equal(res.statusCode, 200);
      assert.equal(res.json().status, 'ok');
      assert.equal(res.json().database.dialect, dialect);
    });

    test('security headers: a strict CSP without inline script, and a request id', async () => {
      const res = await app.inject('/');
      const csp = String(res.headers['content-security-policy']);
      assert.match(csp, /script-src 'self'/);
      assert.doesNotMatch(csp, /unsafe-inline/);
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.ok(res.headers['x-request-id']);
      assert.ok(!/<script/i.test(res.body), 'no script on the page');
    });

    test('static assets are served: our stylesheet and the design tokens', async () => {
      const css = await app.inject('/static/kyoso.css');
      assert.equal(css.statusCode, 200);
      assert.ok(css.body.includes('@media print'));
      const tokens = await app.inject('/static/tokens.css');
      assert.equal(tokens.statusCode, 200);
      assert.ok(tokens.body.includes('--color-primitive-blue-900'));
    });
  });

  describe(`queries per page do not grow with the plan (${dialect})`, () => {
    test('same number of SQL queries for the seed and for a plan with 8× as many measures', async () => {
      const counts: Record<string, number[]> = {};
      for (const [, text] of [
        ['seed', seedText()],
        ['large', buildPlanText({ policies: 8, measuresPerPolicy: 9 })],
      ] as const) {
        let n = 0;
        const db = await createTestDb(dialect, {
          onQuery: () => {
            n++;
          },
        });
        try {
          await importPlanBytes(db, new TextEncoder().encode(text), false, {
            municipality: '352161',
            municipalityName: '山陽小野田市',
          });
          const app = await buildTestApp(db, { seed: false });
          try {
            n = 0;
            const cold = await app.inject('/plan/1/1'); // the first request loads the version's content
            assert.equal(cold.statusCode, 200);
            counts.cold = [...(counts.cold ?? []), n];
            for (const url of [
              '/',
              '/plan',
              '/plan/1',
              '/plan/1/1',
              '/plan/cross-cutting',
              '/search?q=%E3%83%87%E3%82%B8%E3%82%BF%E3%83%AB',
            ]) {
              await app.inject(url); // warm the site cache
              n = 0;
              const res = await app.inject(url);
              assert.equal(res.statusCode, 200, url);
              counts[url] = [...(counts[url] ?? []), n];
            }
          } finally {
            await app.close();
          }
        } finally {
          await db.drop();
        }
      }
      for (const [url, [seed, large]] of Object.entries(counts)) {
        assert.equal(large, seed, `${url}: ${seed} queries for the seed, ${large} for the large plan`);
        // cold: the version's content is loaded once, plus the indicators of the measure (目標指標, 1 query)
        assert.ok(seed! <= (url === 'cold' ? 6 : 5), `${url}: ${seed} queries`);
      }
    });
  });
}
