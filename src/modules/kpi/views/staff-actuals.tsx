import type { PageContext } from '../../../web/context.ts';
import {
  CsrfInput,
  ErrorSummary,
  errorFor,
  Field,
  type FieldErrors,
  TextInput,
} from '../../../web/forms.tsx';
import { Layout } from '../../../web/layout.tsx';
import { Choices } from '../../accounts/views/admin-common.tsx';
import type { IndicatorDetail } from '../indicator.service.ts';
import { targetFor, yearlyTargets } from '../kpi.math.ts';
import { ACTUAL_STATUSES, type Actual, type HistoryEntry } from '../kpi.types.ts';
import type { FormValues } from '../kpi-staff.schema.ts';
import { fy, SampleMark } from './kpi-parts.tsx';
import { baselineToTarget, indicatorValue, kpiCrumbs, Notice, when } from './staff-common.tsx';

export interface ActualsForm {
  values: FormValues;
  errors: FieldErrors;
  /** The write lost to someone else's: their current value for the year (null when they deleted it). */
  conflict?: { fiscalYear: number; current: Actual | null } | undefined;
}

/** What someone else saved meanwhile, with the user's own value kept in the form below. */
function ConflictBox({
  ctx,
  detail,
  conflict,
}: {
  ctx: PageContext;
  detail: IndicatorDetail;
  conflict: NonNullable<ActualsForm['conflict']>;
}) {
  const { t } = ctx;
  const c = conflict.current;
  return (
    <div class="kpi-staff__conflict" role="alert" aria-labelledby="conflict-h">
      <h2 id="conflict-h">{t('kpi.staff.conflict.title')}</h2>
      <p>
        {c
          ? t('kpi.staff.conflict.actual', {
              fy: fy(ctx, conflict.fiscalYear),
              name: c.enteredByName,
              at: when(ctx, c.enteredAt),
              value: indicatorValue(ctx, detail.indicator, c.value),
              status: t(`kpi.status.${c.status}`),
            })
          : t('kpi.staff.conflict.actualDeleted', { fy: fy(ctx, conflict.fiscalYear) })}
      </p>
      {c?.note ? <p>{t('kpi.staff.conflict.note', { note: c.note })}</p> : null}
      <p>{t('kpi.staff.conflict.actualKeep')}</p>
    </div>
  );
}

const VIA_KEYS = {
  form: 'kpi.staff.via.form',
  upload: 'kpi.staff.via.upload',
  sample: 'kpi.staff.via.sample',
  import: 'kpi.staff.via.import',
} as const;
const CHANGE_KEYS = {
  create: 'kpi.staff.change.create',
  update: 'kpi.staff.change.update',
  delete: 'kpi.staff.change.delete',
} as const;

/** The actuals of one indicator by fiscal year, the form to enter or change one, and every change. */
export function ActualsPage({
  ctx,
  detail,
  nodeText,
  actuals,
  history,
  years,
  canEdit,
  form,
  notice,
}: {
  ctx: PageContext;
  detail: IndicatorDetail;
  /** 「重点施策1 … › 1 …」: where the indicator hangs. */
  nodeText: string;
  actuals: Actual[];
  history: HistoryEntry[];
  years: { from: number; to: number };
  canEdit: boolean;
  form: ActualsForm;
  notice?: string | undefined;
}) {
  const { t } = ctx;
  const ind = detail.indicator;
  const title = t('kpi.staff.actuals.title', { name: ind.name });
  const base = `/staff/kpi/indicators/${ind.id}/actuals`;
  const targets = yearlyTargets(ind, detail.yearTargets);
  const byYear = new Map(actuals.map((a) => [a.fiscalYear, a]));
  const list: number[] = [];
  for (let y = years.to; y >= years.from; y--) list.push(y);
  const errors: FieldErrors = form.conflict
    ? [
        { field: 'value', message: t('kpi.staff.conflict.summaryActual') },
        ...form.errors.filter((e) => e.field !== 'value'),
      ]
    : form.errors;
  const fyError = errorFor(errors, 'fiscalYear');
  const selectedFy = form.values.fiscalYear ?? '';
  const versions = (
    <>
      {list.map((y) => {
        const a = byYear.get(y);
        return <input key={y} type="hidden" name={`v-${y}`} value={a ? String(a.lockVersion) : ''} />;
      })}
    </>
  );
  return (
    <Layout
      ctx={ctx}
      title={title}
      error={errors.length > 0}
      section="staff"
      crumbs={kpiCrumbs(
        ctx,
        { href: `/staff/kpi/indicators/${ind.id}`, label: ind.name },
        { href: base, label: t('kpi.staff.actuals.crumb') },
      )}
    >
      <ErrorSummary t={t} errors={errors} />
      <p class="eyebrow">{nodeText}</p>
      <h1>
        {title}
        <SampleMark ctx={ctx} show={ind.isSample} />
      </h1>
      <Notice text={notice} />
      <p>{baselineToTarget(ctx, ind)}</p>
      {canEdit ? null : <p>{t('kpi.staff.actuals.readOnly')}</p>}
      {form.conflict ? <ConflictBox ctx={ctx} detail={detail} conflict={form.conflict} /> : null}
      <section aria-labelledby="years-h">
        <h2 id="years-h">{t('kpi.staff.actuals.yearsHeading')}</h2>
        {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard */}
        <section class="table-scroll" aria-labelledby="years-h" tabIndex={0}>
          <table class="kpi-staff__actuals">
            <caption>{t('kpi.staff.actuals.caption', { name: ind.name })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('kpi.field.fiscalYear')}</th>
                <th scope="col">{t('kpi.staff.actuals.yearTarget')}</th>
                <th scope="col">{t('kpi.field.value')}</th>
                <th scope="col">{t('kpi.field.status')}</th>
                <th scope="col">{t('kpi.field.note')}</th>
                <th scope="col">{t('kpi.field.enteredBy')}</th>
                <th scope="col">{t('kpi.field.enteredAt')}</th>
                {canEdit ? <th scope="col">{t('kpi.staff.list.action')}</th> : null}
              </tr>
            </thead>
            <tbody>
              {list.map((y) => {
                const a = byYear.get(y);
                const target = targetFor(ind, targets, y);
                return (
                  <tr key={y} id={`fy-${y}`}>
                    <th scope="row">{fy(ctx, y)}</th>
                    <td>
                      {target && ind.direction !== 'range'
                        ? `${indicatorValue(ctx, ind, target.value)}${target.interpolated ? t('kpi.interpolated') : ''}`
                        : '—'}
                    </td>
                    <td>
                      {a ? (
                        <>
                          {indicatorValue(ctx, ind, a.value)}
                          <SampleMark ctx={ctx} show={a.isSample} />
                        </>
                      ) : (
                        t('kpi.noActual')
                      )}
                    </td>
                    <td>{a ? t(`kpi.status.${a.status}`) : ''}</td>
                    <td>{a?.note ?? ''}</td>
                    <td>{a?.enteredByName ?? ''}</td>
                    <td>{a ? when(ctx, a.enteredAt) : ''}</td>
                    {canEdit ? (
                      <td>
                        <a
                          href={`${base}?fy=${y}#entry-h`}
                          aria-label={t(a ? 'kpi.staff.actuals.changeYear' : 'kpi.staff.actuals.enterYear', {
                            fy: fy(ctx, y),
                          })}
                        >
                          {a ? t('kpi.staff.actuals.change') : t('kpi.staff.actuals.enter')}
                        </a>
                        {a ? (
                          <form method="post" action={base} class="kpi-staff__inline">
                            <CsrfInput token={ctx.csrfToken ?? ''} />
                            <input type="hidden" name="intent" value="delete" />
                            <input type="hidden" name="fiscalYear" value={String(y)} />
                            <input type="hidden" name={`v-${y}`} value={String(a.lockVersion)} />
                            <button
                              type="submit"
                              class="button button--secondary kpi-staff__small"
                              aria-label={t('kpi.staff.actuals.deleteYear', { fy: fy(ctx, y) })}
                            >
                              {t('kpi.staff.actuals.delete')}
                            </button>
                          </form>
                        ) : null}
                      </td>
                    ) : null}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </section>
      </section>
      {canEdit ? (
        <section aria-labelledby="entry-h">
          <h2 id="entry-h">{t('kpi.staff.actuals.entryHeading')}</h2>
          <form method="post" action={base} id="entry-form" novalidate>
            <CsrfInput token={ctx.csrfToken ?? ''} />
            <input type="hidden" name="intent" value="save" />
            {versions}
            <Field
              t={t}
              id="fiscalYear"
              label={t('kpi.field.fiscalYear')}
              hint={t('kpi.staff.actuals.fyHint')}
              error={fyError}
            >
              {(describedBy) => (
                <select
                  class="input"
                  id="fiscalYear"
                  name="fiscalYear"
                  aria-describedby={describedBy}
                  aria-invalid={fyError ? 'true' : undefined}
                >
                  {list.map((y) => (
                    <option key={y} value={String(y)} selected={String(y) === selectedFy}>
                      {fy(ctx, y)}
                      {byYear.has(y) ? t('kpi.staff.actuals.hasValue') : ''}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <TextInput
              t={t}
              id="value"
              label={
                ind.unit ? t('kpi.staff.actuals.valueWithUnit', { unit: ind.unit }) : t('kpi.field.value')
              }
              hint={t('kpi.staff.actuals.valueHint')}
              errors={errors}
              value={form.values.value ?? ''}
            />
            <Choices
              t={t}
              type="radio"
              name="status"
              legend={t('kpi.field.status')}
              hint={t('kpi.staff.actuals.statusHint')}
              errors={errors}
              required
              checked={[form.values.status ?? '']}
              choices={ACTUAL_STATUSES.map((s) => ({ value: s, label: t(`kpi.status.${s}`) }))}
            />
            <TextInput
              t={t}
              id="note"
              label={t('kpi.field.note')}
              hint={t('kpi.staff.actuals.noteHint')}
              errors={errors}
              value={form.values.note ?? ''}
              required={false}
            />
            <button type="submit" class="button">
              {t('kpi.staff.actuals.save')}
            </button>
          </form>
        </section>
      ) : null}
      <section aria-labelledby="history-h">
        <h2 id="history-h">{t('kpi.staff.history.heading')}</h2>
        {history.length === 0 ? (
          <p>{t('kpi.staff.history.none')}</p>
        ) : (
          // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
          <section class="table-scroll" aria-labelledby="history-h" tabIndex={0}>
            <table class="kpi-staff__history">
              <caption>{t('kpi.staff.history.caption', { name: ind.name })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('kpi.staff.history.at')}</th>
                  <th scope="col">{t('kpi.field.fiscalYear')}</th>
                  <th scope="col">{t('kpi.staff.history.change')}</th>
                  <th scope="col">{t('kpi.field.value')}</th>
                  <th scope="col">{t('kpi.field.status')}</th>
                  <th scope="col">{t('kpi.field.note')}</th>
                  <th scope="col">{t('kpi.field.enteredBy')}</th>
                  <th scope="col">{t('kpi.staff.history.via')}</th>
                  <th scope="col">{t('kpi.staff.history.version')}</th>
                </tr>
              </thead>
              <tbody>
                {history.map((h) => (
                  <tr key={h.id}>
                    <th scope="row">{when(ctx, h.enteredAt)}</th>
                    <td>{fy(ctx, h.fiscalYear)}</td>
                    <td>{t(CHANGE_KEYS[h.change])}</td>
                    <td>
                      {h.value === null ? '—' : indicatorValue(ctx, ind, h.value)}
                      <SampleMark ctx={ctx} show={h.isSample} />
                    </td>
                    <td>{h.status ? t(`kpi.status.${h.status}`) : '—'}</td>
                    <td>{h.note}</td>
                    <td>{h.enteredByName}</td>
                    <td>{t(VIA_KEYS[h.via])}</td>
                    <td>{h.version}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        )}
      </section>
      <ul class="kpi-staff__links">
        <li>
          <a href={`/staff/kpi/indicators/${ind.id}`}>
            {canEdit ? t('kpi.staff.list.edit') : t('kpi.staff.list.view')}
          </a>
        </li>
        <li>
          <a href={`/dashboard/indicators/${ind.id}`}>{t('kpi.staff.actuals.public')}</a>
        </li>
        <li>
          <a href="/staff/kpi">{t('kpi.staff.backToList')}</a>
        </li>
      </ul>
    </Layout>
  );
}
