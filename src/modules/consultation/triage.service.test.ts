import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { testConfig } from '../../../test/support/app.ts';
import { buildConsultation, buildSubmission, nodeIdAt } from '../../../test/support/consultation.ts';
import { createTestDb, DIALECTS, type TestDb } from '../../../test/support/db.ts';
import { seedIfEmpty } from '../../bootstrap.ts';
import { highlightSegments, snippetAround } from '../../shared/text.ts';
import {
  getTriageContext,
  listOpinions,
  NO_FILTERS,
  parseTriageAction,
  parseTriageQuery,
  type TriageContext,
  type TriageFilters,
} from './triage.service.ts';
import { snippetSegments } from './views/staff-opinions.tsx';

const PHRASES = ['公園の整備', '駐輪場の拡充', '子育て支援', '防災訓練', '図書館の開館時間'];

for (const dialect of DIALECTS) {
  describe(`triage service (${dialect})`, () => {
    let db: TestDb;
    let id = 0;
    let node = 0;
    let context: TriageContext;
    const bodies: string[] = [];

    before(async () => {
      db = await createTestDb(dialect);
      await seedIfEmpty(db, { ...testConfig(), seed: true });
      id = await buildConsultation(db);
      const other = await buildConsultation(db);
      node = await nodeIdAt(db, id, '1/1');
      for (let i = 0; i < 23; i++) {
        const body = `${PHRASES[i % PHRASES.length]}について、意見${i}を述べます。`;
        bodies.push(body);
        await buildSubmission(db, id, {
          channel: i % 3 === 0 ? 'post' : 'web',
          opinions: [{ nodeId: i % 2 === 0 ? node : null, body }],
        });
      }
      // another consultation's opinions never show
      await buildSubmission(db, other, {
        opinions: [{ nodeId: null, body: '公園の整備について別の意見募集' }],
      });
      const v = await db.kysely
        .selectFrom('consultations')
        .select('version_id')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      context = await getTriageContext(db, '352161', v.version_id);
    });
    after(async () => {
      await db?.drop();
    });

    const f = (over: Partial<TriageFilters>): TriageFilters => ({ ...NO_FILTERS, ...over });

    test('keyset pages walk every opinion once, newest first', async () => {
      const seen: number[] = [];
      let before: number | null = null;
      for (let guard = 0; guard < 10; guard++) {
        const page = await listOpinions(db, id, f({ before }), { pageSize: 5 });
        assert.equal(page.total, 23, 'the total is of the whole filter, not the page');
        seen.push(...page.rows.map((r) => r.id));
        if (page.nextBefore === null) break;
        before = page.nextBefore;
      }
      assert.equal(seen.length, 23, 'every opinion once');
      assert.deepEqual(
        seen,
        [...seen].sort((a, b) => b - a),
        'id descending',
      );
      assert.equal(new Set(seen).size, 23);
    });

    test('the count stops at the cap and says so', async () => {
      const page = await listOpinions(db, id, NO_FILTERS, { countCap: 10 });
      assert.equal(page.total, 10);
      assert.equal(page.capped, true);
      const exact = await listOpinions(db, id, NO_FILTERS, { countCap: 23 });
      assert.equal(exact.capped, false);
      assert.equal(exact.total, 23);
    });

    test('filters and search (trigram for 3+ characters, LIKE for shorter) agree with a plain scan', async () => {
      const expectCount = (pred: (body: string, i: number) => boolean) => bodies.filter(pred).length;
      assert.equal(
        (await listOpinions(db, id, f({ section: node }))).total,
        expectCount((_, i) => i % 2 === 0),
      );
      assert.equal(
        (await listOpinions(db, id, f({ section: 'whole' }))).total,
        expectCount((_, i) => i % 2 === 1),
      );
      assert.equal(
        (await listOpinions(db, id, f({ channel: 'post' }))).total,
        expectCount((_, i) => i % 3 === 0),
      );
      for (const q of ['公園の整備', '公園', '防災', '開館時間', '意見1', 'ない語句です']) {
        const parsed = parseTriageQuery({ q }, context);
        assert.deepEqual(parsed.problems, [], q);
        const page = await listOpinions(db, id, parsed.filters);
        assert.equal(
          page.total,
          expectCount((b) => b.includes(q)),
          `search ${q}`,
        );
        for (const r of page.rows) assert.ok(r.body.includes(q), `${q} in ${r.body}`);
      }
      const both = parseTriageQuery({ q: '公園　意見2' }, context).filters;
      assert.equal(
        (await listOpinions(db, id, both)).total,
        expectCount((b) => b.includes('公園') && b.includes('意見2')),
      );
      // LIKE wildcards are literal
      assert.equal((await listOpinions(db, id, parseTriageQuery({ q: '%' }, context).filters)).total, 0);
      assert.equal((await listOpinions(db, id, parseTriageQuery({ q: '"公園' }, context).filters)).total, 0);
    });

    test('2-character terms use the bigram index and agree with a plain scan, in any case and width', async () => {
      const cid = await buildConsultation(db);
      // written as people write: full-width Latin, half-width kana, punctuation next to the terms
      const written = [
        '公園の整備について。休日も開けてほしい。',
        '駅前の公園、ＡＢ地区の整備。',
        'ｺﾄﾞﾓの遊び場（公園）が足りない。',
        'Ab cd の「目標」を示してください。',
        '目標値、目標年度。公、園。',
        '子育て支援を充実させてほしい。',
        '%_と\\を含む意見。公園',
        '園',
      ];
      const ids: number[] = [];
      for (const [i, body] of written.entries())
        ids.push(
          ...(
            await buildSubmission(db, cid, {
              channel: i % 2 === 0 ? 'post' : 'web',
              opinions: [{ nodeId: i % 3 === 0 ? node : null, body }],
            })
          ).opinionIds,
        );
      const norm = written.map((b) => b.normalize('NFKC').toLowerCase());
      const scan = (terms: string[], pred: (i: number) => boolean = () => true) =>
        ids.filter((_, i) => pred(i) && terms.every((t) => norm[i]!.includes(t))).sort((a, b) => b - a);
      const check = async (q: string, extra: Record<string, string> = {}, pred?: (i: number) => boolean) => {
        const parsed = parseTriageQuery({ q, ...extra }, context);
        assert.deepEqual(parsed.problems, [], q);
        const page = await listOpinions(db, cid, parsed.filters);
        const want = scan(parsed.filters.terms, pred);
        assert.deepEqual(
          page.rows.map((r) => r.id),
          want,
          `search ${JSON.stringify(q)} ${JSON.stringify(extra)}`,
        );
        assert.equal(page.total, want.length, `total of ${q}`);
        return want.length;
      };
      assert.equal(await check('公園'), 4, '公園 in four opinions, with punctuation around it');
      assert.equal(await check('目標'), 2);
      assert.equal(await check('ab'), 2, 'ＡＢ (full width) and Ab are found by ab');
      assert.equal(await check('ＡＢ'), 2, 'a full-width term is normalised too');
      assert.equal(await check('aB'), 2);
      assert.equal(await check('ドモ'), 1, 'ｺﾄﾞﾓ (half width) is found by ドモ');
      assert.equal(
        await check('ﾄﾞﾓ'),
        1,
        'a half-width term of 3 code points is 2 characters once normalised',
      );
      assert.equal(await check('。公'), 2, 'punctuation is part of a bigram');
      assert.equal(await check('、園'), 1);
      assert.equal(await check('園の'), 1);
      assert.equal(await check('%_'), 1, 'LIKE wildcards are literal');
      assert.equal(await check('_と'), 1);
      assert.equal(await check('公 園'), 5, 'two 1-character terms');
      assert.equal(await check('公園 休日'), 1, 'two terms');
      assert.equal(await check('公園 整備'), 2);
      assert.equal(await check('公園 子育て'), 0, 'a 2- and a 3-character term');
      assert.equal(await check('目標 示して'), 1);
      assert.equal(await check('無い'), 0, 'a bigram nobody wrote');
      assert.equal(await check('公園', { channel: 'post' }, (i) => i % 2 === 0), 3, 'with a filter');
      assert.equal(await check('公園', { section: 'whole' }, (i) => i % 3 !== 0), 2);
      assert.equal(await check('目標', { state: 'new' }), 2);
      // the candidates come from the bigram index
      if (dialect === 'sqlite') {
        const hex = Buffer.from('公園', 'utf8').toString('hex');
        const r = await sql<{
          rowid: number;
        }>`select rowid from opinions_bigram where opinions_bigram match ${`"${hex}"`} order by rowid desc`.execute(
          db.kysely,
        );
        assert.deepEqual(
          r.rows.map((x) => x.rowid).filter((x) => ids.includes(x)),
          scan(['公園']),
          'opinions_bigram holds the bigram 公園 of exactly the opinions that have it',
        );
      } else {
        const plan = await db.kysely.transaction().execute(async (trx) => {
          await sql`set local enable_seqscan = off`.execute(trx);
          return sql<{
            'QUERY PLAN': string;
          }>`explain select id from opinions where opinion_bigrams(search_text) @> array['公園']::text[]`.execute(
            trx,
          );
        });
        assert.match(
          plan.rows.map((x) => x['QUERY PLAN']).join('\n'),
          /opinions_search_bigram_idx/,
          'the GIN index over opinion_bigrams(search_text) serves the bigram condition',
        );
      }
      // the index follows changes of the text (triggers on SQLite, the expression index on PostgreSQL)
      await db.kysely
        .updateTable('opinions')
        .set({ body: '休日の開館', search_text: '休日の開館' })
        .where('id', '=', ids[0]!)
        .execute();
      norm[0] = '休日の開館';
      assert.equal(
        await check('公園'),
        3,
        'an opinion whose text changed is no longer found by its old text',
      );
      assert.equal(await check('開館'), 1, 'and is found by its new text');
      await db.kysely.deleteFrom('opinions').where('id', '=', ids[1]!).execute();
      ids.splice(1, 1);
      norm.splice(1, 1);
      assert.equal(await check('公園'), 2, 'a deleted opinion is gone from the index');
      assert.equal(await check('ab'), 1);
    });

    test('bad filter values are problems naming the filter, and the filter is dropped', () => {
      const r = parseTriageQuery(
        { state: 'x', channel: 'phone', section: '0', department: '1e3', group: 'g' },
        context,
      );
      assert.deepEqual(
        r.problems.map((p) => p.field),
        ['section', 'state', 'channel', 'department', 'group'],
      );
      assert.deepEqual({ ...r.filters, terms: [] }, { ...NO_FILTERS, terms: [] });
      const arr = parseTriageQuery({ state: ['new', 'accepted'] }, context);
      assert.equal(arr.filters.state, 'new', 'a repeated parameter takes the first');
    });

    test('actions parse with field-named problems', () => {
      assert.deepEqual(parseTriageAction({ action: 'exclude', reason: 'other', note: ' ' }, context), {
        ok: false,
        problems: [{ field: 'note', key: 'pc.staff.triage.error.noteRequired' }],
      });
      const split = parseTriageAction(
        { action: 'split', part1: 'a', section1: 'whole', part2: 'b', section2: String(node) },
        context,
      );
      assert.ok(
        split.ok && split.action.kind === 'split' && split.action.parts[1]!.nodeId === node,
        'split parsed',
      );
      const long = parseTriageAction(
        { action: 'split', part1: 'あ'.repeat(2001), section1: 'whole', part2: 'b', section2: 'x' },
        context,
      );
      assert.ok(!long.ok && long.problems.map((p) => p.field).join() === 'part1,section2', 'both problems');
    });
  });
}

test('the list marks search terms in a row as the shared highlightSegments(snippetAround()) would', () => {
  const bodies = [
    '公園の整備について。休日も開けてほしい。',
    `${'子育て支援を充実させてほしい。'.repeat(12)}公園の整備。${'地域ごとの差が大きい。'.repeat(10)}`,
    `${'あ'.repeat(200)}目標`,
    'ＡＢ地区の公園、ab と AB。ｺﾄﾞﾓの遊び場',
    '目標目標目標の目標値😀公園😀',
    'aaaa bbb aa',
    '',
  ];
  const termSets = [
    [],
    ['公園'],
    ['目標'],
    ['ab'],
    ['aa'],
    ['公園', '休日'],
    ['園の', '公園'],
    ['ない'],
    ['😀公'],
  ];
  for (const b of bodies)
    for (const terms of termSets)
      assert.deepEqual(
        snippetSegments(b, terms, 80),
        terms.length === 0
          ? [{ text: snippetAround(b, terms, 80), match: false }]
          : highlightSegments(snippetAround(b, terms, 80), terms),
        `${b.slice(0, 20)} / ${terms.join(' ')}`,
      );
});
