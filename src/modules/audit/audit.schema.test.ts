import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { translator } from '../../web/i18n/messages.ts';
import { AuditFilterSchema, auditFilterErrors } from './audit.schema.ts';
import { encodeAuditCursor } from './audit.service.ts';

function errors(query: Record<string, unknown>) {
  const r = AuditFilterSchema.safeParse(query);
  assert.ok(!r.success, 'expected a validation error');
  return auditFilterErrors(r.error);
}

describe('AuditFilterSchema', () => {
  test('everything is optional; empty fields count as not given', () => {
    assert.deepEqual(AuditFilterSchema.parse({}), {
      actorUserId: undefined,
      actorLabel: undefined,
      action: undefined,
      resourceType: undefined,
      resourceId: undefined,
      from: undefined,
      to: undefined,
      q: undefined,
      cursor: undefined,
      limit: undefined,
    });
    const blank = AuditFilterSchema.parse({
      actor: '',
      action: ' ',
      from: '',
      to: '\u3000',
      q: '',
      limit: '',
    });
    assert.ok(Object.values(blank).every((v) => v === undefined));
  });

  test('dates are Tokyo days: from = start of the day, to = start of the day after (exclusive)', () => {
    const r = AuditFilterSchema.parse({ from: '2026-11-26', to: '2026-11-30' });
    assert.equal(r.from, '2026-11-25T15:00:00.000Z');
    assert.equal(r.to, '2026-11-30T15:00:00.000Z');
    const sameDay = AuditFilterSchema.parse({ from: '2026-11-26', to: '2026-11-26' });
    assert.equal(sameDay.to, '2026-11-26T15:00:00.000Z');
    // Full-width digits and hyphen, as Japanese input often gives them.
    assert.equal(AuditFilterSchema.parse({ from: '２０２６－１１－２６' }).from, '2026-11-25T15:00:00.000Z');
    // Month and year ends roll over.
    assert.equal(AuditFilterSchema.parse({ to: '2026-12-31' }).to, '2026-12-31T15:00:00.000Z');
    assert.equal(AuditFilterSchema.parse({ to: '2028-02-29' }).to, '2028-02-29T15:00:00.000Z');
  });

  test('text fields are trimmed; actor and limit become numbers; unknown keys are dropped', () => {
    const r = AuditFilterSchema.parse({
      actor: '１２',
      action: ' user. ',
      resourceType: 'user',
      resourceId: '7',
      q: ' 企画 ',
      limit: '20',
      other: 'x',
    });
    assert.equal(r.actorUserId, 12);
    assert.equal(r.actorLabel, undefined);
    assert.equal(r.action, 'user.');
    assert.equal(r.resourceType, 'user');
    assert.equal(r.resourceId, '7');
    assert.equal(r.q, '企画');
    assert.equal(r.limit, 20);
    assert.ok(!('other' in r));
  });

  test('actor: digits are a user id, anything else is text of the label (the e-mail)', () => {
    const byLabel = AuditFilterSchema.parse({ actor: ' Planner@City ' });
    assert.equal(byLabel.actorLabel, 'Planner@City');
    assert.equal(byLabel.actorUserId, undefined);
    // Full-width input is normalised (NFKC), as for the other fields.
    assert.equal(AuditFilterSchema.parse({ actor: 'ｙａｍａｄａ＠' }).actorLabel, 'yamada@');
    assert.equal(AuditFilterSchema.parse({ actor: '-1' }).actorLabel, '-1');
    assert.equal(AuditFilterSchema.parse({ actor: '<script>' }).actorLabel, '<script>');
    assert.equal(AuditFilterSchema.parse({ actor: '0' }).actorLabel, '0');
  });

  test('the cursor decodes to the position it stands for', () => {
    const cursor = encodeAuditCursor({ at: '2026-11-26T08:00:00.000Z', id: 9 });
    assert.deepEqual(AuditFilterSchema.parse({ cursor }).cursor, { at: '2026-11-26T08:00:00.000Z', id: 9 });
  });

  test('bad dates: Japanese messages naming the field', () => {
    assert.deepEqual(errors({ from: '2026/11/26' }), { from: '開始日は YYYY-MM-DD の形で入力してください' });
    assert.deepEqual(errors({ to: '26-11-26' }), { to: '終了日は YYYY-MM-DD の形で入力してください' });
    assert.deepEqual(errors({ from: 'yesterday' }), { from: '開始日は YYYY-MM-DD の形で入力してください' });
    assert.deepEqual(errors({ from: '2026-02-30' }), { from: '開始日には実在する日付を入力してください' });
    assert.deepEqual(errors({ to: '2026-13-01' }), { to: '終了日には実在する日付を入力してください' });
    assert.deepEqual(errors({ from: '2026-11-27', to: '2026-11-26' }), {
      to: '終了日は開始日と同じ日か、それより後の日付を入力してください',
    });
  });

  test('other bad values: Japanese messages naming the field, in the form order', () => {
    const e = errors({
      limit: '500',
      cursor: 'not-a-cursor',
      q: 'あ'.repeat(101),
      actor: 'a'.repeat(255),
      action: ['user.create', 'user.update'],
    });
    assert.deepEqual(Object.keys(e), ['actor', 'action', 'q', 'cursor', 'limit']);
    assert.deepEqual(e, {
      actor: '操作者は254文字以内で入力してください',
      action: '操作を正しく入力してください',
      q: 'キーワードは100文字以内で入力してください',
      cursor: 'ページの指定が正しくありません。最初のページから表示し直してください',
      limit: '表示件数は1から200までの数字で入力してください',
    });
    assert.deepEqual(errors({ limit: '0' }), { limit: '表示件数は1から200までの数字で入力してください' });
    assert.deepEqual(errors({ actor: ['1', '2'] }), { actor: '操作者を正しく入力してください' });
    assert.deepEqual(errors({ resourceId: 'x'.repeat(101) }), {
      resourceId: '対象IDは100文字以内で入力してください',
    });
  });

  test('messages in English when given the English translator', () => {
    const r = AuditFilterSchema.safeParse({ from: '2026-13-45', to: 'x', limit: 'abc' });
    assert.ok(!r.success);
    assert.deepEqual(auditFilterErrors(r.error, translator('en')), {
      from: 'From must be a real date',
      to: 'Enter To as YYYY-MM-DD',
      limit: 'Entries per page must be a number from 1 to 200',
    });
  });
});
