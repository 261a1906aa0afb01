import type { PageContext } from '../../../web/context.ts';
import { CsrfInput, ErrorSummary, errorFor, type FieldErrors } from '../../../web/forms.tsx';
import type { MessageKey } from '../../../web/i18n/messages.ts';
import { Layout } from '../../../web/layout.tsx';
import type { GroupingOpinion, GroupSummary } from '../grouping.service.ts';
import {
  base,
  departmentLabel,
  type GroupingPageData,
  groupingCrumbs,
  Notice,
  OpinionBody,
  Pager,
  sectionLabel,
} from './grouping-common.tsx';

export const GROUPS_PAGE_SIZE = 50;

/** The first characters of a summary for the list. */
function excerpt(s: string, n = 80): string {
  const chars = [...s];
  return chars.length > n ? `${chars.slice(0, n).join('')}…` : s;
}

function GroupsTable({
  ctx,
  data,
  items,
  total,
}: {
  ctx: PageContext;
  data: GroupingPageData;
  items: GroupSummary[];
  total: number;
}) {
  const { t } = ctx;
  const c = data.consultation;
  if (items.length === 0) return <p>{t('pc.grouping.groups.none')}</p>;
  return (
    <div class="table-scroll">
      <table>
        <caption>{t('pc.grouping.groups.caption', { total })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('pc.grouping.col.group')}</th>
            <th scope="col">{t('pc.grouping.col.section')}</th>
            <th scope="col">{t('pc.grouping.col.department')}</th>
            <th scope="col">{t('pc.grouping.col.members')}</th>
            <th scope="col">{t('pc.grouping.col.summary')}</th>
            <th scope="col">{t('pc.grouping.col.answerState')}</th>
            <th scope="col">{t('pc.grouping.col.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((g) => (
            <tr key={g.id}>
              <th scope="row">{g.id}</th>
              <td>{sectionLabel(ctx, data, g.nodeId)}</td>
              <td>{departmentLabel(ctx, data, g.departmentId)}</td>
              <td>{g.memberCount}</td>
              <td>{g.summary === '' ? t('pc.grouping.groups.noSummary') : excerpt(g.summary)}</td>
              <td>{t(`consultation.answerState.${g.answerState}` as MessageKey)}</td>
              <td>
                <ul class="grouping-links">
                  <li>
                    <a href={`${base(c)}/groups/${g.id}`}>{t('pc.grouping.groups.edit', { group: g.id })}</a>
                  </li>
                  <li>
                    <a href={`${base(c)}/groups/${g.id}/answer`}>
                      {t('pc.grouping.groups.answer', { group: g.id })}
                    </a>
                  </li>
                </ul>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function UngroupedTable({
  ctx,
  data,
  items,
  total,
}: {
  ctx: PageContext;
  data: GroupingPageData;
  items: GroupingOpinion[];
  total: number;
}) {
  const { t } = ctx;
  return (
    <div class="table-scroll" id="opinions" tabIndex={-1}>
      <table>
        <caption>{t('pc.grouping.groups.ungrouped.caption', { total })}</caption>
        <thead>
          <tr>
            {data.canTriage ? <th scope="col">{t('pc.grouping.col.choose')}</th> : null}
            <th scope="col">{t('pc.grouping.col.opinion')}</th>
            <th scope="col">{t('pc.grouping.col.section')}</th>
            <th scope="col">{t('pc.grouping.col.body')}</th>
            {data.canTriage ? <th scope="col">{t('pc.grouping.col.actions')}</th> : null}
          </tr>
        </thead>
        <tbody>
          {items.map((o) => (
            <tr key={o.id}>
              {data.canTriage ? (
                <td>
                  <input type="checkbox" id={`pick-${o.id}`} name="opinion" value={String(o.id)} />
                  <label for={`pick-${o.id}`} class="visually-hidden">
                    {t('pc.grouping.groups.ungrouped.pick', { opinion: o.id })}
                  </label>
                </td>
              ) : null}
              <th scope="row">{o.id}</th>
              <td>{sectionLabel(ctx, data, o.nodeId)}</td>
              <td>
                <OpinionBody body={o.body} />
              </td>
              {data.canTriage ? (
                <td>
                  <button type="submit" class="button button--secondary" name="alone" value={String(o.id)}>
                    {t('pc.grouping.groups.alone', { opinion: o.id })}
                  </button>
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Every group of a consultation, and the accepted opinions in no group (to group or answer alone). */
export function GroupsPage({
  ctx,
  data,
  groups,
  ungrouped,
  page,
  upage,
  notice,
  errors,
}: {
  ctx: PageContext;
  data: GroupingPageData;
  groups: { total: number; items: GroupSummary[] };
  ungrouped: { total: number; items: GroupingOpinion[] };
  page: number;
  upage: number;
  notice?: string | undefined;
  errors: FieldErrors;
}) {
  const { t } = ctx;
  const c = data.consultation;
  const title = t('pc.grouping.groups.title');
  const url = `${base(c)}/groups`;
  const intoError = errorFor(errors, 'into');
  const opinionsError = errorFor(errors, 'opinions');
  return (
    <Layout
      ctx={ctx}
      title={title}
      error={errors.length > 0}
      section="staff"
      crumbs={groupingCrumbs(ctx, c, [{ href: url, label: title }])}
    >
      <ErrorSummary t={t} errors={errors} />
      <Notice text={notice} />
      <p class="eyebrow">{c.title}</p>
      <h1>{title}</h1>
      <p>{t('pc.grouping.groups.intro')}</p>
      <p>
        <a href={`${base(c)}/suggestions`}>{t('pc.grouping.groups.toSuggestions')}</a>
      </p>
      <GroupsTable ctx={ctx} data={data} items={groups.items} total={groups.total} />
      <Pager
        ctx={ctx}
        page={page}
        pageSize={GROUPS_PAGE_SIZE}
        total={groups.total}
        href={(p) => `${url}?page=${p}&upage=${upage}`}
        label={t('pc.grouping.groups.caption', { total: groups.total })}
      />
      <section aria-labelledby="ungrouped-h">
        <h2 id="ungrouped-h">{t('pc.grouping.groups.ungrouped.title')}</h2>
        {ungrouped.items.length === 0 ? (
          <p>{t('pc.grouping.groups.ungrouped.none')}</p>
        ) : data.canTriage ? (
          <form method="post" action={url} novalidate>
            <CsrfInput token={ctx.csrfToken ?? ''} />
            <div class={`field${intoError ? ' field--error' : ''}`}>
              <label for="into">
                {t('pc.grouping.groups.into')}
                <span class="opt">{t('form.optional')}</span>
              </label>
              {intoError ? (
                <p class="field-error" id="into-error">
                  <span class="visually-hidden">{t('form.errorPrefix')}</span>
                  {intoError}
                </p>
              ) : null}
              <input
                class="input grouping-number"
                type="text"
                inputMode="numeric"
                id="into"
                name="into"
                aria-describedby={intoError ? 'into-error' : undefined}
                aria-invalid={intoError ? 'true' : undefined}
              />
            </div>
            <div class="grouping-actions">
              <button type="submit" class="button" name="action" value="add">
                {t('pc.grouping.groups.add')}
              </button>
              <button type="submit" class="button" name="action" value="create">
                {t('pc.grouping.groups.create')}
              </button>
            </div>
            {opinionsError ? (
              <p class="field-error" id="opinions-error">
                <span class="visually-hidden">{t('form.errorPrefix')}</span>
                {opinionsError}
              </p>
            ) : null}
            <UngroupedTable ctx={ctx} data={data} items={ungrouped.items} total={ungrouped.total} />
          </form>
        ) : (
          <UngroupedTable ctx={ctx} data={data} items={ungrouped.items} total={ungrouped.total} />
        )}
        <Pager
          ctx={ctx}
          page={upage}
          pageSize={GROUPS_PAGE_SIZE}
          total={ungrouped.total}
          href={(p) => `${url}?page=${page}&upage=${p}`}
          label={t('pc.grouping.groups.ungrouped.caption', { total: ungrouped.total })}
        />
      </section>
      <p>
        <a href={base(c)}>{t('pc.grouping.back')}</a>
      </p>
    </Layout>
  );
}
