import { formatDateTime } from '../../../shared/fiscal-year.ts';
import type { PageContext } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import { type ImportRecord, isRunning } from '../import.service.ts';
import { problemMessage, problemWhere, stateText } from './upload-parts.tsx';

/**
 * One upload: its state with a <progress> bar and counts while it runs (a 「最新の状態を表示」 link reloads it
 * without JavaScript; /static/kpi-upload.js polls the .json and updates it), the result when done, and the
 * list of problems (sheet, row, column, what is wrong) when the file was refused.
 */
export function ImportPage({ ctx, imp }: { ctx: PageContext; imp: ImportRecord }) {
  const { t } = ctx;
  const running = isRunning(imp.state);
  const title = t('kpi.upload.import.title', { file: imp.fileName });
  const failed = imp.state === 'failed';
  return (
    <Layout
      ctx={ctx}
      title={title}
      error={failed}
      section="staff"
      crumbs={[
        { href: '/staff', label: t('staff.home.title') },
        { href: '/staff/kpi', label: t('kpi.staff.title') },
        { href: '/staff/kpi/upload', label: t('kpi.upload.title') },
      ]}
    >
      <h1>{title}</h1>
      <p class="kpi-upload-meta">
        {t('kpi.upload.import.meta', {
          file: imp.fileName,
          format: imp.format === 'xlsx' ? 'Excel' : 'CSV',
          at: formatDateTime(imp.createdAt, ctx.locale),
        })}
      </p>
      <div
        class={`kpi-upload-status kpi-upload-status--${imp.state}`}
        id="import-status"
        data-import-poll={running ? `/staff/kpi/imports/${imp.id}.json` : undefined}
        data-state={imp.state}
      >
        <p id="import-state" role="status">
          {t('kpi.upload.import.state', { state: stateText(t, imp.state) })}
        </p>
        <p>
          <label for="import-progress">{t('kpi.upload.import.progressLabel')}</label>
          <br />
          {imp.totalRows > 0 ? (
            <progress
              id="import-progress"
              max={imp.totalRows}
              value={Math.min(imp.processedRows, imp.totalRows)}
              aria-describedby="import-count"
            />
          ) : (
            <progress id="import-progress" aria-describedby="import-count" />
          )}{' '}
          <span id="import-count">
            {t('kpi.upload.import.progress', { processed: imp.processedRows, total: imp.totalRows })}
          </span>
        </p>
        {running ? (
          <>
            <p>{t('kpi.upload.import.running')}</p>
            <p>
              <a class="button button--secondary" href={`/staff/kpi/imports/${imp.id}`} id="import-refresh">
                {t('kpi.upload.import.refresh')}
              </a>
            </p>
          </>
        ) : null}
      </div>
      {imp.state === 'done' ? (
        <p class="notice">
          {imp.appliedCount > 0
            ? t('kpi.upload.import.done', { applied: imp.appliedCount, total: imp.totalRows })
            : t('kpi.upload.import.doneNone', { total: imp.totalRows })}
        </p>
      ) : null}
      {failed ? <ProblemList ctx={ctx} imp={imp} /> : null}
      <ul class="kpi-upload-links">
        <li>
          <a href="/staff/kpi/upload">{t('kpi.upload.import.again')}</a>
        </li>
        <li>
          <a href="/staff/kpi">{t('kpi.upload.import.toList')}</a>
        </li>
      </ul>
      {running ? <script src="/static/kpi-upload.js" defer /> : null}
    </Layout>
  );
}

function ProblemList({ ctx, imp }: { ctx: PageContext; imp: ImportRecord }) {
  const { t } = ctx;
  const caption = t('kpi.upload.import.errorsCaption', { count: imp.problemCount });
  return (
    <>
      <div class="error-summary" role="alert" aria-labelledby="import-failed-h" tabIndex={-1}>
        <h2 id="import-failed-h">{t('kpi.upload.import.failed', { count: imp.problemCount })}</h2>
        {imp.problemCount > imp.problems.length ? (
          <p>{t('kpi.upload.import.failedMore', { shown: imp.problems.length })}</p>
        ) : null}
        <p>
          <a href={`/staff/kpi/imports/${imp.id}/errors.csv`}>{t('kpi.upload.import.errorsCsv')}</a>
        </p>
      </div>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard */}
      <section class="table-scroll" aria-label={caption} tabIndex={0}>
        <table class="kpi-upload-problems">
          <caption>{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{t('kpi.upload.col.where')}</th>
              <th scope="col">{t('kpi.upload.col.problem')}</th>
            </tr>
          </thead>
          <tbody>
            {imp.problems.map((p, i) => (
              <tr key={i}>
                <th scope="row">{problemWhere(t, p)}</th>
                <td>{problemMessage(t, p)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}
