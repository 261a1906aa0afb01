import type { PageContext } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import type { AnswerListRow } from '../answers.service.ts';
import type { Consultation } from '../consultation.types.ts';
import { ANSWER_STATES, type AnswerState } from '../consultation.types.ts';

/** The answers of a consultation: one row per group to answer, with filters and counts per state. */
export function AnswerListPage({
  ctx,
  consultation,
  rows,
  counts,
  sectionLabel,
  filters,
  canFilterMine,
  canPublish,
  notice,
}: {
  ctx: PageContext;
  consultation: Consultation;
  rows: AnswerListRow[];
  counts: Record<AnswerState, number>;
  sectionLabel: (nodeId: number | null) => string;
  filters: { state: AnswerState | null; mine: boolean };
  canFilterMine: boolean;
  canPublish: boolean;
  notice?: string | undefined;
}) {
  const { t } = ctx;
  const base = `/staff/consultations/${consultation.id}`;
  const title = t('pc.answers.list.title');
  const filterUrl = (state: AnswerState) => `${base}/answers?state=${state}${filters.mine ? '&mine=1' : ''}`;
  return (
    <Layout
      ctx={ctx}
      title={`${title}：${consultation.title}`}
      section="staff"
      crumbs={[
        { href: '/staff', label: t('staff.home.title') },
        { href: '/staff/consultations', label: t('consultation.staff.list') },
        { href: base, label: consultation.title },
        { href: `${base}/answers`, label: title },
      ]}
    >
      <p class="eyebrow">{consultation.title}</p>
      <h1>{title}</h1>
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
      <p>{t('pc.answers.list.lead')}</p>
      <section aria-labelledby="counts-h">
        <h2 id="counts-h">{t('pc.answers.list.counts')}</h2>
        <ul class="pc-answers__counts">
          {ANSWER_STATES.map((s) => (
            <li key={s}>
              <a href={filterUrl(s)} aria-current={filters.state === s ? 'true' : undefined}>
                {t('pc.answers.list.countLine', { state: t(`consultation.answerState.${s}`), n: counts[s] })}
              </a>
            </li>
          ))}
        </ul>
      </section>
      <form method="get" action={`${base}/answers`} class="pc-answers__filters" aria-labelledby="filters-h">
        <h2 id="filters-h">{t('pc.answers.list.filters')}</h2>
        <div class="field">
          <label for="state">{t('pc.answers.list.state')}</label>
          <select class="input" id="state" name="state">
            <option value="">{t('pc.answers.list.stateAll')}</option>
            {ANSWER_STATES.map((s) => (
              <option key={s} value={s} selected={filters.state === s}>
                {t(`consultation.answerState.${s}`)}
              </option>
            ))}
          </select>
        </div>
        {canFilterMine ? (
          <div class="field">
            <label class="checkbox" for="mine">
              <input type="checkbox" id="mine" name="mine" value="1" checked={filters.mine} />{' '}
              {t('pc.answers.list.mine')}
            </label>
          </div>
        ) : null}
        <button type="submit" class="button button--secondary">
          {t('pc.answers.list.apply')}
        </button>
      </form>
      {rows.length === 0 ? (
        <p>{t('pc.answers.list.empty')}</p>
      ) : (
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
        <section class="table-scroll" aria-labelledby="answers-caption" tabIndex={0}>
          <table class="pc-answers__table">
            <caption id="answers-caption">{t('pc.answers.list.caption', { n: rows.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('pc.answers.list.section')}</th>
                <th scope="col">{t('pc.answers.list.summary')}</th>
                <th scope="col">{t('pc.answers.list.opinions')}</th>
                <th scope="col">{t('pc.answers.list.department')}</th>
                <th scope="col">{t('pc.answers.list.stateColumn')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  <th scope="row">
                    <a href={`${base}/groups/${r.id}/answer`}>
                      {sectionLabel(r.nodeId)}
                      <span class="visually-hidden">{t('pc.answers.list.open', { id: r.id })}</span>
                    </a>
                  </th>
                  <td>{r.summary.trim() === '' ? t('pc.answers.list.noSummary') : r.summary}</td>
                  <td class="num">{r.opinionCount}</td>
                  <td>{r.departmentName ?? t('pc.answers.list.noDepartment')}</td>
                  <td>
                    <span class={`badge pc-state pc-state--${r.state}`}>
                      {t(`consultation.answerState.${r.state}`)}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      <ul class="admin-nav-list">
        {canPublish ? (
          <li>
            <a href={`${base}/publish`}>{t('pc.answers.list.publish')}</a>
          </li>
        ) : null}
        <li>
          <a href={base}>{t('pc.answers.back')}</a>
        </li>
      </ul>
    </Layout>
  );
}
