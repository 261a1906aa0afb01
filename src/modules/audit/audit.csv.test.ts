import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  AUDIT_CSV_HEADER,
  auditCsv,
  auditCsvChunks,
  csvRecord,
  formatTokyoDateTime,
  neutraliseCell,
  quoteCsvField,
} from './audit.csv.ts';
import type { AuditEntry } from './audit.service.ts';

function entry(over: Partial<AuditEntry> = {}): AuditEntry {
  return {
    id: 1,
    at: '2026-11-26T08:00:00.000Z',
    actor: { userId: 3, label: 'admin@city.example' },
    ip: '192.0.2.1',
    requestId: 'req-1',
    action: 'user.update',
    resource: { type: 'user', id: '7' },
    before: { role: 'editor' },
    after: { role: 'planner' },
    changedKeys: ['role'],
    ...over,
  };
}

/** A strict RFC 4180 reader, to show that what we write reads back cell for cell. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 2;
      } else if (c === '"') {
        quoted = false;
        i++;
      } else {
        cell += c;
        i++;
      }
    } else if (c === '"' && cell === '') {
      quoted = true;
      i++;
    } else if (c === ',') {
      row.push(cell);
      cell = '';
      i++;
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i += 2;
    } else {
      assert.ok(c !== '"' && c !== '\r' && c !== '\n', `bare ${JSON.stringify(c)} at ${i}`);
      cell += c;
      i++;
    }
  }
  assert.equal(cell, '', 'the last record ends with CRLF');
  assert.equal(row.length, 0, 'the last record ends with CRLF');
  return rows;
}

describe('neutraliseCell', () => {
  test('prefixes every formula trigger with a single quote (OWASP)', () => {
    for (const s of ['=SUM(A1)', '+1', '-1', '@x', '\tfoo', '\rfoo', '\0x', "=cmd|' /C calc'!A0"]) {
      assert.equal(neutraliseCell(s), `'${s}`, JSON.stringify(s));
    }
  });

  test('also after leading white space, and for the full-width forms', () => {
    for (const s of [' =1+1', '  @SUM(1)', '\u3000=1', '\n-1', '＝1+1', '＋1', '－1', '＠x', ' ＝1']) {
      assert.equal(neutraliseCell(s), `'${s}`, JSON.stringify(s));
    }
  });

  test('leaves everything else alone', () => {
    for (const s of [
      '',
      'foo',
      'a=b',
      '1-2',
      '2026-11-26 17:00:00',
      '{"a":-1}',
      "'=already",
      ' ',
      '\nfoo',
      '企画課',
    ]) {
      assert.equal(neutraliseCell(s), s, JSON.stringify(s));
    }
  });
});

describe('CSV quoting (RFC 4180)', () => {
  test('quotes fields with a comma, a quote, CR or LF and doubles the quotes', () => {
    assert.equal(quoteCsvField('plain'), 'plain');
    assert.equal(quoteCsvField('a,b'), '"a,b"');
    assert.equal(quoteCsvField('say "hi"'), '"say ""hi"""');
    assert.equal(quoteCsvField('a\nb'), '"a\nb"');
    assert.equal(quoteCsvField('a\rb'), '"a\rb"');
    assert.equal(quoteCsvField('a, "b"\r\nc'), '"a, ""b""\r\nc"');
  });

  test('a record neutralises, then quotes, and ends with CRLF', () => {
    assert.equal(csvRecord(['=1,2', 'x', '-"q"', '\rfoo']), `"'=1,2",x,"'-""q""","'\rfoo"\r\n`);
    assert.equal(csvRecord(['\tfoo']), "'\tfoo\r\n");
  });
});

describe('formatTokyoDateTime', () => {
  test('writes the time in Asia/Tokyo', () => {
    assert.equal(formatTokyoDateTime('2026-11-26T08:00:00.000Z'), '2026-11-26 17:00:00');
    assert.equal(formatTokyoDateTime('2026-12-31T15:00:00.000Z'), '2027-01-01 00:00:00');
    assert.equal(formatTokyoDateTime('2026-03-05T01:02:03.999Z'), '2026-03-05 10:02:03');
  });
});

describe('auditCsv', () => {
  test('UTF-8 with a BOM, Japanese header, CRLF line ends', () => {
    const bytes = Buffer.from(auditCsv([entry()]), 'utf8');
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(3).toString('utf8');
    assert.equal(
      text,
      '日時,操作者,操作者ID,接続元,操作,対象の種類,対象ID,変更前,変更後,リクエストID\r\n' +
        '2026-11-26 17:00:00,admin@city.example,3,192.0.2.1,user.update,user,7,"{""role"":""editor""}","{""role"":""planner""}",req-1\r\n',
    );
    assert.deepEqual(parseCsv(text)[0], [...AUDIT_CSV_HEADER]);
  });

  test('no entries: the header alone', () => {
    assert.equal(auditCsv([]), `\uFEFF${AUDIT_CSV_HEADER.join(',')}\r\n`);
  });

  test('every cell is neutralised; a cell with comma, quotes and newline reads back whole', () => {
    const tricky = 'a, "quoted"\r\nnext line\nand more';
    const e = entry({
      actor: { userId: null, label: '=SUM(A1)' },
      ip: '+1',
      action: '-1',
      resource: { type: '@x', id: '\tfoo' },
      requestId: '\rfoo',
      before: null,
      after: { note: tricky },
    });
    const rows = parseCsv(auditCsv([e, entry({ resource: { type: 'user', id: tricky } })]).slice(1));
    assert.equal(rows.length, 3);
    assert.deepEqual(rows[1], [
      '2026-11-26 17:00:00',
      "'=SUM(A1)",
      '',
      "'+1",
      "'-1",
      "'@x",
      "'\tfoo",
      '',
      JSON.stringify({ note: tricky }),
      "'\rfoo",
    ]);
    assert.equal(rows[2]?.[6], tricky);
  });

  test('streams the same text as chunks: header, then one chunk per batch', async () => {
    async function* batches() {
      yield [entry({ id: 3 }), entry({ id: 2 })];
      yield [];
      yield [entry({ id: 1, action: '=x' })];
    }
    const chunks: string[] = [];
    for await (const c of auditCsvChunks(batches())) chunks.push(c);
    assert.equal(chunks.length, 3);
    assert.equal(
      chunks.join(''),
      auditCsv([entry({ id: 3 }), entry({ id: 2 }), entry({ id: 1, action: '=x' })]),
    );
    assert.ok(chunks[2]?.includes(",'=x,"));
  });
});
