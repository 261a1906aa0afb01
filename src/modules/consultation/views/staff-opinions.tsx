import {
  highlightSegments,
  normalizeForSearch,
  snippetAround,
  type TextSegment,
} from '../../../shared/text.ts';
import type { PageContext } from '../../../web/context.ts';
import { CsrfInput, ErrorSummary, type FieldErrors } from '../../../web/forms.tsx';
import { Layout } from '../../../web/layout.tsx';
import { CATEGORIES, CHANNELS, type Consultation, OPINION_STATES } from '../consultation.types.ts';
import type { TriageContext, TriageFilters, TriagePage } from '../triage.service.ts';
import { consultationCrumbs, formatDate, hubPath, sectionName } from './staff-common.tsx';

/**
 * snippetAround + highlightSegments for a row of the list. Both map the normalised text back to the text
 * as written, one character at a time (about 0.1 ms a row: 8 ms of a page of 50 with a search). Most text
 * is already in its search form (Japanese without full-width Latin or half-width kana): then the map is the
 * identity, and the same snippet and segments come from plain indexOf. Otherwise, the shared functions.
 */
export function snippetSegments(body: string, terms: readonly string[], radius: number): TextSegment[] {
  if (terms.length === 0) return [{ text: snippetAround(body, terms, radius), match: false }];
  if (normalizeForSearch(body) !== body) return highlightSegments(snippetAround(body, terms, radius), terms);
  let s = body;
  const chars = [...body];
  if (chars.length > radius * 2) {
    let first = -1;
    for (const t of terms) {
      const at = body.indexOf(t);
      if (at >= 0 && (first < 0 || at < first)) first = at;
    }
    if (first < 0) s = `${chars.slice(0, radius * 2).join('')}…`;
    else {
      const cp = [...body.slice(0, first)].length;
      const start = Math.max(0, cp - radius);
      const end = Math.min(chars.length, cp + radius);
      s = `${start > 0 ? '…' : ''}${chars.slice(start, end).join('')}${end < chars.length ? '…' : ''}`;
    }
  }
  const marks: Array<[number, number]> = [];
  for (const t of terms) {
    if (t === '') continue;
    for (let at = s.indexOf(t); at >= 0; at = s.indexOf(t, at + 1)) marks.push([at, at + t.length]);
  }
  if (marks.length === 0) return [{ text: s, match: false }];
  marks.sort((a, b) => a[0] - b[0]);
  const out: TextSegment[] = [];
  let pos = 0;
  let open: [number, number] | null = null;
  const flush = () => {
    if (!open) return;
    if (open[0] > pos) out.push({ text: s.slice(pos, open[0]), match: false });
    out.push({ text: s.slice(open[0], open[1]), match: true });
    pos = open[1];
  };
  for (const m of marks) {
    if (open && m[0] <= open[1]) open[1] = Math.max(open[1], m[1]);
    else {
      flush();
      open = [m[0], m[1]];
    }
  }
  flush();
  if (pos < s.length) out.push({ text: s.slice(pos), match: false });
  return out;
}

/** The filters as a query string (without the cursor unless given). */
export function triageQuery(f: TriageFilters, before: number | null = null): string {
  const p = new URLSearchParams();
  if (f.q !== '') p.set('q', f.q);
  if (f.section !== null) p.set('section', String(f.section));
  if (f.state !== null) p.set('state', f.state);
  if (f.channel !== null) p.set('channel', f.channel);
  if (f.category !== null) p.set('category', f.category);
  if (f.department !== null) p.set('department', String(f.department));
  if (f.group !== null) p.set('group', f.group);
  if (before !== null) p.set('before', String(before));
  const s = p.toString();
  return s === '' ? '' : `?${s}`;
}

function Select({
  id,
  label,
  value,
  options,
}: {
  id: string;
  label: string;
  value: string;
  options: Array<[string, string]>;
}) {
  return (
    <div class="field pcs-filter">
      <label for={id}>{label}</label>
      <select class="input" id={id} name={id}>
        {options.map(([v, l]) => (
          <option key={v} value={v} selected={v === value}>
            {l}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The triage list: filters (a GET form), the total, one page of opinions, bulk actions for planners. */
export function StaffTriageListPage({
  ctx,
  consultation,
  context,
  filters: f,
  problems,
  page,
  canTriage,
  canSeePersonal,
  notice,
}: {
  ctx: PageContext;
  consultation: Consultation;
  context: TriageContext;
  filters: TriageFilters;
  /** Filters that were not valid (shown, and not applied). */
  problems: FieldErrors;
  page: TriagePage;
  canTriage: boolean;
  canSeePersonal: boolean;
  notice?: string | undefined;
}) {
  const { t } = ctx;
  const base = `${hubPath(consultation.id)}/opinions`;
  const title = t('pc.staff.triage.title', { title: consultation.title });
  const any = t('pc.staff.triage.any');
  const deptName = new Map(context.departments.map((d) => [d.id, d.name]));
  const total = page.capped
    ? t('pc.staff.triage.totalCapped', { n: page.total.toLocaleString('ja-JP') })
    : t('pc.staff.triage.total', { n: page.total.toLocaleString('ja-JP') });
  const enabled = context.departments.filter((d) => !d.disabled);
  const rows = page.rows;
  return (
    <Layout
      ctx={ctx}
      title={title}
      section="staff"
      crumbs={consultationCrumbs(ctx, consultation, [{ href: base, label: t('pc.staff.hub.triage') }])}
    >
      <ErrorSummary t={t} errors={problems} />
      <h1>{title}</h1>
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
      <form method="get" action={base} class="pcs-filters" aria-labelledby="filters-h">
        <h2 id="filters-h">{t('pc.staff.triage.filters')}</h2>
        <div class="field pcs-filter pcs-filter--wide">
          <label for="q">{t('pc.staff.triage.q')}</label>
          <p class="hint" id="q-hint">
            {t('pc.staff.triage.qHint')}
          </p>
          <input
            class="input"
            type="search"
            id="q"
            name="q"
            value={f.q}
            maxLength={200}
            aria-describedby="q-hint"
          />
        </div>
        <Select
          id="section"
          label={t('pc.staff.triage.section')}
          value={f.section === null ? '' : String(f.section)}
          options={[
            ['', any],
            ['whole', t('consultation.wholePlan')],
            ...context.sections.map((s): [string, string] => [String(s.id), s.label]),
          ]}
        />
        <Select
          id="state"
          label={t('pc.staff.triage.state')}
          value={f.state ?? ''}
          options={[
            ['', t('pc.staff.triage.anyState')],
            ...OPINION_STATES.map((s): [string, string] => [s, t(`consultation.opinionState.${s}`)]),
          ]}
        />
        <Select
          id="channel"
          label={t('pc.staff.triage.channel')}
          value={f.channel ?? ''}
          options={[['', any], ...CHANNELS.map((s): [string, string] => [s, t(`consultation.channel.${s}`)])]}
        />
        <Select
          id="category"
          label={t('pc.staff.triage.category')}
          value={f.category ?? ''}
          options={[
            ['', any],
            ...CATEGORIES.map((s): [string, string] => [s, t(`consultation.category.${s}`)]),
          ]}
        />
        <Select
          id="department"
          label={t('pc.staff.triage.department')}
          value={f.department === null ? '' : String(f.department)}
          options={[
            ['', any],
            ['none', t('pc.staff.triage.noDepartment')],
            ...context.departments.map((d): [string, string] => [String(d.id), d.name]),
          ]}
        />
        <Select
          id="group"
          label={t('pc.staff.triage.group')}
          value={f.group ?? ''}
          options={[
            ['', any],
            ['grouped', t('pc.staff.triage.grouped')],
            ['ungrouped', t('pc.staff.triage.ungrouped')],
          ]}
        />
        <p class="pcs-filters__actions">
          <button type="submit" class="button">
            {t('pc.staff.triage.apply')}
          </button>{' '}
          <a href={base}>{t('pc.staff.triage.clear')}</a>
        </p>
      </form>
      <section aria-labelledby="results-h">
        <h2 id="results-h" class="pcs-total">
          {total}
        </h2>
        {rows.length === 0 ? (
          <p>{t('pc.staff.triage.empty')}</p>
        ) : (
          <form method="post" action={`${base}/bulk`} id="bulk-form">
            <CsrfInput token={ctx.csrfToken ?? ''} />
            <input type="hidden" name="back" value={triageQuery(f, f.before)} />
            {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard */}
            <section class="table-scroll" aria-labelledby="results-h" tabIndex={0}>
              <table class="pcs-table pcs-triage">
                <caption>{t('pc.staff.triage.caption', { from: f.before === null ? 1 : '…' })}</caption>
                <thead>
                  <tr>
                    {canTriage ? <th scope="col">{t('pc.staff.triage.col.select')}</th> : null}
                    <th scope="col">{t('pc.staff.triage.col.id')}</th>
                    <th scope="col">{t('pc.staff.triage.col.body')}</th>
                    <th scope="col">{t('pc.staff.triage.col.section')}</th>
                    <th scope="col">{t('pc.staff.triage.col.state')}</th>
                    <th scope="col">{t('pc.staff.triage.col.channel')}</th>
                    <th scope="col">{t('pc.staff.triage.col.department')}</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <tr key={r.id}>
                      {canTriage ? (
                        <td>
                          <input
                            type="checkbox"
                            name="ids"
                            value={String(r.id)}
                            id={`sel-${r.id}`}
                            aria-label={t('pc.staff.triage.selectOpinion', { id: r.id })}
                          />
                        </td>
                      ) : null}
                      <th scope="row">
                        <a href={`${base}/${r.id}`}>{r.id}</a>
                      </th>
                      <td class="pcs-body">
                        {snippetSegments(r.body, f.terms, 80).map((x, i) =>
                          x.match ? <mark key={i}>{x.text}</mark> : x.text,
                        )}
                        {r.splitFrom !== null ? (
                          <span class="tag">{t('pc.staff.triage.splitFrom', { id: r.splitFrom })}</span>
                        ) : null}
                        {canSeePersonal ? (
                          <>
                            {' '}
                            <a
                              class="pcs-small"
                              href={`${hubPath(consultation.id)}/submissions/${r.submissionId}`}
                            >
                              {t('pc.staff.triage.submission')}
                            </a>
                          </>
                        ) : null}
                      </td>
                      <td>{sectionName(ctx, context.sections, r.nodeId)}</td>
                      <td>
                        <span class={`tag pcs-state pcs-state--${r.state}`}>
                          {t(`consultation.opinionState.${r.state}`)}
                        </span>
                        {r.exclusionReason ? (
                          <span class="pcs-small"> {t(`consultation.exclusion.${r.exclusionReason}`)}</span>
                        ) : null}
                        {r.groupId !== null ? (
                          <span class="pcs-small">
                            {' '}
                            {t('pc.staff.triage.grouped.tag', { id: r.groupId })}
                          </span>
                        ) : null}
                      </td>
                      <td>
                        {t(`consultation.channel.${r.channel}`)}
                        <br />
                        {formatDate(ctx, r.receivedOn)}
                      </td>
                      <td>
                        {r.departmentId === null
                          ? t('pc.staff.triage.noDepartment')
                          : (deptName.get(r.departmentId) ?? '')}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
            {canTriage ? (
              <fieldset class="pcs-fieldset pcs-bulk">
                <legend>{t('pc.staff.triage.bulk')}</legend>
                <button type="submit" class="button button--secondary" name="action" value="accept">
                  {t('pc.staff.triage.bulkAccept')}
                </button>
                <div class="field pcs-filter">
                  <label for="bulk-department">{t('pc.staff.triage.department')}</label>
                  <select class="input" id="bulk-department" name="department">
                    <option value="">{t('pc.staff.triage.noDepartment')}</option>
                    {enabled.map((d) => (
                      <option key={d.id} value={String(d.id)}>
                        {d.name}
                      </option>
                    ))}
                  </select>
                </div>
                <button type="submit" class="button button--secondary" name="action" value="department">
                  {t('pc.staff.triage.bulkDepartment')}
                </button>
              </fieldset>
            ) : null}
          </form>
        )}
        {page.nextBefore !== null || f.before !== null ? (
          <nav class="pager" aria-label={t('pc.staff.triage.pager')}>
            <ul>
              {f.before !== null ? (
                <li>
                  <a href={`${base}${triageQuery(f)}`}>{t('pc.staff.triage.first')}</a>
                </li>
              ) : null}
              {page.nextBefore !== null ? (
                <li class="pager__next">
                  <a href={`${base}${triageQuery(f, page.nextBefore)}`}>
                    {t('pc.staff.triage.next', { n: rows.length })}
                  </a>
                </li>
              ) : null}
            </ul>
          </nav>
        ) : null}
      </section>
    </Layout>
  );
}
