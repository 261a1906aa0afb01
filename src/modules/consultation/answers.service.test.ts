import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  type AnswersScenario,
  buildAnswersScenario,
  command,
  userOf,
} from '../../../test/support/consultation-answers.ts';
import { DIALECTS } from '../../../test/support/db.ts';
import {
  ANSWER_COMMANDS,
  type AnswerCommand,
  allowedCommands,
  getGroupAnswer,
  nextAnswerState,
  validateAnswerInput,
} from './answers.service.ts';
import { ANSWER_STATES, type AnswerState } from './consultation.types.ts';

/**
 * The answer workflow: the transition table (every state × every command), rights, stale forms, the
 * summary requirement, validation, and the audit entry of each write, on both databases.
 */

/** The workflow as the issue states it, written out independently of the code's table. */
const EXPECTED: Record<AnswerState, Partial<Record<AnswerCommand, AnswerState>>> = {
  unanswered: { saveDraft: 'drafted' },
  drafted: { saveDraft: 'drafted', submit: 'submitted' },
  submitted: { approve: 'approved', return: 'returned' },
  approved: { reopen: 'drafted' },
  returned: { saveDraft: 'drafted', submit: 'submitted' },
};

const COMPLETE = {
  answer: '防災行政無線に加えて、防災メールで届けます。',
  reflection: 'reflect',
  draftChange: '施策2に追記します。',
};
const REMARK = { remark: '根拠となる事業名を書いてください。' };

function bodyFor(cmd: AnswerCommand) {
  return cmd === 'return' ? REMARK : COMPLETE;
}

describe('answer transitions (table)', () => {
  test('every state × every command matches the workflow', () => {
    let checked = 0;
    for (const state of ANSWER_STATES) {
      for (const cmd of ANSWER_COMMANDS) {
        assert.equal(nextAnswerState(state, cmd), EXPECTED[state][cmd] ?? null, `${state} × ${cmd}`);
        checked++;
      }
    }
    assert.equal(checked, 25, 'five states × five commands');
  });

  test('submit requires the answer and 反映区分, and the change when reflected', () => {
    const r1 = validateAnswerInput({ answer: '', reflection: '' }, 'submit');
    assert.ok(!r1.ok, 'empty answer refused');
    assert.deepEqual(
      !r1.ok && r1.problems.map((p) => p.field),
      ['answer', 'reflection'],
      'both fields named, in form order',
    );
    const r2 = validateAnswerInput({ answer: 'a', reflection: 'reflect', draftChange: ' ' }, 'submit');
    assert.ok(!r2.ok && r2.problems[0]?.key === 'pc.answers.error.draftChangeRequired', 'change required');
    const r3 = validateAnswerInput({ answer: 'a', reflection: 'future' }, 'submit');
    assert.ok(r3.ok, 'complete answer accepted');
    const r4 = validateAnswerInput({ answer: 'a\u0000b', reflection: 'bogus' }, 'draft');
    assert.deepEqual(
      !r4.ok && r4.problems.map((p) => p.key),
      ['pc.answers.error.control', 'pc.answers.error.reflectionUnknown'],
      'NUL and an unknown 反映区分 refused even for a draft',
    );
    const r5 = validateAnswerInput({ answer: ['a', 'b'] }, 'draft');
    assert.ok(!r5.ok && r5.problems[0]?.key === 'pc.answers.error.notText', 'repeated field refused');
    const r6 = validateAnswerInput({ answer: '👨‍👩‍👧'.repeat(4000) }, 'draft');
    assert.ok(r6.ok, '4,000 grapheme clusters fit (counted as readers count)');
    const r7 = validateAnswerInput({ answer: 'あ'.repeat(4001) }, 'draft');
    assert.ok(!r7.ok && r7.problems[0]?.key === 'pc.answers.error.tooLong', '4,001 characters refused');
  });
});

for (const dialect of DIALECTS) {
  describe(`answer commands (${dialect})`, () => {
    let sc: AnswersScenario;
    before(async () => {
      sc = await buildAnswersScenario(dialect);
    });
    after(async () => {
      await sc?.close();
    });

    const auditCount = async () =>
      Number(
        (
          await sc.db.kysely
            .selectFrom('audit_log')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('resource_type', '=', 'opinion_group')
            .executeTakeFirstOrThrow()
        ).n,
      );

    test('every state × every command, run on the database', async () => {
      const g = sc.groups.whole;
      for (const state of ANSWER_STATES) {
        for (const cmd of ANSWER_COMMANDS) {
          await sc.db.kysely
            .updateTable('opinion_groups')
            .set({ answer_state: state, answer: '', reflection: null, draft_change: '' })
            .where('id', '=', g)
            .execute();
          const who = cmd === 'saveDraft' || cmd === 'submit' ? sc.editor : sc.planner;
          const before = await getGroupAnswer(sc.db, '352161', sc.consultationId, g);
          const audits = await auditCount();
          const r = await command(sc, who, g, cmd, bodyFor(cmd));
          const afterRow = await getGroupAnswer(sc.db, '352161', sc.consultationId, g);
          const expected = EXPECTED[state][cmd];
          if (expected) {
            assert.equal(r.status, 'ok', `${state} × ${cmd} allowed`);
            assert.equal(afterRow?.state, expected, `${state} × ${cmd} → ${expected}`);
            assert.equal(afterRow?.lockVersion, before!.lockVersion + 1, `${state} × ${cmd}: version up`);
            assert.equal(await auditCount(), audits + 1, `${state} × ${cmd}: audited once`);
          } else {
            assert.equal(r.status, 'wrongState', `${state} × ${cmd} refused`);
            assert.deepEqual(afterRow, before, `${state} × ${cmd}: nothing written`);
            assert.equal(await auditCount(), audits, `${state} × ${cmd}: no audit entry`);
          }
        }
      }
    });

    test('rights: department editors edit their own, planners approve, others are refused', async () => {
      const g = sc.groups.disaster; // department A, the editor's
      await sc.db.kysely
        .updateTable('opinion_groups')
        .set({ answer_state: 'unanswered' })
        .where('id', '=', g)
        .execute();
      for (const who of [sc.editorOther, sc.committee, sc.admin]) {
        const r = await command(sc, who, g, 'saveDraft', COMPLETE);
        assert.equal(r.status, 'forbidden', `${who.role} of another department may not draft`);
      }
      assert.equal((await command(sc, sc.editor, g, 'saveDraft', COMPLETE)).status, 'ok', 'editor drafts');
      assert.equal((await command(sc, sc.editor, g, 'submit', COMPLETE)).status, 'ok', 'editor submits');
      for (const cmd of ['approve', 'return'] as const) {
        const r = await command(sc, sc.editor, g, cmd, REMARK);
        assert.equal(r.status, 'forbidden', `an editor may not ${cmd}`);
      }
      const approved = await command(sc, sc.planner, g, 'approve');
      assert.equal(approved.status, 'ok', 'planner approves');
      assert.ok(approved.status === 'ok' && approved.group.approvedBy === sc.planner.id, 'approver recorded');
      assert.ok(approved.status === 'ok' && approved.group.approvedAt !== null, 'approval time recorded');
      assert.equal(
        (await command(sc, sc.editor, g, 'reopen')).status,
        'forbidden',
        'an editor may not reopen',
      );
      const reopened = await command(sc, sc.planner, g, 'reopen');
      assert.ok(reopened.status === 'ok' && reopened.group.approvedAt === null, 'reopen clears the approval');
      // the buttons offered follow the same rules
      const group = (await getGroupAnswer(sc.db, '352161', sc.consultationId, g))!;
      assert.deepEqual(allowedCommands(userOf(sc.editor), group), ['saveDraft', 'submit'], 'editor buttons');
      assert.deepEqual(allowedCommands(userOf(sc.editorOther), group), [], 'other department: none');
      assert.deepEqual(
        allowedCommands(userOf(sc.planner), group),
        ['saveDraft', 'submit'],
        'planner, drafted',
      );
    });

    test('return needs a remark, which the department then sees', async () => {
      const g = sc.groups.area; // department B
      await command(sc, sc.editorOther, g, 'saveDraft', COMPLETE);
      await command(sc, sc.editorOther, g, 'submit', COMPLETE);
      const empty = await command(sc, sc.planner, g, 'return', { remark: '   ' });
      assert.ok(
        empty.status === 'invalid' && empty.problems[0]?.key === 'pc.answers.error.remarkRequired',
        'a return without a remark is refused',
      );
      const r = await command(sc, sc.planner, g, 'return', REMARK);
      assert.ok(r.status === 'ok' && r.group.state === 'returned', 'returned');
      assert.equal(r.status === 'ok' && r.group.returnRemark, REMARK.remark, 'remark kept');
      const again = await command(sc, sc.editorOther, g, 'submit', { ...COMPLETE, answer: '修正しました。' });
      assert.ok(
        again.status === 'ok' && again.group.state === 'submitted',
        'a returned answer is sent again',
      );
      assert.equal(again.status === 'ok' && again.group.answer, '修正しました。', 'with the revised text');
      const audit = await sc.db.kysely
        .selectFrom('audit_log')
        .select(['action', 'actor_user_id', 'before_json', 'after_json'])
        .where('resource_type', '=', 'opinion_group')
        .where('resource_id', '=', String(g))
        .where('action', '=', 'answer.return')
        .executeTakeFirstOrThrow();
      assert.equal(audit.actor_user_id, sc.planner.id, 'the return is audited with its actor');
      assert.equal(JSON.parse(audit.after_json ?? '{}').returnRemark, REMARK.remark, 'and its remark');
    });

    test('a stale form is refused with the current text, and nothing is written', async () => {
      const g = sc.groups.whole;
      await sc.db.kysely
        .updateTable('opinion_groups')
        .set({ answer_state: 'drafted' })
        .where('id', '=', g)
        .execute();
      const current = (await getGroupAnswer(sc.db, '352161', sc.consultationId, g))!;
      const first = await command(sc, sc.editor, g, 'saveDraft', { answer: '先に保存した文章' });
      assert.equal(first.status, 'ok', 'first save');
      const { runAnswerCommand } = await import('./answers.service.ts');
      const stale = await runAnswerCommand(sc.db, {
        municipalityCode: '352161',
        consultationId: sc.consultationId,
        groupId: g,
        command: 'saveDraft',
        lockVersion: current.lockVersion,
        body: { answer: '古いフォームからの文章' },
        user: userOf(sc.planner),
        actor: { userId: sc.planner.id, label: 'p', ip: '', requestId: '' },
        now: sc.now(),
      });
      assert.equal(stale.status, 'conflict', 'stale lock version refused');
      assert.equal(
        stale.status === 'conflict' && stale.group.answer,
        '先に保存した文章',
        'shows the current text',
      );
      const now = await getGroupAnswer(sc.db, '352161', sc.consultationId, g);
      assert.equal(now?.answer, '先に保存した文章', 'the first save stands');
    });

    test('no 意見の概要: the draft is refused', async () => {
      const g = sc.groups.whole;
      await sc.db.kysely
        .updateTable('opinion_groups')
        .set({ summary: '  ', answer_state: 'unanswered' })
        .where('id', '=', g)
        .execute();
      const r = await command(sc, sc.editor, g, 'saveDraft', COMPLETE);
      assert.equal(r.status, 'noSummary', 'refused without a summary');
      await sc.db.kysely
        .updateTable('opinion_groups')
        .set({ summary: '計画全体の目標を数値で示してほしい。' })
        .where('id', '=', g)
        .execute();
      assert.equal(
        (await command(sc, sc.editor, g, 'saveDraft', COMPLETE)).status,
        'ok',
        'accepted with one',
      );
    });

    test('a group of another consultation or an unknown one is not found', async () => {
      const { runAnswerCommand } = await import('./answers.service.ts');
      const r = await runAnswerCommand(sc.db, {
        municipalityCode: '352161',
        consultationId: sc.consultationId + 1000,
        groupId: sc.groups.whole,
        command: 'saveDraft',
        lockVersion: 1,
        body: COMPLETE,
        user: userOf(sc.planner),
        actor: { userId: sc.planner.id, label: 'p', ip: '', requestId: '' },
        now: sc.now(),
      });
      assert.equal(r.status, 'notFound', 'group checked against its consultation');
    });
  });
}
