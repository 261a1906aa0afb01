import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testConfig } from '../../../test/support/app.ts';
import { buildConsultation, buildSubmission, nodeIdAt } from '../../../test/support/consultation.ts';
import { createTestDb, DIALECTS, type TestDb } from '../../../test/support/db.ts';
import { seedIfEmpty } from '../../bootstrap.ts';
import {
  getTriageContext,
  listOpinions,
  NO_FILTERS,
  parseTriageAction,
  parseTriageQuery,
  type TriageContext,
  type TriageFilters,
} from './triage.service.ts';

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
