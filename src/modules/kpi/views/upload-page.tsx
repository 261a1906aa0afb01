import type { PageContext } from '../../../web/context.ts';
import { CsrfInput, errorFor, Field, type FieldErrors, FormPageLayout } from '../../../web/forms.tsx';
import type { ImportRecord } from '../import.service.ts';
import { fy as fyText } from './kpi-parts.tsx';
import { ImportTable } from './upload-parts.tsx';

export interface UploadPageProps {
  ctx: PageContext;
  years: number[];
  fy: number;
  departments: Array<{ id: number; name: string }>;
  /** The chosen department; null = all (planners). */
  dept: number | null;
  canAll: boolean;
  indicatorCount: number;
  imports: ImportRecord[];
  errors: FieldErrors;
  maxMb: number;
}

/** The query string of the chosen year and department (links to the templates, the form's target). */
export function scopeQuery(fy: number, dept: number | null): string {
  return `fy=${fy}&dept=${dept === null ? 'all' : dept}`;
}

/**
 * The upload page: choose the year and department (a GET form, so the template links follow without
 * JavaScript), download the templates, upload the filled-in file (multipart, the CSRF token first), and
 * the department's recent uploads.
 */
export function UploadPage(p: UploadPageProps) {
  const { ctx, errors } = p;
  const { t } = ctx;
  const deptName =
    p.dept === null
      ? t('kpi.upload.choose.allDepartments')
      : (p.departments.find((d) => d.id === p.dept)?.name ?? '');
  const q = scopeQuery(p.fy, p.dept);
  const fileError = errorFor(errors, 'file');
  return (
    <FormPageLayout
      ctx={ctx}
      title={t('kpi.upload.title')}
      errors={errors}
      crumbs={[
        { href: '/staff', label: t('staff.home.title') },
        { href: '/staff/kpi', label: t('kpi.staff.title') },
        { href: '/staff/kpi/upload', label: t('kpi.upload.title') },
      ]}
    >
      <p>{t('kpi.upload.lead')}</p>

      <section aria-labelledby="choose-h" class="kpi-upload-step">
        <h2 id="choose-h">{t('kpi.upload.choose.heading')}</h2>
        <form method="get" action="/staff/kpi/upload" class="kpi-upload-choose">
          <Field t={t} id="fy" label={t('kpi.upload.choose.fy')} hint={t('kpi.upload.choose.fyHint')}>
            {(describedBy) => (
              <select class="input" id="fy" name="fy" aria-describedby={describedBy}>
                {p.years.map((y) => (
                  <option key={y} value={String(y)} selected={y === p.fy}>
                    {fyText(ctx, y)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field t={t} id="dept" label={t('kpi.upload.choose.dept')}>
            {(describedBy) => (
              <select class="input" id="dept" name="dept" aria-describedby={describedBy}>
                {p.canAll ? (
                  <option value="all" selected={p.dept === null}>
                    {t('kpi.upload.choose.allDepartments')}
                  </option>
                ) : null}
                {p.departments.map((d) => (
                  <option key={d.id} value={String(d.id)} selected={d.id === p.dept}>
                    {d.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <p>
            <button type="submit" class="button button--secondary">
              {t('kpi.upload.choose.submit')}
            </button>
          </p>
        </form>
        <p class="notice" id="scope-now">
          {t('kpi.upload.choose.current', { fy: fyText(ctx, p.fy), dept: deptName, count: p.indicatorCount })}
        </p>
      </section>

      <section aria-labelledby="template-h" class="kpi-upload-step">
        <h2 id="template-h">{t('kpi.upload.template.heading')}</h2>
        {p.indicatorCount === 0 ? <p>{t('kpi.upload.template.none')}</p> : null}
        <ul class="kpi-upload-downloads">
          <li>
            <a href={`/staff/kpi/template.xlsx?${q}`} download>
              {t('kpi.upload.template.xlsx')}
            </a>
          </li>
          <li>
            <a href={`/staff/kpi/template.csv?${q}`} download>
              {t('kpi.upload.template.csv')}
            </a>
          </li>
        </ul>
        <p class="hint">{t('kpi.upload.template.hint')}</p>
      </section>

      <section aria-labelledby="upload-h" class="kpi-upload-step">
        <h2 id="upload-h">{t('kpi.upload.form.heading')}</h2>
        <form
          method="post"
          action={`/staff/kpi/upload?${q}`}
          enctype="multipart/form-data"
          class="kpi-upload-form"
        >
          {/* The token comes before the file: it is read with the other fields (see kpi-upload.routes.tsx). */}
          {ctx.csrfToken ? <CsrfInput token={ctx.csrfToken} /> : null}
          <input type="hidden" name="fy" value={String(p.fy)} />
          <input type="hidden" name="dept" value={p.dept === null ? 'all' : String(p.dept)} />
          <Field
            t={t}
            id="file"
            label={t('kpi.upload.form.file')}
            hint={t('kpi.upload.form.fileHint', { max: p.maxMb, fy: fyText(ctx, p.fy), dept: deptName })}
            error={fileError}
          >
            {(describedBy) => (
              <input
                class="input kpi-upload-file"
                type="file"
                id="file"
                name="file"
                accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
                aria-describedby={describedBy}
                aria-invalid={fileError ? 'true' : undefined}
              />
            )}
          </Field>
          <p>
            <button type="submit" class="button">
              {t('kpi.upload.form.submit')}
            </button>
          </p>
        </form>
      </section>

      <section aria-labelledby="recent-h" class="kpi-upload-step">
        <h2 id="recent-h">{t('kpi.upload.recent.heading')}</h2>
        {p.imports.length === 0 ? (
          <p>{t('kpi.upload.recent.none')}</p>
        ) : (
          <ImportTable ctx={ctx} imports={p.imports} caption={t('kpi.upload.recent.caption')} />
        )}
      </section>
    </FormPageLayout>
  );
}
