import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import {
  AFTER,
  type AnswersScenario,
  actorOf,
  approveAll,
  buildAnswersScenario,
  CANARY,
  CANARY_OPINION,
  command,
  userOf,
} from '../../../test/support/consultation-answers.ts';
import { DIALECTS } from '../../../test/support/db.ts';
import type { TestStaff } from '../../../test/support/staff.ts';
import {
  buildSnapshot,
  getPublishedResult,
  getReadiness,
  listPublications,
  publishResult,
} from './publication.service.ts';

/**
 * Readiness, publication, corrections, the immutability of what was published and its freedom from
 * personal data, on both databases.
 */

for (const dialect of DIALECTS) {
  describe(`publication (${dialect})`, () => {
    let sc: AnswersScenario;
    before(async () => {
      sc = await buildAnswersScenario(dialect);
    });
    after(async () => {
      await sc?.close();
    });

    const publish = (who: TestStaff, expectedSeq: number, correctionNote?: unknown) =>
      publishResult(sc.db, {
        municipalityCode: '352161',
        consultationId: sc.consultationId,
        expectedSeq,
        correctionNote,
        user: userOf(who),
        actor: actorOf(who),
        now: sc.now(),
      });

    test('readiness lists what blocks: the open period, new and ungrouped opinions, unapproved answers', async () => {
      const extra = await sc.db.kysely
        .insertInto('opinions')
        .values({
          municipality_code: '352161',
          consultation_id: sc.consultationId,
          submission_id: (await sc.db.kysely.selectFrom('submissions').select('id').executeTakeFirstOrThrow())
            .id,
          position: 9,
          node_id: null,
          body: 'あとから届いた意見',
          search_text: 'あとから届いた意見',
          exclusion_reason: null,
          split_from: null,
          department_id: null,
          group_id: null,
          channel: 'post',
          category: 'resident',
          received_on: '2026-12-01',
          created_at: sc.now().toISOString(),
          updated_at: sc.now().toISOString(),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const r1 = (await getReadiness(sc.db, '352161', sc.consultationId, sc.now()))!;
      assert.equal(r1.ready, false, 'not ready');
      assert.equal(r1.stillOpen, true, 'still open');
      assert.equal(r1.newOpinions, 1, 'one new opinion');
      assert.equal(r1.unapproved.length, 3, 'three groups without an approved answer');
      assert.equal((await publish(sc.planner, 1)).status, 'notReady', 'publishing refused');

      await sc.db.kysely
        .updateTable('opinions')
        .set({ state: 'accepted' })
        .where('id', '=', extra.id)
        .execute();
      const r2 = (await getReadiness(sc.db, '352161', sc.consultationId, sc.now()))!;
      assert.equal(r2.newOpinions, 0, 'accepted now');
      assert.deepEqual(
        r2.ungrouped.map((o) => o.id),
        [extra.id],
        'but in no group: listed with its section',
      );
      assert.equal(r2.ungrouped[0]?.section, '計画全体', 'section of an opinion on the whole plan');
      await sc.db.kysely
        .updateTable('opinions')
        .set({ state: 'excluded', exclusion_reason: 'off_topic' })
        .where('id', '=', extra.id)
        .execute();

      sc.setNow(AFTER);
      await approveAll(sc);
      await sc.db.kysely
        .updateTable('opinion_groups')
        .set({ summary: '' })
        .where('id', '=', sc.groups.area)
        .execute();
      const r4 = (await getReadiness(sc.db, '352161', sc.consultationId, sc.now()))!;
      assert.deepEqual(
        { ready: r4.ready, noSummary: r4.noSummary.map((g) => g.id) },
        { ready: false, noSummary: [sc.groups.area] },
        'a group whose summary was emptied after approval blocks',
      );
      await sc.db.kysely
        .updateTable('opinion_groups')
        .set({ summary: '公民館を地域づくりの拠点にしてほしい。' })
        .where('id', '=', sc.groups.area)
        .execute();
      const r3 = (await getReadiness(sc.db, '352161', sc.consultationId, sc.now()))!;
      assert.deepEqual(
        {
          ready: r3.ready,
          open: r3.stillOpen,
          n: r3.newOpinions,
          u: r3.ungrouped,
          a: r3.unapproved,
          s: r3.noSummary,
        },
        { ready: true, open: false, n: 0, u: [], a: [], s: [] },
        'ready once closed and everything approved',
      );
    });

    test('only planners publish; the first publication is seq 1 with the counts and the table', async () => {
      assert.equal((await publish(sc.editor, 1)).status, 'forbidden', 'an editor may not publish');
      assert.equal((await publish(sc.admin, 1)).status, 'forbidden', 'an administrator may not publish');
      assert.equal((await publish(sc.planner, 2)).status, 'conflict', 'a form offering seq 2 is stale');
      const r = await publish(sc.planner, 1, '最初なので無視される');
      assert.deepEqual(r, { status: 'published', seq: 1 }, 'published');
      const s = (await getPublishedResult(sc.db, '352161', sc.consultationId))!;
      assert.equal(s.seq, 1, 'seq 1');
      assert.equal(s.correctionNote, '', 'no note on the first publication');
      // three submissions; five opinions + the one added and excluded above; 2 reflected (the disaster group)
      const opinions = await sc.db.kysely
        .selectFrom('opinions')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('consultation_id', '=', sc.consultationId)
        .executeTakeFirstOrThrow();
      assert.deepEqual(
        s.counts,
        { submissions: 3, opinions: Number(opinions.n), accepted: 4, reflected: 2, excluded: 2 },
        'counts: 提出者数, 意見数, 回答した数, 反映数, 対象外',
      );
      assert.deepEqual(
        s.rows.map((r) => [r.section, r.reflection, r.opinionCount]),
        [
          ['計画全体', 'future', 1],
          ['重点施策1 施策1 新たな地域づくり', 'included', 1],
          ['重点施策1 施策2 災害に強いまちづくり', 'reflect', 2],
        ],
        'rows in the plan’s order, the whole plan first, with section labels',
      );
      assert.equal(
        s.rows[2]?.draftChange,
        '施策2に「多様な手段による防災情報の伝達」を加えます。',
        'the change',
      );
      assert.equal(s.rows[2]?.reflectionLabel, '反映する', 'the Japanese label is stored');
      assert.deepEqual(
        s.byReflection.filter((r) => r.opinions > 0).map((r) => [r.reflection, r.opinions]),
        [
          ['reflect', 2],
          ['included', 1],
          ['future', 1],
        ],
        'by 反映区分',
      );
      assert.deepEqual(
        s.excludedByReason.filter((r) => r.opinions > 0).map((r) => [r.reason, r.opinions]),
        [
          ['stance_only', 1],
          ['off_topic', 1],
        ],
        'excluded by reason',
      );
      assert.deepEqual(
        s.bySection.map((b) => b.opinions),
        [1, 1, 2],
        'by section',
      );
      const audit = await sc.db.kysely
        .selectFrom('audit_log')
        .select(['actor_user_id'])
        .where('action', '=', 'consultation.result.publish')
        .execute();
      assert.equal(audit.length, 1, 'publication audited');
      assert.equal(audit[0]?.actor_user_id, sc.planner.id, 'with the planner');
    });

    test('the snapshot holds no personal data and no raw opinion text', async () => {
      const raw = (
        await sc.db.kysely.selectFrom('consultation_publications').select('snapshot').execute()
      ).map((r) => r.snapshot);
      assert.ok(raw.length > 0, 'a snapshot exists');
      for (const text of raw) {
        for (const secret of [...Object.values(CANARY), CANARY_OPINION, '賛成です。']) {
          assert.ok(!text.includes(secret), `snapshot must not contain ${secret}`);
        }
      }
    });

    test('what is published does not change when answers change; a correction needs a note', async () => {
      const before = await getPublishedResult(sc.db, '352161', sc.consultationId);
      const g = sc.groups.whole;
      assert.equal((await command(sc, sc.planner, g, 'reopen')).status, 'ok', 'reopened');
      const changed = { answer: '訂正後の市の考え方です。', reflection: 'not_reflected' };
      for (const [cmd, who] of [
        ['saveDraft', sc.editor],
        ['submit', sc.editor],
        ['approve', sc.planner],
      ] as const) {
        assert.equal((await command(sc, who, g, cmd, changed)).status, 'ok', cmd);
      }
      const still = await getPublishedResult(sc.db, '352161', sc.consultationId);
      assert.deepEqual(still, before, 'the publication is unchanged');
      const preview = await buildSnapshot(sc.db, '352161', sc.consultationId, {
        seq: 2,
        publishedAt: sc.now().toISOString(),
        correctionNote: '',
      });
      assert.equal(preview?.rows[0]?.answer, changed.answer, 'the preview shows the new answer');

      assert.equal((await publish(sc.planner, 2)).status, 'noteRequired', 'a correction needs its note');
      assert.equal((await publish(sc.planner, 2, '  ')).status, 'noteRequired', 'a blank note is no note');
      assert.equal((await publish(sc.planner, 2, 'a\u0000')).status, 'noteInvalid', 'NUL refused');
      assert.equal((await publish(sc.planner, 2, ['x'])).status, 'noteInvalid', 'not text refused');
      const r = await publish(sc.planner, 2, '市の考え方（計画全体）を訂正しました。');
      assert.deepEqual(r, { status: 'published', seq: 2 }, 'correction published');
      const latest = (await getPublishedResult(sc.db, '352161', sc.consultationId))!;
      assert.equal(latest.seq, 2, 'latest is seq 2');
      assert.equal(latest.rows[0]?.answer, changed.answer, 'with the corrected answer');
      assert.equal(latest.correctionNote, '市の考え方（計画全体）を訂正しました。', 'and its note');
      const first = (await getPublishedResult(sc.db, '352161', sc.consultationId, 1))!;
      assert.deepEqual(first, before, 'seq 1 is still as it was');
      // publishing again without changes is still a correction with a note
      assert.equal((await publish(sc.planner, 3)).status, 'noteRequired', 'unchanged republish needs a note');
      const list = await listPublications(sc.db, '352161', sc.consultationId);
      assert.deepEqual(
        list.map((p) => [p.seq, p.correctionNote]),
        [
          [1, ''],
          [2, '市の考え方（計画全体）を訂正しました。'],
        ],
        'editions listed',
      );
    });

    test('the publications table is append-only', async () => {
      await assert.rejects(
        sql`update consultation_publications set correction_note = 'x'`.execute(sc.db.kysely),
        /append-only/,
        'update refused by the trigger',
      );
      await assert.rejects(
        sql`delete from consultation_publications`.execute(sc.db.kysely),
        /append-only/,
        'delete refused by the trigger',
      );
    });
  });
}
