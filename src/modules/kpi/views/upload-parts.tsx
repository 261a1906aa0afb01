import { formatDateTime, formatFiscalYear } from '../../../shared/fiscal-year.ts';
import type { PageContext } from '../../../web/context.ts';
import type { MessageKey, Translate } from '../../../web/i18n/messages.ts';
import type { ImportRecord, ImportState } from '../import.service.ts';
import type { ImportProblem } from '../spreadsheet.ts';

/** Pieces the upload pages share: the words of a state, where a problem is, what it says. */

export function stateText(t: Translate, state: ImportState): string {
  return t(`kpi.upload.state.${state}` as MessageKey);
}

/** 「実績シート 12行目 F列（実績値）」, 「12行目 F列（実績値）」 for CSV, 「ファイル全体」 for the file. */
export function problemWhere(t: Translate, p: ImportProblem): string {
  const parts: string[] = [];
  if (p.sheet) parts.push(t('kpi.upload.where.sheet', { sheet: p.sheet }));
  if (p.row !== null) parts.push(t('kpi.upload.where.row', { row: p.row }));
  if (p.column && p.field) parts.push(t('kpi.upload.where.column', { column: p.column, field: p.field }));
  else if (p.field) parts.push(t('kpi.upload.where.field', { field: p.field }));
  return parts.length ? parts.join(' ') : t('kpi.upload.where.file');
}

export function problemMessage(t: Translate, p: ImportProblem): string {
  return t(p.key as MessageKey, p.params);
}

/** 「実績シート 12行目 F列（実績値）：数値ではありません（"約30"）」 */
export function problemSentence(t: Translate, p: ImportProblem, locale: 'ja' | 'en' = 'ja'): string {
  return `${problemWhere(t, p)}${locale === 'ja' ? '：' : ': '}${problemMessage(t, p)}`;
}

export function ImportTable({
  ctx,
  imports,
  caption,
}: {
  ctx: PageContext;
  imports: ImportRecord[];
  caption: string;
}) {
  const { t } = ctx;
  return (
    <>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard */}
      <section class="table-scroll" aria-label={caption} tabIndex={0}>
        <table class="kpi-upload-imports">
          <caption>{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{t('kpi.upload.col.at')}</th>
              <th scope="col">{t('kpi.upload.col.fy')}</th>
              <th scope="col">{t('kpi.upload.col.file')}</th>
              <th scope="col">{t('kpi.upload.col.state')}</th>
              <th scope="col">{t('kpi.upload.col.rows')}</th>
              <th scope="col">{t('kpi.upload.col.applied')}</th>
            </tr>
          </thead>
          <tbody>
            {imports.map((i) => (
              <tr key={i.id}>
                <th scope="row">
                  <a href={`/staff/kpi/imports/${i.id}`}>{formatDateTime(i.createdAt, ctx.locale)}</a>
                </th>
                <td>{i.fiscalYear === null ? '—' : formatFiscalYear(i.fiscalYear, ctx.locale)}</td>
                <td>{i.fileName}</td>
                <td>{stateText(t, i.state)}</td>
                <td>{i.totalRows}</td>
                <td>{i.state === 'done' ? i.appliedCount : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}
