import { formatDateTime } from '../../../shared/fiscal-year.ts';
import type { PageContext } from '../../../web/context.ts';
import { CsrfInput, ErrorSummary, errorFor, Field, type FieldErrors } from '../../../web/forms.tsx';
import { Layout } from '../../../web/layout.tsx';
import type { AnswerCommand, AnswerInput, GroupAnswer } from '../answers.service.ts';
import type { Consultation } from '../consultation.types.ts';
import { REFLECTIONS } from '../consultation.types.ts';

/** The textarea of a field, described by its hint and error. */
function TextArea({
  ctx,
  id,
  name,
  label,
  hint,
  errors,
  value,
  required,
  rows = 6,
}: {
  ctx: PageContext;
  id: string;
  name: string;
  label: string;
  hint: string;
  errors: FieldErrors;
  value: string;
  required: boolean;
  rows?: number;
}) {
  const error = errorFor(errors, id);
  return (
    <Field t={ctx.t} id={id} label={label} hint={hint} error={error} required={required}>
      {(describedBy) => (
        <textarea
          class="input pc-textarea"
          id={id}
          name={name}
          rows={rows}
          aria-describedby={describedBy}
          aria-invalid={error ? 'true' : undefined}
        >
          {value}
        </textarea>
      )}
    </Field>
  );
}

/**
 * One group's answer: its opinions (text only), its summary, the answer form with a button per command the
 * user may run in the answer's state, and the planning division's review (approve, return with a remark,
 * reopen).
 */
export function AnswerPage({
  ctx,
  consultation,
  group,
  section,
  departmentName,
  opinions,
  commands,
  values,
  remark,
  errors,
  sent,
  notice,
}: {
  ctx: PageContext;
  consultation: Consultation;
  group: GroupAnswer;
  section: string;
  departmentName: string | null;
  opinions: Array<{ id: number; body: string }>;
  commands: AnswerCommand[];
  /** What the form shows: the saved answer, or what was sent when it failed. */
  values: AnswerInput;
  remark: string;
  errors: FieldErrors;
  /** On a conflict: what the user sent, kept so that nothing is lost. */
  sent?: AnswerInput | undefined;
  notice?: string | undefined;
}) {
  const { t, locale } = ctx;
  const base = `/staff/consultations/${consultation.id}`;
  const action = `${base}/groups/${group.id}/answer`;
  const title = t('pc.answers.page.title', { id: group.id });
  const canWrite = commands.includes('saveDraft') || commands.includes('submit');
  const noSummary = group.summary.trim() === '';
  const reflectionError = errorFor(errors, 'reflection');
  const lock = <input type="hidden" name="lockVersion" value={String(group.lockVersion)} />;
  const csrf = <CsrfInput token={ctx.csrfToken ?? ''} />;
  return (
    <Layout
      ctx={ctx}
      title={title}
      error={errors.length > 0}
      section="staff"
      crumbs={[
        { href: '/staff', label: t('staff.home.title') },
        { href: '/staff/consultations', label: t('consultation.staff.list') },
        { href: base, label: consultation.title },
        { href: `${base}/answers`, label: t('pc.answers.list.title') },
        { href: action, label: title },
      ]}
    >
      <ErrorSummary t={t} errors={errors} />
      <p class="eyebrow">{consultation.title}</p>
      <h1>{title}</h1>
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
      <dl class="plan-meta">
        <div>
          <dt>{t('pc.answers.page.section')}</dt>
          <dd>{section}</dd>
        </div>
        <div>
          <dt>{t('pc.answers.page.department')}</dt>
          <dd>{departmentName ?? t('pc.answers.list.noDepartment')}</dd>
        </div>
        <div>
          <dt>{t('pc.answers.page.state')}</dt>
          <dd>
            <span class={`badge pc-state pc-state--${group.state}`}>
              {t(`consultation.answerState.${group.state}`)}
            </span>
          </dd>
        </div>
      </dl>
      {group.state === 'returned' && group.returnRemark ? (
        <div class="pc-answers__remark" role="note">
          <p>
            <strong>{t('pc.answers.page.returned')}</strong>
          </p>
          <p class="pc-result__text">{group.returnRemark}</p>
        </div>
      ) : null}
      {group.state === 'approved' && group.approvedAt ? (
        <p>{t('pc.answers.page.approvedAt', { date: formatDateTime(group.approvedAt, locale) })}</p>
      ) : null}

      <section aria-labelledby="summary-h">
        <h2 id="summary-h">{t('pc.answers.page.summary')}</h2>
        {noSummary ? (
          <p class="pc-answers__warning">
            {t('pc.answers.page.noSummary')}{' '}
            <a href={`${base}/groups/${group.id}`}>{t('pc.answers.page.noSummaryLink')}</a>
          </p>
        ) : (
          <p class="pc-result__text">{group.summary}</p>
        )}
      </section>

      <section aria-labelledby="opinions-h">
        <h2 id="opinions-h">{t('pc.answers.page.opinions', { n: opinions.length })}</h2>
        <ol class="pc-answers__opinions">
          {opinions.map((o) => (
            <li key={o.id}>
              <p class="pc-answers__opinion-id">{t('pc.answers.page.opinion', { id: o.id })}</p>
              <p class="pc-result__text">{o.body}</p>
            </li>
          ))}
        </ol>
      </section>

      <section aria-labelledby="answer-h">
        <h2 id="answer-h">{t('pc.answers.page.form')}</h2>
        {canWrite ? (
          <form method="post" action={action} id="answer-form" novalidate>
            {csrf}
            {lock}
            <TextArea
              ctx={ctx}
              id="answer"
              name="answer"
              label={t('pc.answers.field.answer')}
              hint={t('pc.answers.field.answerHint')}
              errors={errors}
              value={values.answer}
              required
              rows={8}
            />
            <div class={`field${reflectionError ? ' field--error' : ''}`}>
              <fieldset
                aria-describedby={['reflection-hint', reflectionError ? 'reflection-error' : '']
                  .filter(Boolean)
                  .join(' ')}
              >
                <legend>
                  {t('pc.answers.field.reflection')}
                  <span class="req">{t('form.required')}</span>
                </legend>
                <p class="hint" id="reflection-hint">
                  {t('pc.answers.field.reflectionHint')}
                </p>
                {reflectionError ? (
                  <p class="field-error" id="reflection-error">
                    <span class="visually-hidden">{t('form.errorPrefix')}</span>
                    {reflectionError}
                  </p>
                ) : null}
                {REFLECTIONS.map((r, i) => {
                  const id = i === 0 ? 'reflection' : `reflection-${r}`;
                  return (
                    <div class="choice" key={r}>
                      <input
                        type="radio"
                        id={id}
                        name="reflection"
                        value={r}
                        checked={values.reflection === r}
                      />
                      <label for={id}>{t(`consultation.reflection.${r}`)}</label>
                    </div>
                  );
                })}
              </fieldset>
            </div>
            <TextArea
              ctx={ctx}
              id="draftChange"
              name="draftChange"
              label={t('pc.answers.field.draftChange')}
              hint={t('pc.answers.field.draftChangeHint')}
              errors={errors}
              value={values.draftChange}
              required={false}
              rows={4}
            />
            <div class="pc-answers__buttons">
              {commands.includes('saveDraft') ? (
                <button type="submit" class="button button--secondary">
                  {t('pc.answers.action.saveDraft')}
                </button>
              ) : null}
              {commands.includes('submit') ? (
                <button type="submit" class="button" name="intent" value="submit">
                  {t('pc.answers.action.submit')}
                </button>
              ) : null}
            </div>
          </form>
        ) : (
          <>
            <p>{t('pc.answers.readonly')}</p>
            <dl class="pc-answers__readonly">
              <dt>{t('pc.answers.field.answer')}</dt>
              <dd class="pc-result__text">{group.answer || t('pc.answers.notSet')}</dd>
              <dt>{t('pc.answers.field.reflection')}</dt>
              <dd>
                {group.reflection ? t(`consultation.reflection.${group.reflection}`) : t('pc.answers.notSet')}
              </dd>
              <dt>{t('pc.answers.field.draftChange')}</dt>
              <dd class="pc-result__text">{group.draftChange || t('pc.answers.notSet')}</dd>
            </dl>
          </>
        )}
        {sent ? (
          <details class="pc-answers__sent" open>
            <summary>{t('pc.answers.conflict.sent')}</summary>
            <dl>
              <dt>{t('pc.answers.field.answer')}</dt>
              <dd class="pc-result__text">{sent.answer || t('pc.answers.notSet')}</dd>
              <dt>{t('pc.answers.field.reflection')}</dt>
              <dd>
                {sent.reflection ? t(`consultation.reflection.${sent.reflection}`) : t('pc.answers.notSet')}
              </dd>
              <dt>{t('pc.answers.field.draftChange')}</dt>
              <dd class="pc-result__text">{sent.draftChange || t('pc.answers.notSet')}</dd>
            </dl>
          </details>
        ) : null}
      </section>

      {commands.includes('approve') || commands.includes('return') || commands.includes('reopen') ? (
        <section aria-labelledby="review-h">
          <h2 id="review-h">{t('pc.answers.review')}</h2>
          {commands.includes('approve') ? (
            <form method="post" action={`${action}/approve`} id="approve-form">
              {csrf}
              {lock}
              <button type="submit" class="button">
                {t('pc.answers.action.approve')}
              </button>
            </form>
          ) : null}
          {commands.includes('return') ? (
            <form method="post" action={`${action}/return`} id="return-form" novalidate>
              {csrf}
              {lock}
              <TextArea
                ctx={ctx}
                id="remark"
                name="remark"
                label={t('pc.answers.field.remark')}
                hint={t('pc.answers.field.remarkHint')}
                errors={errors}
                value={remark}
                required
                rows={3}
              />
              <button type="submit" class="button button--secondary">
                {t('pc.answers.action.return')}
              </button>
            </form>
          ) : null}
          {commands.includes('reopen') ? (
            <form method="post" action={`${action}/reopen`} id="reopen-form">
              {csrf}
              {lock}
              <p class="hint">{t('pc.answers.action.reopenHint')}</p>
              <button type="submit" class="button button--secondary">
                {t('pc.answers.action.reopen')}
              </button>
            </form>
          ) : null}
        </section>
      ) : null}
      <p>
        <a href={`${base}/answers`}>{t('pc.answers.list.title')}</a>
      </p>
    </Layout>
  );
}
