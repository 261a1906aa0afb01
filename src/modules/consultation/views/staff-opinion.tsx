import type { PageContext } from '../../../web/context.ts';
import { CsrfInput, ErrorSummary, errorFor, Field, type FieldErrors } from '../../../web/forms.tsx';
import { Layout } from '../../../web/layout.tsx';
import { type Consultation, EXCLUSION_REASONS, OPINION_MAX_CHARS } from '../consultation.types.ts';
import type { OpinionDetail, TriageContext } from '../triage.service.ts';
import { consultationCrumbs, formatDate, hubPath, PlainText, sectionName } from './staff-common.tsx';
import { TextArea } from './staff-form.tsx';

/** What the forms show again after a failed action. */
export interface OpinionFormValues {
  action?: string;
  reason?: string;
  note?: string;
  section?: string;
  department?: string;
  parts?: Array<{ body: string; section: string }>;
}

function SectionSelect({
  ctx,
  context,
  id,
  label,
  hint,
  value,
  errors,
}: {
  ctx: PageContext;
  context: TriageContext;
  id: string;
  label: string;
  hint?: string;
  value: string;
  errors: FieldErrors;
}) {
  const error = errorFor(errors, id);
  return (
    <Field t={ctx.t} id={id} label={label} {...(hint ? { hint } : {})} error={error}>
      {(describedBy) => (
        <select
          class="input"
          id={id}
          name={id}
          aria-describedby={describedBy}
          aria-invalid={error ? 'true' : undefined}
        >
          <option value="whole" selected={value === '' || value === 'whole'}>
            {ctx.t('consultation.wholePlan')}
          </option>
          {context.sections.map((s) => (
            <option key={s.id} value={String(s.id)} selected={String(s.id) === value}>
              {s.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** One opinion: its text, facts, the submission's other opinions, and the triage forms (planners). */
export function StaffOpinionPage({
  ctx,
  consultation,
  context,
  opinion: o,
  canTriage,
  canSeePersonal,
  errors,
  values,
  partCount,
  notice,
}: {
  ctx: PageContext;
  consultation: Consultation;
  context: TriageContext;
  opinion: OpinionDetail;
  canTriage: boolean;
  canSeePersonal: boolean;
  errors: FieldErrors;
  values: OpinionFormValues;
  partCount: number;
  notice?: string | undefined;
}) {
  const { t } = ctx;
  const base = `${hubPath(consultation.id)}/opinions`;
  const self = `${base}/${o.id}`;
  const title = t('pc.staff.opinion.title', { id: o.id });
  const deptName = new Map(context.departments.map((d) => [d.id, d.name]));
  const enabled = context.departments.filter((d) => !d.disabled);
  const reasonError = errorFor(errors, 'reason');
  const departmentError = errorFor(errors, 'department');
  const lock = <input type="hidden" name="lockVersion" value={String(o.lockVersion)} />;
  const csrf = <CsrfInput token={ctx.csrfToken ?? ''} />;
  const parts = Array.from(
    { length: partCount },
    (_, i) => values.parts?.[i] ?? { body: '', section: o.nodeId === null ? 'whole' : String(o.nodeId) },
  );
  const open = o.state !== 'split';
  return (
    <Layout
      ctx={ctx}
      title={title}
      error={errors.length > 0}
      section="staff"
      crumbs={consultationCrumbs(ctx, consultation, [
        { href: base, label: t('pc.staff.hub.triage') },
        { href: self, label: title },
      ])}
    >
      <ErrorSummary t={t} errors={errors} />
      <h1>{title}</h1>
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
      <section aria-labelledby="body-h">
        <h2 id="body-h">{t('pc.staff.opinion.body')}</h2>
        <div class="pcs-opinion-body">
          <PlainText text={o.body} />
        </div>
      </section>
      <section aria-labelledby="facts-h">
        <h2 id="facts-h">{t('pc.staff.opinion.facts')}</h2>
        <dl class="pcs-dl">
          <dt>{t('pc.staff.triage.col.state')}</dt>
          <dd>
            <span class={`tag pcs-state pcs-state--${o.state}`}>
              {t(`consultation.opinionState.${o.state}`)}
            </span>
          </dd>
          {o.exclusionReason ? (
            <>
              <dt>{t('pc.staff.opinion.exclusion')}</dt>
              <dd class="pcs-plain">
                {t(`consultation.exclusion.${o.exclusionReason}`)}
                {o.exclusionNote ? `（${o.exclusionNote}）` : ''}
              </dd>
            </>
          ) : null}
          <dt>{t('pc.staff.triage.col.section')}</dt>
          <dd>{sectionName(ctx, context.sections, o.nodeId)}</dd>
          <dt>{t('pc.staff.triage.col.department')}</dt>
          <dd>
            {o.departmentId === null
              ? t('pc.staff.triage.noDepartment')
              : (deptName.get(o.departmentId) ?? '')}
          </dd>
          <dt>{t('pc.staff.triage.channel')}</dt>
          <dd>{t(`consultation.channel.${o.channel}`)}</dd>
          <dt>{t('pc.staff.opinion.received')}</dt>
          <dd>{formatDate(ctx, o.receivedOn)}</dd>
          <dt>{t('pc.staff.triage.category')}</dt>
          <dd>{t(`consultation.category.${o.category}`)}</dd>
          {o.groupId !== null ? (
            <>
              <dt>{t('pc.staff.opinion.group')}</dt>
              <dd>
                <a href={`${hubPath(consultation.id)}/groups/${o.groupId}`}>
                  {t('pc.staff.triage.grouped.tag', { id: o.groupId })}
                </a>
              </dd>
            </>
          ) : null}
          {o.splitFrom !== null ? (
            <>
              <dt>{t('pc.staff.opinion.parent')}</dt>
              <dd>
                <a href={`${base}/${o.splitFrom}`}>{t('pc.staff.opinion.title', { id: o.splitFrom })}</a>
              </dd>
            </>
          ) : null}
          {canSeePersonal ? (
            <>
              <dt>{t('pc.staff.triage.submission')}</dt>
              <dd>
                <a href={`${hubPath(consultation.id)}/submissions/${o.submissionId}`}>
                  {t('pc.staff.triage.submission')}
                </a>
              </dd>
            </>
          ) : null}
        </dl>
      </section>
      {o.parts.length > 0 ? (
        <section aria-labelledby="parts-h">
          <h2 id="parts-h">{t('pc.staff.opinion.parts')}</h2>
          <ul class="pcs-opinion-list">
            {o.parts.map((p) => (
              <li key={p.id}>
                <a href={`${base}/${p.id}`}>{t('pc.staff.opinion.title', { id: p.id })}</a>{' '}
                <span class="tag">{t(`consultation.opinionState.${p.state}`)}</span>
                <PlainText text={p.body} />
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <section aria-labelledby="siblings-h">
        <h2 id="siblings-h">{t('pc.staff.opinion.siblings')}</h2>
        {o.siblings.length === 0 ? (
          <p>{t('pc.staff.opinion.noSiblings')}</p>
        ) : (
          <ul class="pcs-opinion-list">
            {o.siblings.map((p) => (
              <li key={p.id}>
                <a href={`${base}/${p.id}`}>{t('pc.staff.opinion.title', { id: p.id })}</a>{' '}
                <span class="tag">{t(`consultation.opinionState.${p.state}`)}</span>{' '}
                <span class="pcs-small">{sectionName(ctx, context.sections, p.nodeId)}</span>
                <PlainText text={p.body} />
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="actions-h">
        <h2 id="actions-h">{t('pc.staff.opinion.actions')}</h2>
        {!canTriage ? (
          <p>{t('pc.staff.opinion.readOnly')}</p>
        ) : !open ? null : (
          <>
            <div class="pcs-actions">
              {o.state === 'new' ? (
                <form method="post" action={self}>
                  {csrf}
                  {lock}
                  <input type="hidden" name="action" value="accept" />
                  <button type="submit" class="button">
                    {t('pc.staff.opinion.accept')}
                  </button>
                </form>
              ) : null}
              {o.state === 'excluded' ? (
                <form method="post" action={self}>
                  {csrf}
                  {lock}
                  <input type="hidden" name="action" value="reinstate" />
                  <button type="submit" class="button button--secondary">
                    {t('pc.staff.opinion.reinstate')}
                  </button>
                </form>
              ) : null}
            </div>
            {o.state !== 'excluded' && o.groupId === null ? (
              <form
                method="post"
                action={self}
                class="pcs-action-form"
                aria-labelledby="exclude-h"
                novalidate
              >
                <h3 id="exclude-h">{t('pc.staff.opinion.exclude')}</h3>
                {csrf}
                {lock}
                <input type="hidden" name="action" value="exclude" />
                <Field t={t} id="reason" label={t('pc.staff.opinion.reason')} error={reasonError}>
                  {(describedBy) => (
                    <select
                      class="input"
                      id="reason"
                      name="reason"
                      aria-describedby={describedBy}
                      aria-invalid={reasonError ? 'true' : undefined}
                    >
                      <option value="">{t('pc.staff.triage.any')}</option>
                      {EXCLUSION_REASONS.map((r) => (
                        <option key={r} value={r} selected={values.reason === r}>
                          {t(`consultation.exclusion.${r}`)}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
                <TextArea
                  ctx={ctx}
                  id="note"
                  label={t('pc.staff.opinion.note')}
                  hint={t('pc.staff.opinion.noteHint')}
                  errors={errors}
                  value={values.note ?? ''}
                  rows={2}
                />
                <button type="submit" class="button button--secondary">
                  {t('pc.staff.opinion.exclude')}
                </button>
              </form>
            ) : null}
            <form method="post" action={self} class="pcs-action-form" aria-labelledby="section-h" novalidate>
              <h3 id="section-h">{t('pc.staff.opinion.changeSection')}</h3>
              {csrf}
              {lock}
              <input type="hidden" name="action" value="section" />
              <SectionSelect
                ctx={ctx}
                context={context}
                id="section"
                label={t('pc.staff.triage.section')}
                hint={t('pc.staff.opinion.sectionHint')}
                value={
                  values.action === 'section'
                    ? (values.section ?? '')
                    : o.nodeId === null
                      ? 'whole'
                      : String(o.nodeId)
                }
                errors={errors}
              />
              <button type="submit" class="button button--secondary">
                {t('pc.staff.opinion.changeSection')}
              </button>
            </form>
            <form
              method="post"
              action={self}
              class="pcs-action-form"
              aria-labelledby="department-h"
              novalidate
            >
              <h3 id="department-h">{t('pc.staff.opinion.assign')}</h3>
              {csrf}
              {lock}
              <input type="hidden" name="action" value="department" />
              <Field t={t} id="department" label={t('pc.staff.triage.department')} error={departmentError}>
                {(describedBy) => (
                  <select
                    class="input"
                    id="department"
                    name="department"
                    aria-describedby={describedBy}
                    aria-invalid={departmentError ? 'true' : undefined}
                  >
                    <option value="">{t('pc.staff.triage.noDepartment')}</option>
                    {enabled.map((d) => (
                      <option key={d.id} value={String(d.id)} selected={d.id === o.departmentId}>
                        {d.name}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <button type="submit" class="button button--secondary">
                {t('pc.staff.opinion.assign')}
              </button>
            </form>
            {o.groupId === null && o.state !== 'excluded' ? (
              <form method="post" action={self} class="pcs-action-form" aria-labelledby="split-h" novalidate>
                <h3 id="split-h">{t('pc.staff.opinion.split')}</h3>
                <p class="hint">{t('pc.staff.opinion.splitHint')}</p>
                {csrf}
                {lock}
                <input type="hidden" name="action" value="split" />
                {parts.map((p, i) => (
                  <div class="pcs-part" key={i}>
                    <TextArea
                      ctx={ctx}
                      id={`part${i + 1}`}
                      label={t('pc.staff.opinion.part', { n: i + 1 })}
                      errors={errors}
                      value={p.body}
                      required
                      rows={4}
                      maxLength={OPINION_MAX_CHARS * 2}
                    />
                    <SectionSelect
                      ctx={ctx}
                      context={context}
                      id={`section${i + 1}`}
                      label={t('pc.staff.opinion.partSection', { n: i + 1 })}
                      value={p.section}
                      errors={errors}
                    />
                  </div>
                ))}
                <p>
                  <a href={`${self}?parts=${Math.min(partCount + 1, 20)}#split-h`}>
                    {t('pc.staff.opinion.moreParts')}
                  </a>
                </p>
                <button type="submit" class="button button--secondary">
                  {t('pc.staff.opinion.split')}
                </button>
              </form>
            ) : null}
          </>
        )}
      </section>
    </Layout>
  );
}
