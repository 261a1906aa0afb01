import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testConfig } from '../../../test/support/app.ts';
import {
  buildConsultation,
  buildGroup,
  buildSubmission,
  nodeIdAt,
} from '../../../test/support/consultation.ts';
import { createTestDb, DIALECTS, type TestDb } from '../../../test/support/db.ts';
import { buildDepartment, buildStaff } from '../../../test/support/staff.ts';
import { seedIfEmpty } from '../../bootstrap.ts';
import type { AuditActor } from '../audit/audit.service.ts';
import {
  acceptSuggestion,
  addToGroup,
  createGroup,
  isRefusal,
  lastSuggestionRun,
  listOpenSuggestions,
  type Refusal,
  refuseSuggestion,
  removeFromGroup,
  SUMMARY_MAX_CHARS,
  suggestGroups,
  updateGroup,
  validateGroupForm,
} from './grouping.service.ts';

const PARK = '子育て世代が住みやすいよう、公園の整備と遊具の更新を進めてほしい。';
const PARK2 = '子育て世代が住みやすいように、公園の整備と遊具の更新をすすめてほしいです！';
const PARK3 = '子育て世代が住みやすいよう公園の整備と遊具の更新を進めて欲しい';
const RADIO = '防災無線が聞こえにくい地区があるので、戸別受信機を配ってください。';
const RADIO2 = '防災無線が聞こえにくい地区があるため、戸別受信機を配布してください。';
const OTHER = '図書館の開館時間を夜九時まで延ばしてほしい。';

function refusal(r: unknown): Refusal {
  assert.ok(isRefusal(r), `expected a refusal, got ${JSON.stringify(r)}`);
  return r;
}

for (const dialect of DIALECTS) {
  describe(`grouping service (${dialect})`, () => {
    let db: TestDb;
    let actor: AuditActor;
    let depA: number;
    let depB: number;
    let node11: number;
    let node12: number;
    const now = new Date('2026-11-26T03:00:00.000Z');

    before(async () => {
      db = await createTestDb(dialect);
      await seedIfEmpty(db, { ...testConfig(), seed: true });
      depA = await buildDepartment(db, '子育て支援課');
      depB = await buildDepartment(db, '防災危機管理課');
      const planner = await buildStaff(db, 'planner', [depA]);
      actor = { userId: planner.id, label: planner.email, ip: '127.0.0.1', requestId: 'test' };
    });
    after(async () => {
      await db?.drop();
    });

    /** A consultation with opinions (one submission each), returning their ids in order. */
    async function consultationWith(items: Array<{ body: string; nodeId?: number | null }>) {
      const consultationId = await buildConsultation(db);
      node11 = await nodeIdAt(db, consultationId, '1/1');
      node12 = await nodeIdAt(db, consultationId, '1/2');
      const ids: number[] = [];
      for (const it of items) {
        const s = await buildSubmission(db, consultationId, {
          opinions: [{ nodeId: it.nodeId === undefined ? node11 : it.nodeId, body: it.body }],
        });
        ids.push(s.opinionIds[0]!);
      }
      return { consultationId, ids };
    }

    const suggestionsOf = (consultationId: number) =>
      db.kysely
        .selectFrom('group_suggestions')
        .selectAll()
        .where('consultation_id', '=', consultationId)
        .orderBy('id')
        .execute();
    const opinion = (id: number) =>
      db.kysely.selectFrom('opinions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const group = (id: number) =>
      db.kysely.selectFrom('opinion_groups').selectAll().where('id', '=', id).executeTakeFirst();
    const audits = (action: string) =>
      db.kysely.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id').execute();

    test('suggestions: similar candidate opinions, replaced on each run, decided ones kept, refused not again', async () => {
      const { consultationId, ids } = await consultationWith([
        { body: PARK },
        { body: PARK2 },
        { body: PARK3 },
        { body: RADIO },
        { body: RADIO2 },
        { body: OTHER },
        { body: PARK }, // excluded below: never a candidate
        { body: PARK2 }, // grouped below: never a candidate
      ]);
      await db.kysely
        .updateTable('opinions')
        .set({ state: 'excluded', exclusion_reason: 'other' })
        .where('id', '=', ids[6]!)
        .execute();
      await buildGroup(db, consultationId, [ids[7]!]);

      const run = await suggestGroups(db, consultationId, now, { actor });
      assert.equal(run.opinions, 6, 'six candidates: the excluded and the grouped opinions are left out');
      assert.equal(run.suggestions, 2, 'two suggestions');
      let rows = await suggestionsOf(consultationId);
      assert.deepEqual(
        rows.map((r) => JSON.parse(r.opinion_ids)),
        [ids.slice(0, 3), ids.slice(3, 5)],
        'the park opinions, then the radio opinions',
      );
      assert.ok(
        rows.every((r) => r.state === 'open' && r.score > 0.5 && r.score <= 1),
        'open, with a score',
      );
      const last = await lastSuggestionRun(db, consultationId);
      assert.equal(last?.suggestions, 2, 'the last run is read back from the audit log');
      assert.equal(last?.opinions, 6, 'with the number of opinions compared');

      // decide both, then run again: the decided ones stay, the refused grouping is not suggested again
      const accepted = await acceptSuggestion(db, { consultationId, suggestionId: rows[0]!.id, actor, now });
      assert.ok(!isRefusal(accepted), 'accepted');
      assert.ok(
        !isRefusal(await refuseSuggestion(db, { consultationId, suggestionId: rows[1]!.id, actor, now })),
        'refused',
      );
      const again = await suggestGroups(db, consultationId, now);
      assert.equal(
        again.suggestions,
        0,
        'nothing new: the park opinions are grouped, the radio pair was refused',
      );
      rows = await suggestionsOf(consultationId);
      assert.deepEqual(
        rows.map((r) => r.state),
        ['accepted', 'refused'],
        'history kept',
      );
      // a new near-duplicate makes a new open suggestion; a further run replaces (not adds to) it
      await buildSubmission(db, consultationId, { opinions: [{ nodeId: node11, body: `${RADIO}！` }] });
      await suggestGroups(db, consultationId, now);
      await suggestGroups(db, consultationId, now);
      rows = await suggestionsOf(consultationId);
      assert.equal(rows.filter((r) => r.state === 'open').length, 1, 'one open suggestion after two runs');
      assert.equal((await audits('group_suggestions.run')).length >= 1, true, 'the staff run is audited');
    });

    test('accept: a new group with the most common section and department; members accepted; audited', async () => {
      const { consultationId, ids } = await consultationWith([
        { body: PARK, nodeId: node11 },
        { body: PARK2, nodeId: null },
        { body: PARK3, nodeId: null },
      ]);
      await db.kysely
        .updateTable('opinions')
        .set({ department_id: depA })
        .where('id', '=', ids[0]!)
        .execute();
      await db.kysely
        .updateTable('opinions')
        .set({ department_id: depB })
        .where('id', 'in', [ids[1]!, ids[2]!])
        .execute();
      await suggestGroups(db, consultationId, now);
      const [s] = await suggestionsOf(consultationId);
      assert.ok(s, 'one suggestion');
      const r = await acceptSuggestion(db, { consultationId, suggestionId: s.id, actor, now });
      assert.ok(!isRefusal(r) && r.created, 'a new group');
      const g = await group(r.groupId);
      assert.equal(g?.node_id, null, 'section: the plan as a whole (2 of 3)');
      assert.equal(g?.department_id, depB, 'department: the most common one');
      assert.equal(g?.answer_state, 'unanswered', 'not answered yet');
      for (const id of ids) {
        const o = await opinion(id);
        assert.equal(o.group_id, r.groupId, `opinion ${id} in the group`);
        assert.equal(o.state, 'accepted', `opinion ${id} accepted`);
      }
      const after = (await suggestionsOf(consultationId))[0]!;
      assert.equal(after.state, 'accepted', 'suggestion accepted');
      assert.equal(after.group_id, r.groupId, 'with its group');
      assert.equal(after.decided_by, actor.userId, 'who decided');
      assert.ok(after.decided_at, 'when');
      const a = (await audits('group_suggestion.accept')).find((x) => x.resource_id === String(s.id));
      assert.ok(a, 'audited');
      const again = refusal(await acceptSuggestion(db, { consultationId, suggestionId: s.id, actor, now }));
      assert.equal(
        again.key,
        'pc.grouping.error.suggestionDecided',
        'a decided suggestion cannot be accepted again',
      );
    });

    test('accept with changes: only the chosen opinions; refused when one was grouped or excluded since', async () => {
      const { consultationId, ids } = await consultationWith([
        { body: PARK },
        { body: PARK2 },
        { body: PARK3 },
        { body: OTHER },
      ]);
      await suggestGroups(db, consultationId, now);
      const [s] = await suggestionsOf(consultationId);
      assert.ok(s, 'one suggestion');
      const outside = refusal(
        await acceptSuggestion(db, {
          consultationId,
          suggestionId: s.id,
          opinionIds: [ids[0]!, ids[3]!],
          actor,
          now,
        }),
      );
      assert.equal(
        outside.key,
        'pc.grouping.error.notInSuggestion',
        'an opinion outside the suggestion is refused',
      );
      assert.equal(outside.params?.opinion, ids[3], 'naming it');

      // meanwhile, one opinion is grouped by hand and another excluded
      const other = await createGroup(db, { consultationId, opinionIds: [ids[1]!], actor, now });
      assert.ok(!isRefusal(other), 'grouped by hand');
      const groupsBefore = await db.kysely
        .selectFrom('opinion_groups')
        .select('id')
        .where('consultation_id', '=', consultationId)
        .execute();
      const grouped = refusal(await acceptSuggestion(db, { consultationId, suggestionId: s.id, actor, now }));
      assert.equal(grouped.key, 'pc.grouping.error.alreadyGrouped', 'grouped since');
      assert.deepEqual(
        grouped.params,
        { opinion: ids[1], group: other.groupId },
        'names the opinion and its group',
      );
      await db.kysely
        .updateTable('opinions')
        .set({ state: 'excluded', exclusion_reason: 'off_topic' })
        .where('id', '=', ids[2]!)
        .execute();
      const excluded = refusal(
        await acceptSuggestion(db, {
          consultationId,
          suggestionId: s.id,
          opinionIds: [ids[0]!, ids[2]!],
          actor,
          now,
        }),
      );
      assert.equal(excluded.key, 'pc.grouping.error.excluded', 'excluded since');
      const groupsAfter = await db.kysely
        .selectFrom('opinion_groups')
        .select('id')
        .where('consultation_id', '=', consultationId)
        .execute();
      assert.equal(groupsAfter.length, groupsBefore.length, 'nothing half saved: no group was created');
      assert.equal((await opinion(ids[0]!)).group_id, null, 'nor any opinion moved');

      const ok = await acceptSuggestion(db, {
        consultationId,
        suggestionId: s.id,
        opinionIds: [ids[0]!],
        actor,
        now,
      });
      assert.ok(!isRefusal(ok), 'the chosen part is accepted');
      assert.equal((await opinion(ids[0]!)).group_id, ok.groupId, 'the chosen opinion is in the new group');
      const empty = refusal(await createGroup(db, { consultationId, opinionIds: [], actor, now }));
      assert.equal(empty.key, 'pc.grouping.error.noneChosen', 'no opinion chosen');
    });

    test('accept into an existing group; refused into an approved one', async () => {
      const { consultationId, ids } = await consultationWith([
        { body: RADIO },
        { body: RADIO2 },
        { body: OTHER },
      ]);
      const existing = await buildGroup(db, consultationId, [ids[2]!], {
        departmentId: depB,
        summary: '既存',
      });
      await suggestGroups(db, consultationId, now);
      const [s] = await suggestionsOf(consultationId);
      assert.ok(s, 'one suggestion');
      await db.kysely
        .updateTable('opinion_groups')
        .set({ answer_state: 'approved' })
        .where('id', '=', existing)
        .execute();
      const approved = refusal(
        await acceptSuggestion(db, { consultationId, suggestionId: s.id, intoGroupId: existing, actor, now }),
      );
      assert.equal(approved.key, 'pc.grouping.error.approved', 'an approved group takes no more opinions');
      await db.kysely
        .updateTable('opinion_groups')
        .set({ answer_state: 'drafted' })
        .where('id', '=', existing)
        .execute();
      const unknown = refusal(
        await acceptSuggestion(db, { consultationId, suggestionId: s.id, intoGroupId: 999999, actor, now }),
      );
      assert.equal(unknown.key, 'pc.grouping.error.unknownGroup', 'an unknown group is refused');
      const r = await acceptSuggestion(db, {
        consultationId,
        suggestionId: s.id,
        intoGroupId: existing,
        actor,
        now,
      });
      assert.ok(!isRefusal(r) && !r.created && r.groupId === existing, 'added to the existing group');
      assert.equal((await opinion(ids[0]!)).group_id, existing, 'member');
      assert.equal((await group(existing))?.answer_state, 'drafted', 'the answer is left as it was');
    });

    test('refuse: kept as refused; a second decision is refused; unknown suggestion', async () => {
      const { consultationId } = await consultationWith([{ body: PARK }, { body: PARK2 }]);
      await suggestGroups(db, consultationId, now);
      const [s] = await suggestionsOf(consultationId);
      assert.ok(s, 'one suggestion');
      assert.ok(
        !isRefusal(await refuseSuggestion(db, { consultationId, suggestionId: s.id, actor, now })),
        'refused',
      );
      const row = (await suggestionsOf(consultationId))[0]!;
      assert.equal(row.state, 'refused', 'state refused');
      assert.equal(row.decided_by, actor.userId, 'decided by');
      assert.equal(
        refusal(await refuseSuggestion(db, { consultationId, suggestionId: s.id, actor, now })).key,
        'pc.grouping.error.suggestionDecided',
        'twice',
      );
      assert.equal(
        refusal(await refuseSuggestion(db, { consultationId, suggestionId: 999999, actor, now })).status,
        404,
        'unknown',
      );
      const other = await buildConsultation(db);
      assert.equal(
        refusal(await acceptSuggestion(db, { consultationId: other, suggestionId: s.id, actor, now })).status,
        404,
        'another consultation’s suggestion is not found',
      );
      assert.ok(
        (await audits('group_suggestion.refuse')).some((a) => a.resource_id === String(s.id)),
        'audited',
      );
    });

    test('groups by hand and answer alone; the alone case needs an accepted opinion', async () => {
      const { consultationId, ids } = await consultationWith([
        { body: PARK },
        { body: RADIO, nodeId: null },
        { body: OTHER },
      ]);
      const notYet = refusal(
        await createGroup(db, { consultationId, opinionIds: [ids[2]!], alone: true, actor, now }),
      );
      assert.equal(notYet.key, 'pc.grouping.error.notAccepted', 'a new opinion is not answered alone');
      await db.kysely.updateTable('opinions').set({ state: 'accepted' }).where('id', '=', ids[2]!).execute();
      const alone = await createGroup(db, { consultationId, opinionIds: [ids[2]!], alone: true, actor, now });
      assert.ok(!isRefusal(alone), 'a group of one');
      assert.equal((await opinion(ids[2]!)).group_id, alone.groupId, 'the opinion is its member');
      const byHand = await createGroup(db, { consultationId, opinionIds: [ids[0]!, ids[1]!], actor, now });
      assert.ok(!isRefusal(byHand), 'a group of two');
      assert.equal((await group(byHand.groupId))?.node_id, node11, 'a tie takes the first opinion’s section');
      const unknown = refusal(await createGroup(db, { consultationId, opinionIds: [999999], actor, now }));
      assert.equal(unknown.key, 'pc.grouping.error.unknownOpinion', 'an opinion of no consultation');
      assert.ok((await audits('opinion_group.create_alone')).length >= 1, 'audited');
    });

    test('edit: summary, section, department with optimistic locking; answer columns untouched; approved refused', async () => {
      const { consultationId, ids } = await consultationWith([{ body: PARK }, { body: PARK2 }]);
      const g = await buildGroup(db, consultationId, ids, { departmentId: depA, nodeId: node11 });
      await db.kysely
        .updateTable('opinion_groups')
        .set({ answer: '市の考え方（案）', answer_state: 'drafted' })
        .where('id', '=', g)
        .execute();
      const departments = [
        { id: depA, disabled: false },
        { id: depB, disabled: false },
      ];
      const nodeIds = new Set([node11, node12]);
      const bad = validateGroupForm(
        {
          summary: 'あ'.repeat(SUMMARY_MAX_CHARS + 1),
          section: 'x',
          department: '999999',
          lock_version: '1',
        },
        { nodeIds, departments },
      );
      assert.ok(!bad.ok, 'invalid');
      assert.deepEqual(
        bad.problems.map((p) => p.field),
        ['summary', 'section', 'department'],
        'each bad field named',
      );
      const control = validateGroupForm(
        { summary: 'a\u0000b', section: 'whole', lock_version: '1' },
        { nodeIds, departments },
      );
      assert.ok(
        !control.ok && control.problems[0]?.key === 'pc.grouping.error.summaryControl',
        'U+0000 refused',
      );
      const emoji = validateGroupForm(
        { summary: '👨‍👩‍👧'.repeat(SUMMARY_MAX_CHARS), section: 'whole', lock_version: '1' },
        { nodeIds, departments },
      );
      assert.ok(emoji.ok, 'graphemes are counted as readers count them');

      const v = validateGroupForm(
        {
          summary: '  公園の整備を求める意見  ',
          section: String(node12),
          department: String(depB),
          lock_version: '1',
        },
        { nodeIds, departments },
      );
      assert.ok(v.ok, 'valid');
      const saved = await updateGroup(db, { consultationId, groupId: g, value: v.value, actor, now });
      assert.ok(!isRefusal(saved) && saved.changed, 'saved');
      const row = await group(g);
      assert.equal(row?.summary, '公園の整備を求める意見', 'summary trimmed');
      assert.equal(row?.node_id, node12, 'section');
      assert.equal(row?.department_id, depB, 'department');
      assert.equal(row?.lock_version, 2, 'lock version bumped');
      assert.equal(row?.answer, '市の考え方（案）', 'answer untouched');
      assert.equal(row?.answer_state, 'drafted', 'answer state untouched');
      const stale = refusal(
        await updateGroup(db, { consultationId, groupId: g, value: v.value, actor, now }),
      );
      assert.equal(stale.key, 'pc.grouping.error.stale', 'an old lock version is refused');
      await db.kysely
        .updateTable('opinion_groups')
        .set({ answer_state: 'approved' })
        .where('id', '=', g)
        .execute();
      const approved = refusal(
        await updateGroup(db, {
          consultationId,
          groupId: g,
          value: { ...v.value, lockVersion: 2 },
          actor,
          now,
        }),
      );
      assert.equal(approved.key, 'pc.grouping.error.approved', 'approved: no summary change');
      const noRemove = refusal(
        await removeFromGroup(db, { consultationId, groupId: g, opinionId: ids[0]!, actor, now }),
      );
      assert.equal(noRemove.key, 'pc.grouping.error.approved', 'approved: no membership change');
      assert.ok(
        (await audits('opinion_group.update')).some((a) => a.resource_id === String(g)),
        'audited',
      );
    });

    test('members: add and remove; the last one deletes an unanswered group, is refused on an answered one', async () => {
      const { consultationId, ids } = await consultationWith([
        { body: PARK },
        { body: PARK2 },
        { body: OTHER },
      ]);
      const g = await buildGroup(db, consultationId, [ids[0]!]);
      const added = await addToGroup(db, {
        consultationId,
        groupId: g,
        opinionIds: [ids[1]!],
        lockVersion: 1,
        actor,
        now,
      });
      assert.ok(!isRefusal(added), 'added');
      assert.equal((await opinion(ids[1]!)).state, 'accepted', 'a new opinion becomes accepted when grouped');
      const stale = refusal(
        await addToGroup(db, {
          consultationId,
          groupId: g,
          opinionIds: [ids[2]!],
          lockVersion: 1,
          actor,
          now,
        }),
      );
      assert.equal(stale.key, 'pc.grouping.error.stale', 'the membership form is locked too');
      const twice = refusal(
        await addToGroup(db, { consultationId, groupId: g, opinionIds: [ids[1]!], actor, now }),
      );
      assert.equal(twice.key, 'pc.grouping.error.alreadyGrouped', 'already in the group');
      const notMember = refusal(
        await removeFromGroup(db, { consultationId, groupId: g, opinionId: ids[2]!, actor, now }),
      );
      assert.equal(notMember.key, 'pc.grouping.error.notMember', 'not a member');
      const removed = await removeFromGroup(db, {
        consultationId,
        groupId: g,
        opinionId: ids[1]!,
        actor,
        now,
      });
      assert.ok(!isRefusal(removed) && !removed.deleted, 'removed, group kept');
      assert.equal((await opinion(ids[1]!)).group_id, null, 'out of the group');
      assert.equal((await opinion(ids[1]!)).state, 'accepted', 'still accepted');

      await db.kysely
        .updateTable('opinion_groups')
        .set({ answer: '考え方', answer_state: 'drafted' })
        .where('id', '=', g)
        .execute();
      const answered = refusal(
        await removeFromGroup(db, { consultationId, groupId: g, opinionId: ids[0]!, actor, now }),
      );
      assert.equal(
        answered.key,
        'pc.grouping.error.lastMemberAnswered',
        'the last member of an answered group stays',
      );
      assert.ok(await group(g), 'group kept');
      await db.kysely
        .updateTable('opinion_groups')
        .set({ answer: '', answer_state: 'unanswered' })
        .where('id', '=', g)
        .execute();
      const last = await removeFromGroup(db, { consultationId, groupId: g, opinionId: ids[0]!, actor, now });
      assert.ok(!isRefusal(last) && last.deleted, 'the empty group is deleted');
      assert.equal(await group(g), undefined, 'gone');
      assert.ok(
        (await audits('opinion_group.delete')).some((a) => a.resource_id === String(g)),
        'audited',
      );
      const page = await listOpenSuggestions(db, consultationId, { offset: 0, limit: 10 });
      assert.equal(page.items.length, 0, 'no suggestion was made here');
    });
  });
}
