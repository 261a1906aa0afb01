import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { translator } from '../../web/i18n/messages.ts';
import { type IntakeForm, readIntakeForm, validateIntake } from './intake.schema.ts';

/** Validation of the public-comment form: every field wrong, huge, empty, odd Unicode and markup. */

const t = translator('ja');
const SECTIONS = new Set([11, 12]);
const CANARY = 'カナリア太郎ZQX';

function form(overrides: Partial<IntakeForm> = {}): IntakeForm {
  return {
    name: '山陽 花子',
    address: '山陽小野田市日の出一丁目1番1号',
    category: 'resident',
    categoryNote: '',
    email: '',
    phone: '',
    opinions: [{ section: '11', body: '公園を増やしてほしい。' }],
    ...overrides,
  };
}

function errorsOf(f: IntakeForm): Array<{ field: string; message: string }> {
  const r = validateIntake(f, SECTIONS, t);
  assert.equal(r.ok, false, 'the form should be refused');
  return r.ok ? [] : r.errors;
}

function accepted(f: IntakeForm) {
  const r = validateIntake(f, SECTIONS, t);
  assert.ok(r.ok, `the form should be accepted: ${r.ok ? '' : JSON.stringify(r.errors)}`);
  return r.value;
}

const messageFor = (f: IntakeForm, field: string) => errorsOf(f).find((e) => e.field === field)?.message;

describe('intake form validation', () => {
  test('a complete form is accepted, trimmed, with the section as a node id', () => {
    const v = accepted(
      form({ name: '　山陽 花子 ', opinions: [{ section: '11', body: '  意見です。\r\n二行目 ' }] }),
    );
    assert.equal(v.name, '山陽 花子', 'full-width and ASCII spaces trimmed');
    assert.deepEqual(v.opinions, [{ nodeId: 11, body: '意見です。\n二行目' }], 'CRLF becomes LF, trimmed');
  });

  test('an empty form names every required field and asks for an opinion', () => {
    const errors = errorsOf({ ...form(), name: '', address: '', category: '', opinions: [] });
    assert.deepEqual(
      errors.map((e) => e.field),
      ['name', 'address', 'category', 'opinion-1'],
      'the required fields, in form order',
    );
    assert.equal(errors[0]!.message, '氏名を入力してください', 'the name message');
    assert.equal(errors[3]!.message, 'ご意見を1件以上入力してください', 'the no-opinion message');
  });

  test('white space only counts as empty', () => {
    assert.equal(messageFor(form({ address: ' \u3000\t ' }), 'address'), '住所を入力してください', 'address');
    assert.equal(
      messageFor(form({ opinions: [{ section: 'whole', body: '\u3000\n ' }] }), 'opinion-1'),
      'ご意見を1件以上入力してください',
      'blank opinion',
    );
  });

  test('huge values are refused with the limit and the current count', () => {
    assert.equal(
      messageFor(form({ name: 'あ'.repeat(101) }), 'name'),
      '氏名は100文字以内で入力してください（現在101文字）',
      'name',
    );
    assert.equal(
      messageFor(form({ address: '山'.repeat(5000) }), 'address'),
      '住所は200文字以内で入力してください（現在5,000文字）',
      'address',
    );
    const opinions = [
      { section: 'whole', body: 'ok' },
      { section: 'whole', body: '意'.repeat(2345) },
    ];
    assert.equal(
      messageFor(form({ opinions }), 'opinion-2'),
      '意見2は2,000文字以内で入力してください（現在2,345文字）',
      'opinion 2',
    );
  });

  test('2,000 characters fit whatever their code units; 2,001 do not', () => {
    // か + combining voiced mark: one character for a reader, two code units; NFC makes it が.
    const combining = 'か\u3099'.repeat(2000);
    const v = accepted(form({ opinions: [{ section: 'whole', body: combining }] }));
    assert.equal(v.opinions[0]!.body, 'が'.repeat(2000), 'NFC-normalised');
    const family = '👨‍👩‍👧‍👦'; // one grapheme of 11 code units
    accepted(form({ opinions: [{ section: 'whole', body: family.repeat(2000) }] }));
    assert.equal(
      messageFor(form({ opinions: [{ section: 'whole', body: family.repeat(2001) }] }), 'opinion-1'),
      '意見1は2,000文字以内で入力してください（現在2,001文字）',
      'emoji counted as graphemes',
    );
    const decomposed = `${'e\u0301'.repeat(2001)}`;
    assert.match(
      messageFor(form({ opinions: [{ section: 'whole', body: decomposed }] }), 'opinion-1') ?? '',
      /現在2,001文字/,
    );
  });

  test('U+0000 and other control characters are refused, naming the field, never echoing the value', () => {
    const cases: Array<[keyof IntakeForm, string, string]> = [
      ['name', `${CANARY}\u0000`, 'name'],
      ['address', `${CANARY}\u0007`, 'address'],
      ['email', `a\u001b@example.jp`, 'email'],
      ['phone', '0836\u007f', 'phone'],
    ];
    for (const [key, value, field] of cases) {
      const msg = messageFor(form({ [key]: value }), field);
      assert.ok(msg?.includes('制御文字'), `${field}: ${msg}`);
      assert.ok(!msg?.includes(CANARY), `${field}: the message must not repeat the value`);
    }
    const msg = messageFor(
      form({ opinions: [{ section: 'whole', body: `意見\u0000${CANARY}` }] }),
      'opinion-1',
    );
    assert.equal(
      msg,
      '意見1に使えない文字（制御文字）が含まれています。その文字を削除して入力し直してください',
      'the opinion',
    );
    // C1 controls too, but tab and line breaks are text
    assert.ok(messageFor(form({ categoryNote: 'x\u0085', category: 'other' }), 'categoryNote'), 'C1 NEL');
    accepted(form({ opinions: [{ section: 'whole', body: '一\t二\n三' }] }));
  });

  test('markup is kept as text (it is escaped where shown)', () => {
    const body = '<script>alert(1)</script><img src=x onerror=alert(1)>';
    const v = accepted(form({ name: '"><b>名</b>', opinions: [{ section: 'whole', body }] }));
    assert.equal(v.opinions[0]!.body, body, 'as typed');
    assert.equal(v.name, '"><b>名</b>', 'as typed');
  });

  test('category: one of the five; "other" needs a reason', () => {
    assert.equal(messageFor(form({ category: 'alien' }), 'category'), '区分を選んでください', 'unknown');
    assert.equal(
      messageFor(form({ category: 'other' }), 'categoryNote'),
      '区分で「その他」を選んだ場合は、その理由を入力してください',
      'other without reason',
    );
    assert.equal(
      accepted(form({ category: 'other', categoryNote: ' 市内の団体で活動 ' })).categoryNote,
      '市内の団体で活動',
    );
    assert.equal(
      accepted(form({ category: 'worker', categoryNote: '無視される' })).categoryNote,
      '',
      'only with other',
    );
    assert.ok(
      messageFor(form({ category: 'other', categoryNote: 'あ'.repeat(201) }), 'categoryNote'),
      'huge reason',
    );
  });

  test('e-mail and phone are optional but checked', () => {
    assert.equal(accepted(form({ email: ' hanako@example.jp ' })).email, 'hanako@example.jp', 'trimmed');
    for (const bad of ['hanako', 'a@b', '<script>@x.jp', `${'a'.repeat(250)}@example.jp`]) {
      assert.ok(messageFor(form({ email: bad }), 'email'), `e-mail ${bad.slice(0, 20)} refused`);
    }
    assert.equal(
      accepted(form({ phone: '０８３６－８２－１１１１' })).phone,
      '0836-82-1111',
      'full-width digits',
    );
    assert.equal(
      messageFor(form({ phone: '電話して' }), 'phone'),
      '電話番号は数字とハイフンで入力してください（例：0836-82-1111）',
      'letters',
    );
    assert.ok(messageFor(form({ phone: '1'.repeat(31) }), 'phone'), 'huge phone');
  });

  test('a section must be one of the version or the whole plan', () => {
    assert.equal(
      accepted(form({ opinions: [{ section: 'whole', body: 'x' }] })).opinions[0]!.nodeId,
      null,
      'whole',
    );
    for (const bad of ['99', '0', '-1', '11.5', '1e1', '<b>']) {
      assert.equal(
        messageFor(form({ opinions: [{ section: bad, body: 'x' }] }), 'section-1'),
        '意見1の対象は一覧から選んでください',
        `section ${bad}`,
      );
    }
  });

  test('20 opinions fit, the 21st is refused; empty slots are skipped', () => {
    const slots = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ section: 'whole', body: `意見${i + 1}` }));
    assert.equal(
      accepted(form({ opinions: [...slots(20), { section: '12', body: '' }] })).opinions.length,
      20,
      '20',
    );
    assert.equal(
      messageFor(form({ opinions: slots(21) }), 'opinion-21'),
      'ご意見は1回に20件まで送れます。残りは分けて送信してください',
      '21',
    );
    const gaps = accepted(
      form({
        opinions: [
          { section: '11', body: '' },
          { section: '12', body: '二つ目' },
        ],
      }),
    );
    assert.deepEqual(gaps.opinions, [{ nodeId: 12, body: '二つ目' }], 'the empty first slot is skipped');
  });

  test('reading a body of any shape never throws', () => {
    assert.equal(readIntakeForm(undefined).opinions.length, 3, 'three empty slots by default');
    const f = readIntakeForm({ name: ['a', 'b'], address: { x: 1 }, 'opinion-21': 'x', 'opinion-500': 'y' });
    assert.equal(f.name, 'a', 'the first of repeated values');
    assert.equal(f.address, '', 'a non-string is empty');
    assert.equal(f.opinions.length, 21, 'slots up to the highest number read (not 500)');
    assert.equal(errorsOf(readIntakeForm('junk')).length > 0, true, 'a string body is an empty form');
  });
});
