import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import type { ResultSnapshot } from './publication.service.ts';
import {
  attachmentDisposition,
  RESULT_CSV_HEADER,
  RESULT_SHEET_COUNTS,
  RESULT_SHEET_TABLE,
  resultCsv,
  resultXlsx,
} from './result-export.ts';

/** The CSV's bytes and the .xlsx read back with ExcelJS, from a snapshot with hostile cells. */

const SNAPSHOT: ResultSnapshot = {
  format: 1,
  consultation: {
    id: 7,
    title: '重点プロジェクト（案）への意見募集',
    versionLabel: '案',
    documentTitle: '第3次山陽小野田市総合計画 中期基本計画',
    opensAt: '2026-10-31T15:00:00.000Z',
    closesAt: '2026-12-31T15:00:00.000Z',
  },
  seq: 2,
  publishedAt: '2027-01-10T03:00:00.000Z',
  correctionNote: '=訂正の理由',
  counts: { submissions: 3, opinions: 6, accepted: 4, reflected: 2, excluded: 2 },
  bySection: [
    { section: '計画全体', opinions: 1 },
    { section: '重点施策1 施策2 災害に強いまちづくり', opinions: 3 },
  ],
  byReflection: [
    { reflection: 'reflect', label: '反映する', opinions: 2, rows: 1 },
    { reflection: 'future', label: '今後の参考とする', opinions: 2, rows: 2 },
  ],
  excludedByReason: [{ reason: 'stance_only', label: '賛否のみ', opinions: 2 }],
  rows: [
    {
      section: '計画全体',
      summary: '=HYPERLINK("http://evil.example","x")',
      answer: '+1 と書かれた意見',
      reflection: 'future',
      reflectionLabel: '今後の参考とする',
      draftChange: '',
      opinionCount: 1,
    },
    {
      section: '重点施策1 施策2 災害に強いまちづくり',
      summary: '-2 は\n改行を含む, "引用" も',
      answer: '@SUM(A1)',
      reflection: 'reflect',
      reflectionLabel: '反映する',
      draftChange: '\tタブで始まる',
      opinionCount: 2,
    },
    {
      section: '重点施策1 施策2 災害に強いまちづくり',
      summary: '\r復帰で始まる',
      answer: '　＝全角の等号',
      reflection: 'future',
      reflectionLabel: '今後の参考とする',
      draftChange: 'a=b はそのまま',
      opinionCount: 1,
    },
  ],
};

describe('result CSV', () => {
  const bytes = Buffer.from(resultCsv(SNAPSHOT), 'utf8');
  const text = bytes.toString('utf8');

  test('UTF-8 with BOM, CRLF after every record, a Japanese header', () => {
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'starts with the BOM');
    assert.ok(text.endsWith('\r\n'), 'ends with CRLF');
    assert.ok(text.slice(1).startsWith(`${RESULT_CSV_HEADER.join(',')}\r\n`), 'Japanese header first');
    assert.equal(RESULT_CSV_HEADER[2], '意見の概要', 'header names the summary column');
    // outside quoted fields, every line break is CRLF
    const unquoted = text.replace(/"(?:[^"]|"")*"/g, '');
    assert.ok(!/[^\r]\n/.test(unquoted), 'no bare LF outside quotes');
  });

  test('cells that a spreadsheet could read as a formula are neutralised', () => {
    assert.ok(text.includes(`"'=HYPERLINK(""http://evil.example"",""x"")"`), '= neutralised and quoted');
    assert.ok(text.includes(",'+1 と書かれた意見,"), '+ neutralised');
    assert.ok(text.includes(`"'-2 は\n改行を含む, ""引用"" も"`), '- neutralised, newline and quote kept');
    assert.ok(text.includes(",'@SUM(A1),"), '@ neutralised');
    assert.ok(text.includes(",'\tタブで始まる,"), 'TAB neutralised');
    assert.ok(text.includes(`"'\r復帰で始まる"`), 'CR neutralised');
    assert.ok(text.includes(",'　＝全角の等号,"), 'full-width = after a full-width space neutralised');
    assert.ok(text.includes(',a=b はそのまま,'), 'an = inside the text is left alone');
  });

  test('one record per row, numbered', () => {
    const records = text
      .slice(1)
      .split(/\r\n(?=(?:[^"]*"[^"]*")*[^"]*$)/)
      .filter(Boolean);
    assert.equal(records.length, 1 + SNAPSHOT.rows.length, 'header + rows');
    assert.ok(records[1]?.startsWith('1,計画全体,'), 'first row');
    assert.ok(records[3]?.startsWith('3,'), 'third row');
  });
});

describe('result xlsx', () => {
  test('read back: sheet names, header, rows and counts', async () => {
    const buf = await resultXlsx(SNAPSHOT);
    assert.deepEqual([...buf.subarray(0, 2)], [0x50, 0x4b], 'a zip (PK)');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
    assert.deepEqual(
      wb.worksheets.map((w) => w.name),
      [RESULT_SHEET_TABLE, RESULT_SHEET_COUNTS],
      'sheets 「意見と市の考え方」 and 「集計」',
    );
    assert.equal(RESULT_SHEET_TABLE, '意見と市の考え方', 'sheet name as the city writes it');
    const table = wb.getWorksheet(RESULT_SHEET_TABLE)!;
    const header = (table.getRow(1).values as unknown[]).slice(1);
    assert.deepEqual(header, [...RESULT_CSV_HEADER], 'header row');
    assert.equal(table.getRow(1).getCell(1).font?.bold, true, 'header bold');
    assert.equal(table.actualRowCount, 1 + SNAPSHOT.rows.length, 'one row per table row');
    assert.equal(table.getCell('C2').value, SNAPSHOT.rows[0]!.summary, 'summary as text, not a formula');
    assert.equal(table.getCell('C2').formula, undefined, 'no formula in the file');
    assert.equal(table.getCell('D3').value, '@SUM(A1)', 'answer');
    assert.equal(table.getCell('E3').value, '反映する', '反映区分 label');
    assert.equal(table.getCell('G3').value, 2, 'opinion count as a number');
    assert.equal(table.getCell('C3').alignment?.wrapText, true, 'wrapped');
    assert.ok((table.getColumn(4).width ?? 0) >= 40, 'the answer column is wide');
    const counts = wb.getWorksheet(RESULT_SHEET_COUNTS)!;
    const pairs = new Map<string, unknown>();
    counts.eachRow((row, n) => {
      if (n > 1) pairs.set(String(row.getCell(1).value), row.getCell(2).value);
    });
    assert.equal(pairs.get('提出者数'), 3, '提出者数');
    assert.equal(pairs.get('意見数'), 6, '意見数');
    assert.equal(pairs.get('反映数'), 2, '反映数');
    assert.equal(pairs.get('反映区分：今後の参考とする'), 2, 'by 反映区分');
    assert.equal(pairs.get('対象外：賛否のみ'), 2, 'excluded by reason');
    assert.equal(pairs.get('訂正の理由'), '=訂正の理由', 'correction note');
    assert.equal(pairs.get('公表日'), '2027年1月10日', 'published date in Asia/Tokyo');
  });
});

describe('Content-Disposition', () => {
  test('an ASCII fallback and the RFC 5987 UTF-8 name', () => {
    const h = attachmentDisposition('result.csv', '意見募集の結果_7_第2版.csv');
    assert.ok(h.startsWith('attachment; filename="result.csv"; '), 'fallback');
    assert.ok(
      h.includes(`filename*=UTF-8''${encodeURIComponent('意見募集の結果_7_第2版.csv')}`),
      'encoded name',
    );
    assert.ok(/^[\x20-\x7E]+$/.test(h), 'the header is ASCII');
  });
});
