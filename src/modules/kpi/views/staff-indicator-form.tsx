import type { PageContext } from '../../../web/context.ts';
import {
  CsrfInput,
  ErrorSummary,
  errorFor,
  Field,
  type FieldErrors,
  TextInput,
} from '../../../web/forms.tsx';
import type { MessageKey } from '../../../web/i18n/messages.ts';
import { Layout } from '../../../web/layout.tsx';
import { Choices } from '../../accounts/views/admin-common.tsx';
import type { DepartmentChoice, IndicatorDetail } from '../indicator.service.ts';
import { yearlyTargets } from '../kpi.math.ts';
import { DIRECTIONS, type Direction, type Indicator } from '../kpi.types.ts';
import { type FormValues, MAX_SPAN, parseNumberText, yearTargetField } from '../kpi-staff.schema.ts';
import { fy, SampleMark } from './kpi-parts.tsx';
import { baselineToTarget, indicatorValue, kpiCrumbs, Notice, when } from './staff-common.tsx';

/** The form values of a saved definition (what the edit form starts from). */
export function valuesOf(d: IndicatorDetail): FormValues {
  const i = d.indicator;
  const v: FormValues = {
    name: i.name,
    definition: i.definition,
    source: i.source,
    unit: i.unit,
    direction: i.direction,
    rangeMin: i.rangeMin === null ? '' : String(i.rangeMin),
    rangeMax: i.rangeMax === null ? '' : String(i.rangeMax),
    decimals: String(i.decimals),
    baselineValue: String(i.baselineValue),
    baselineFy: String(i.baselineFy),
    targetValue: String(i.targetValue),
    targetFy: String(i.targetFy),
    department: i.departmentId === null ? '' : String(i.departmentId),
    position: String(i.position),
  };
  for (const t of d.yearTargets) v[yearTargetField(t.fiscalYear)] = String(t.value);
  return v;
}

/** The years strictly between baseline and target of the form's values, when both are usable. */
function yearRange(values: FormValues): { from: number; to: number } | null {
  const b = parseNumberText(values.baselineFy);
  const t = parseNumberText(values.targetFy);
  if (typeof b !== 'number' || typeof t !== 'number' || !Number.isInteger(b) || !Number.isInteger(t))
    return null;
  if (t <= b || t - b > MAX_SPAN) return null;
  return { from: b, to: t };
}

/** One input per fiscal year between the baseline and the target; empty = interpolated (shown as a hint). */
function YearTargets({ ctx, values, errors }: { ctx: PageContext; values: FormValues; errors: FieldErrors }) {
  const { t } = ctx;
  const range = yearRange(values);
  const direction = values.direction as Direction;
  const baseline = parseNumberText(values.baselineValue);
  const target = parseNumberText(values.targetValue);
  const decimals = parseNumberText(values.decimals);
  const digits = typeof decimals === 'number' && decimals >= 0 && decimals <= 3 ? decimals : 0;
  return (
    <fieldset class="kpi-staff__targets" aria-describedby="yearTargets-hint">
      <legend>
        {t('kpi.staff.form.yearTargets')}
        <span class="opt">{t('form.optional')}</span>
      </legend>
      <p class="hint" id="yearTargets-hint">
        {t('kpi.staff.form.yearTargetsHint')}
      </p>
      {direction === 'range' ? (
        <p>{t('kpi.staff.form.yearTargetsRange')}</p>
      ) : !range || range.to - range.from < 2 ? (
        <p>{range ? t('kpi.staff.form.yearTargetsNone') : t('kpi.staff.form.yearTargetsLater')}</p>
      ) : (
        (() => {
          const explicit: Array<{ fiscalYear: number; value: number }> = [];
          for (let y = range.from + 1; y < range.to; y++) {
            const n = parseNumberText(values[yearTargetField(y)]);
            if (typeof n === 'number') explicit.push({ fiscalYear: y, value: n });
          }
          const computed =
            typeof baseline === 'number' && typeof target === 'number'
              ? yearlyTargets(
                  {
                    direction: direction === 'down' ? 'down' : 'up',
                    baselineValue: baseline,
                    baselineFy: range.from,
                    targetValue: target,
                    targetFy: range.to,
                  },
                  explicit,
                )
              : [];
          const rows = [];
          for (let y = range.from + 1; y < range.to; y++) {
            const id = yearTargetField(y);
            const error = errorFor(errors, id);
            const c = computed.find((x) => x.fiscalYear === y);
            const set = typeof parseNumberText(values[id]) === 'number';
            rows.push(
              <Field
                key={id}
                t={t}
                id={id}
                label={t('kpi.staff.form.yearTargetLabel', { fy: fy(ctx, y) })}
                hint={
                  c && !set
                    ? t('kpi.staff.form.interpolatedHint', {
                        value: indicatorValue(ctx, { decimals: digits, unit: values.unit ?? '' }, c.value),
                      })
                    : t('kpi.staff.form.setHint')
                }
                error={error}
                required={false}
              >
                {(describedBy) => (
                  <input
                    class="input input--short"
                    type="text"
                    inputMode="decimal"
                    id={id}
                    name={id}
                    value={values[id] ?? ''}
                    aria-describedby={describedBy}
                    aria-invalid={error ? 'true' : undefined}
                  />
                )}
              </Field>,
            );
          }
          return rows;
        })()
      )}
    </fieldset>
  );
}

function TextArea({
  ctx,
  id,
  label,
  hint,
  errors,
  value,
}: {
  ctx: PageContext;
  id: string;
  label: string;
  hint: string;
  errors: FieldErrors;
  value: string;
}) {
  const error = errorFor(errors, id);
  return (
    <Field t={ctx.t} id={id} label={label} hint={hint} error={error}>
      {(describedBy) => (
        <textarea
          class="input kpi-staff__textarea"
          id={id}
          name={id}
          rows={4}
          aria-describedby={describedBy}
          aria-invalid={error ? 'true' : undefined}
        >
          {value}
        </textarea>
      )}
    </Field>
  );
}

/** What the other person saved, shown on the conflict page beside the user's own (kept in the form). */
function ConflictBox({
  ctx,
  current,
  departments,
}: {
  ctx: PageContext;
  current: IndicatorDetail | null;
  departments: DepartmentChoice[];
}) {
  const { t } = ctx;
  if (!current)
    return (
      <div class="kpi-staff__conflict" role="alert">
        <h2>{t('kpi.staff.conflict.title')}</h2>
        <p>{t('kpi.staff.conflict.deleted')}</p>
      </div>
    );
  const i = current.indicator;
  const dept = departments.find((d) => d.id === i.effectiveDepartmentId)?.name ?? t('kpi.departmentNone');
  return (
    <div class="kpi-staff__conflict" role="alert" aria-labelledby="conflict-h">
      <h2 id="conflict-h">{t('kpi.staff.conflict.title')}</h2>
      <p>{t('kpi.staff.conflict.definition', { at: when(ctx, i.updatedAt) })}</p>
      <dl class="kpi-staff__dl">
        <div>
          <dt>{t('kpi.field.name')}</dt>
          <dd>{i.name}</dd>
        </div>
        <div>
          <dt>{t('kpi.field.direction')}</dt>
          <dd>{t(`kpi.direction.${i.direction}`)}</dd>
        </div>
        <div>
          <dt>{t('kpi.staff.form.baselineAndTarget')}</dt>
          <dd>{baselineToTarget(ctx, i)}</dd>
        </div>
        <div>
          <dt>{t('kpi.field.department')}</dt>
          <dd>{dept}</dd>
        </div>
        <div>
          <dt>{t('kpi.field.definition')}</dt>
          <dd>{i.definition}</dd>
        </div>
        <div>
          <dt>{t('kpi.field.source')}</dt>
          <dd>{i.source}</dd>
        </div>
      </dl>
      <p>{t('kpi.staff.conflict.definitionKeep')}</p>
    </div>
  );
}

/** The definition, read-only (for those who may not edit it). */
function DefinitionView({
  ctx,
  indicator,
  departments,
}: {
  ctx: PageContext;
  indicator: Indicator;
  departments: DepartmentChoice[];
}) {
  const { t } = ctx;
  const i = indicator;
  const dept = departments.find((d) => d.id === i.effectiveDepartmentId)?.name ?? t('kpi.departmentNone');
  const rows: Array<[string, string]> = [
    [t('kpi.field.definition'), i.definition],
    [t('kpi.field.source'), i.source],
    [t('kpi.field.unit'), i.unit],
    [t('kpi.field.direction'), t(`kpi.direction.${i.direction}`)],
    [t('kpi.staff.form.baselineAndTarget'), baselineToTarget(ctx, i)],
    [t('kpi.field.department'), dept],
  ];
  if (i.direction === 'range' && i.rangeMin !== null && i.rangeMax !== null)
    rows.push([
      t('kpi.staff.form.range'),
      `${indicatorValue(ctx, i, i.rangeMin)} 〜 ${indicatorValue(ctx, i, i.rangeMax)}`,
    ]);
  return (
    <dl class="kpi-staff__dl">
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

export interface IndicatorFormProps {
  ctx: PageContext;
  mode: 'new' | 'edit';
  /** 「重点施策1 … › 1 …」: where the indicator hangs. */
  nodeText: string;
  /** The node's address (new). */
  nodePath?: string | undefined;
  /** The saved definition (edit). */
  detail?: IndicatorDetail | undefined;
  /** The lock_version the form carries (edit). */
  lockVersion?: number | undefined;
  values: FormValues;
  errors: FieldErrors;
  departments: DepartmentChoice[];
  /** The node's lead department, the default owner. */
  lead: { id: number; name: string } | null;
  /** A conflict: the other's saved definition (null when it was deleted meanwhile). */
  conflict?: { current: IndicatorDetail | null } | undefined;
  readOnly?: boolean;
  canDelete?: boolean;
  notice?: string | undefined;
}

/** The definition of an indicator: new, edit (with errors or a conflict), or read-only. */
export function IndicatorFormPage(p: IndicatorFormProps) {
  const { ctx, mode, values, errors, departments } = p;
  const { t } = ctx;
  const title =
    mode === 'new'
      ? t('kpi.staff.form.newTitle')
      : p.readOnly
        ? t('kpi.staff.form.viewTitle', { name: p.detail?.indicator.name ?? '' })
        : t('kpi.staff.form.editTitle', { name: p.detail?.indicator.name ?? '' });
  const action =
    mode === 'new'
      ? `/staff/kpi/indicators/new?node=${encodeURIComponent(p.nodePath ?? '')}`
      : `/staff/kpi/indicators/${p.detail?.indicator.id}`;
  const allErrors: FieldErrors = p.conflict
    ? [{ field: 'indicator-form', message: t('kpi.staff.conflict.summary') }, ...errors]
    : errors;
  const input = (
    id: string,
    key: MessageKey,
    hint?: string,
    required = true,
    inputmode?: 'numeric' | 'text',
  ) => (
    <TextInput
      t={t}
      id={id}
      label={t(key)}
      {...(hint ? { hint } : {})}
      errors={errors}
      value={values[id] ?? ''}
      required={required}
      {...(inputmode ? { inputmode } : {})}
    />
  );
  const deptError = errorFor(errors, 'department');
  const enabled = departments.filter((d) => !d.disabled || String(d.id) === values.department);
  return (
    <Layout
      ctx={ctx}
      title={title}
      error={allErrors.length > 0}
      section="staff"
      crumbs={kpiCrumbs(ctx, {
        href: action,
        label: mode === 'new' ? title : (p.detail?.indicator.name ?? ''),
      })}
    >
      <ErrorSummary t={t} errors={allErrors} />
      <p class="eyebrow">{p.nodeText}</p>
      <h1>
        {title}
        {p.detail ? <SampleMark ctx={ctx} show={p.detail.indicator.isSample} /> : null}
      </h1>
      <Notice text={p.notice} />
      {p.conflict ? <ConflictBox ctx={ctx} current={p.conflict.current} departments={departments} /> : null}
      {p.readOnly && p.detail ? (
        <>
          <p>{t('kpi.staff.form.readOnly')}</p>
          <DefinitionView ctx={ctx} indicator={p.detail.indicator} departments={departments} />
          <p>
            <a href={`/staff/kpi/indicators/${p.detail.indicator.id}/actuals`}>
              {t('kpi.staff.list.history')}
            </a>
          </p>
        </>
      ) : (
        <form method="post" action={action} id="indicator-form" novalidate>
          <CsrfInput token={ctx.csrfToken ?? ''} />
          {p.lockVersion !== undefined ? (
            <input type="hidden" name="lock_version" value={String(p.lockVersion)} />
          ) : null}
          {input('name', 'kpi.field.name', t('kpi.staff.form.nameHint'))}
          <TextArea
            ctx={ctx}
            id="definition"
            label={t('kpi.field.definition')}
            hint={t('kpi.staff.form.definitionHint')}
            errors={errors}
            value={values.definition ?? ''}
          />
          {input('source', 'kpi.field.source', t('kpi.staff.form.sourceHint'))}
          {input('unit', 'kpi.field.unit', t('kpi.staff.form.unitHint'), false)}
          <Choices
            t={t}
            type="radio"
            name="direction"
            legend={t('kpi.field.direction')}
            hint={t('kpi.staff.form.directionHint')}
            errors={errors}
            required
            checked={[values.direction ?? '']}
            choices={DIRECTIONS.map((d) => ({ value: d, label: t(`kpi.direction.${d}`) }))}
          />
          <div class="kpi-staff__pair">
            {input('rangeMin', 'kpi.field.rangeMin', t('kpi.staff.form.rangeHint'), false)}
            {input('rangeMax', 'kpi.field.rangeMax', t('kpi.staff.form.rangeHint'), false)}
          </div>
          {input('decimals', 'kpi.field.decimals', t('kpi.staff.form.decimalsHint'), true, 'numeric')}
          <div class="kpi-staff__pair">
            {input('baselineValue', 'kpi.field.baselineValue', t('kpi.staff.form.numberHint'))}
            {input('baselineFy', 'kpi.field.baselineFy', t('kpi.staff.form.fyHint'), true, 'numeric')}
          </div>
          <div class="kpi-staff__pair">
            {input('targetValue', 'kpi.field.targetValue', t('kpi.staff.form.targetHint'))}
            {input('targetFy', 'kpi.field.targetFy', t('kpi.staff.form.fyHint'), true, 'numeric')}
          </div>
          <YearTargets ctx={ctx} values={values} errors={errors} />
          <Field
            t={t}
            id="department"
            label={t('kpi.field.department')}
            hint={
              p.lead
                ? t('kpi.staff.form.departmentHint', { name: p.lead.name })
                : t('kpi.staff.form.departmentHintNone')
            }
            error={deptError}
            required={false}
          >
            {(describedBy) => (
              <select
                class="input"
                id="department"
                name="department"
                aria-describedby={describedBy}
                aria-invalid={deptError ? 'true' : undefined}
              >
                <option value="">
                  {p.lead
                    ? t('kpi.staff.form.departmentFromMeasure', { name: p.lead.name })
                    : t('kpi.staff.form.departmentFromMeasureNone')}
                </option>
                {enabled.map((d) => (
                  <option key={d.id} value={String(d.id)} selected={String(d.id) === values.department}>
                    {d.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {input('position', 'kpi.field.position', t('kpi.staff.form.positionHint'), false, 'numeric')}
          <button type="submit" class="button">
            {mode === 'new' ? t('kpi.staff.form.create') : t('kpi.staff.form.save')}
          </button>
        </form>
      )}
      <ul class="kpi-staff__links">
        {mode === 'edit' && p.detail && !p.readOnly ? (
          <li>
            <a href={`/staff/kpi/indicators/${p.detail.indicator.id}/actuals`}>
              {t('kpi.staff.list.actuals')}
            </a>
          </li>
        ) : null}
        {mode === 'edit' && p.detail && p.canDelete ? (
          <li>
            <a href={`/staff/kpi/indicators/${p.detail.indicator.id}/delete`}>{t('kpi.staff.delete.link')}</a>
          </li>
        ) : null}
        <li>
          <a href="/staff/kpi">{t('kpi.staff.backToList')}</a>
        </li>
      </ul>
    </Layout>
  );
}
