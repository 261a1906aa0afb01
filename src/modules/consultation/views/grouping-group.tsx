import type { PageContext } from '../../../web/context.ts';
import { CsrfInput, ErrorSummary, errorFor, Field, type FieldErrors } from '../../../web/forms.tsx';
import type { MessageKey } from '../../../web/i18n/messages.ts';
import { Layout } from '../../../web/layout.tsx';
import {
  type GroupDetail,
  type GroupForm,
  type SectionOption,
  SUMMARY_MAX_CHARS,
} from '../grouping.service.ts';
import {
  base,
  departmentLabel,
  type GroupingPageData,
  groupingCrumbs,
  Notice,
  OpinionBody,
  sectionLabel,
} from './grouping-common.tsx';

/** One group: its summary, section and department (a form for planners), and its opinions. */
export function GroupPage({
  ctx,
  data,
  group,
  sectionOptions,
  departmentOptions,
  values,
  notice,
  errors,
}: {
  ctx: PageContext;
  data: GroupingPageData;
  group: GroupDetail;
  sectionOptions: SectionOption[];
  departmentOptions: ReadonlyArray<{ id: number; name: string; disabled: boolean }>;
  /** What the form shows: the saved group, or what was sent when the form failed. */
  values: GroupForm;
  notice?: string | undefined;
  errors: FieldErrors;
}) {
  const { t } = ctx;
  const c = data.consultation;
  const title = t('pc.grouping.group.title', { group: group.id });
  const url = `${base(c)}/groups/${group.id}`;
  const approved = group.answerState === 'approved';
  const editable = data.canTriage && !approved;
  const summaryError = errorFor(errors, 'summary');
  const sectionError = errorFor(errors, 'section');
  const departmentError = errorFor(errors, 'department');
  const formError = errorFor(errors, 'group-form');
  const membersError = errorFor(errors, 'members');
  const opinionError = errorFor(errors, 'opinion');
  const lock = String(group.lockVersion);
  return (
    <Layout
      ctx={ctx}
      title={title}
      error={errors.length > 0}
      section="staff"
      crumbs={groupingCrumbs(ctx, c, [
        { href: `${base(c)}/groups`, label: t('pc.grouping.groups.title') },
        { href: url, label: title },
      ])}
    >
      <ErrorSummary t={t} errors={errors} />
      <Notice text={notice} />
      <p class="eyebrow">{c.title}</p>
      <h1>{title}</h1>
      <p>
        {t('pc.grouping.group.answerState', {
          state: t(`consultation.answerState.${group.answerState}` as MessageKey),
        })}{' '}
        <a href={`${url}/answer`}>{t('pc.grouping.group.answerLink')}</a>
      </p>
      {approved ? (
        <p>
          <strong>{t('pc.grouping.group.approvedNote')}</strong>
        </p>
      ) : null}
      {editable ? (
        <form method="post" action={url} id="group-form" novalidate tabIndex={-1}>
          <CsrfInput token={ctx.csrfToken ?? ''} />
          <input type="hidden" name="lock_version" value={lock} />
          {formError ? (
            <p class="field-error">
              <span class="visually-hidden">{t('form.errorPrefix')}</span>
              {formError}
            </p>
          ) : null}
          <Field
            t={t}
            id="summary"
            label={t('pc.grouping.group.summary')}
            hint={t('pc.grouping.group.summaryHint', { max: SUMMARY_MAX_CHARS })}
            error={summaryError}
            required={false}
          >
            {(describedBy) => (
              <textarea
                class="input"
                id="summary"
                name="summary"
                rows={6}
                aria-describedby={describedBy}
                aria-invalid={summaryError ? 'true' : undefined}
              >
                {values.summary}
              </textarea>
            )}
          </Field>
          <Field t={t} id="section" label={t('pc.grouping.group.section')} error={sectionError}>
            {(describedBy) => (
              <select
                class="input"
                id="section"
                name="section"
                aria-describedby={describedBy}
                aria-invalid={sectionError ? 'true' : undefined}
              >
                <option value="whole" selected={values.nodeId === null}>
                  {t('consultation.wholePlan')}
                </option>
                {sectionOptions.map((s) => (
                  <option key={s.id} value={String(s.id)} selected={values.nodeId === s.id}>
                    {s.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field
            t={t}
            id="department"
            label={t('pc.grouping.group.department')}
            error={departmentError}
            required={false}
          >
            {(describedBy) => (
              <select
                class="input"
                id="department"
                name="department"
                aria-describedby={describedBy}
                aria-invalid={departmentError ? 'true' : undefined}
              >
                <option value="">{t('pc.grouping.group.noDepartment')}</option>
                {departmentOptions
                  .filter((d) => !d.disabled || d.id === values.departmentId)
                  .map((d) => (
                    <option key={d.id} value={String(d.id)} selected={values.departmentId === d.id}>
                      {d.name}
                    </option>
                  ))}
              </select>
            )}
          </Field>
          <button type="submit" class="button">
            {t('pc.grouping.group.save')}
          </button>
        </form>
      ) : (
        <dl class="plan-meta">
          <div>
            <dt>{t('pc.grouping.group.summary')}</dt>
            <dd>{group.summary === '' ? t('pc.grouping.groups.noSummary') : group.summary}</dd>
          </div>
          <div>
            <dt>{t('pc.grouping.group.section')}</dt>
            <dd>{sectionLabel(ctx, data, group.nodeId)}</dd>
          </div>
          <div>
            <dt>{t('pc.grouping.group.department')}</dt>
            <dd>{departmentLabel(ctx, data, group.departmentId)}</dd>
          </div>
        </dl>
      )}
      <section aria-labelledby="members-h" id="members" tabIndex={-1}>
        <h2 id="members-h">{t('pc.grouping.group.members')}</h2>
        {membersError ? (
          <p class="field-error">
            <span class="visually-hidden">{t('form.errorPrefix')}</span>
            {membersError}
          </p>
        ) : null}
        <div class="table-scroll">
          <table>
            <caption>
              {t('pc.grouping.group.membersCaption', { group: group.id, n: group.members.length })}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t('pc.grouping.col.opinion')}</th>
                <th scope="col">{t('pc.grouping.col.section')}</th>
                <th scope="col">{t('pc.grouping.col.body')}</th>
                {editable ? <th scope="col">{t('pc.grouping.col.actions')}</th> : null}
              </tr>
            </thead>
            <tbody>
              {group.members.map((o) => (
                <tr key={o.id}>
                  <th scope="row">{o.id}</th>
                  <td>{sectionLabel(ctx, data, o.nodeId)}</td>
                  <td>
                    <OpinionBody body={o.body} />
                  </td>
                  {editable ? (
                    <td>
                      <form method="post" action={`${url}/members`}>
                        <CsrfInput token={ctx.csrfToken ?? ''} />
                        <input type="hidden" name="action" value="remove" />
                        <input type="hidden" name="opinion" value={String(o.id)} />
                        <input type="hidden" name="lock_version" value={lock} />
                        <button type="submit" class="button button--secondary">
                          {t('pc.grouping.group.remove', { opinion: o.id })}
                        </button>
                      </form>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {editable ? (
          <form method="post" action={`${url}/members`} novalidate>
            <CsrfInput token={ctx.csrfToken ?? ''} />
            <input type="hidden" name="action" value="add" />
            <input type="hidden" name="lock_version" value={lock} />
            <Field
              t={t}
              id="opinion"
              label={t('pc.grouping.group.addOpinion')}
              hint={t('pc.grouping.group.addOpinionHint')}
              error={opinionError}
            >
              {(describedBy) => (
                <input
                  class="input grouping-number"
                  type="text"
                  inputMode="numeric"
                  id="opinion"
                  name="opinion"
                  aria-describedby={describedBy}
                  aria-invalid={opinionError ? 'true' : undefined}
                />
              )}
            </Field>
            <button type="submit" class="button button--secondary">
              {t('pc.grouping.group.addSubmit')}
            </button>
          </form>
        ) : null}
      </section>
      <p>
        <a href={`${base(c)}/groups`}>{t('pc.grouping.groups.title')}</a>
      </p>
    </Layout>
  );
}
