import type { PageContext } from '../../../web/context.ts';
import { CsrfInput, ErrorSummary, errorFor, type FieldErrors } from '../../../web/forms.tsx';
import { Layout } from '../../../web/layout.tsx';
import { formatAuditTime } from '../../audit/views/audit-log-page.tsx';
import {
  groupable,
  type OpenSuggestion,
  type SuggestionCounts,
  type SuggestionRun,
} from '../grouping.service.ts';
import {
  base,
  type GroupingPageData,
  groupingCrumbs,
  Notice,
  OpinionBody,
  Pager,
  sectionLabel,
} from './grouping-common.tsx';

export const SUGGESTIONS_PAGE_SIZE = 20;

const seconds = (ms: number) => (ms / 1000).toFixed(1);

function SuggestionBlock({
  ctx,
  data,
  s,
  n,
  errors,
}: {
  ctx: PageContext;
  data: GroupingPageData;
  s: OpenSuggestion;
  n: number;
  errors: FieldErrors;
}) {
  const { t } = ctx;
  const id = `suggestion-${s.id}`;
  const heading = t('pc.grouping.suggestions.caption', { n, score: s.score.toFixed(2) });
  const error = errorFor(errors, id);
  const intoError = errorFor(errors, `${id}-into`);
  const action = `${base(data.consultation)}/suggestions/${s.id}`;
  const table = (
    <div class="table-scroll">
      <table>
        <caption>{heading}</caption>
        <thead>
          <tr>
            {data.canTriage ? <th scope="col">{t('pc.grouping.col.choose')}</th> : null}
            <th scope="col">{t('pc.grouping.col.opinion')}</th>
            <th scope="col">{t('pc.grouping.col.section')}</th>
            <th scope="col">{t('pc.grouping.col.body')}</th>
          </tr>
        </thead>
        <tbody>
          {s.opinions.map((o) => {
            const ok = groupable(o);
            const box = `${id}-o${o.id}`;
            return (
              <tr key={o.id}>
                {data.canTriage ? (
                  <td>
                    <input
                      type="checkbox"
                      id={box}
                      name="opinion"
                      value={String(o.id)}
                      checked={ok}
                      disabled={!ok}
                      aria-describedby={ok ? undefined : `${box}-note`}
                    />
                    <label for={box} class="visually-hidden">
                      {t('pc.grouping.groups.ungrouped.pick', { opinion: o.id })}
                    </label>
                  </td>
                ) : null}
                <th scope="row">{o.id}</th>
                <td>{sectionLabel(ctx, data, o.nodeId)}</td>
                <td>
                  <OpinionBody body={o.body} />
                  {ok ? null : (
                    <p class="hint" id={`${box}-note`}>
                      {t('pc.grouping.suggestions.unavailable')}
                    </p>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
  return (
    <section class="grouping-suggestion" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{heading}</h2>
      {data.canTriage ? (
        <form method="post" action={`${action}/accept`} novalidate>
          <CsrfInput token={ctx.csrfToken ?? ''} />
          <input type="hidden" name="choose" value="1" />
          <div class={`field${error ? ' field--error' : ''}`}>
            <fieldset
              id={id}
              aria-describedby={[`${id}-hint`, error ? `${id}-error` : ''].filter(Boolean).join(' ')}
            >
              <legend>{t('pc.grouping.suggestions.pick', { n })}</legend>
              <p class="hint" id={`${id}-hint`}>
                {t('pc.grouping.suggestions.pickHint')}
              </p>
              {error ? (
                <p class="field-error" id={`${id}-error`}>
                  <span class="visually-hidden">{t('form.errorPrefix')}</span>
                  {error}
                </p>
              ) : null}
              {table}
            </fieldset>
          </div>
          <div class={`field${intoError ? ' field--error' : ''}`}>
            <label for={`${id}-into`}>
              {t('pc.grouping.suggestions.into')}
              <span class="opt">{t('form.optional')}</span>
            </label>
            <p class="hint" id={`${id}-into-hint`}>
              {t('pc.grouping.suggestions.intoHint')}
            </p>
            {intoError ? (
              <p class="field-error" id={`${id}-into-error`}>
                <span class="visually-hidden">{t('form.errorPrefix')}</span>
                {intoError}
              </p>
            ) : null}
            <input
              class="input grouping-number"
              type="text"
              inputMode="numeric"
              id={`${id}-into`}
              name="into"
              aria-describedby={`${id}-into-hint${intoError ? ` ${id}-into-error` : ''}`}
              aria-invalid={intoError ? 'true' : undefined}
            />
          </div>
          <button type="submit" class="button">
            {t('pc.grouping.suggestions.accept')}
          </button>
        </form>
      ) : (
        table
      )}
      {data.canTriage ? (
        <form method="post" action={`${action}/refuse`} class="grouping-refuse">
          <CsrfInput token={ctx.csrfToken ?? ''} />
          <button type="submit" class="button button--secondary" aria-describedby={`${id}-h`}>
            {t('pc.grouping.suggestions.refuse')}
          </button>
        </form>
      ) : null}
    </section>
  );
}

/** The open suggestions of a consultation, to accept (all or part, new group or existing) or refuse. */
export function SuggestionsPage({
  ctx,
  data,
  counts,
  items,
  page,
  lastRun,
  notice,
  errors,
}: {
  ctx: PageContext;
  data: GroupingPageData;
  counts: SuggestionCounts;
  items: OpenSuggestion[];
  page: number;
  lastRun: SuggestionRun | null;
  notice?: string | undefined;
  errors: FieldErrors;
}) {
  const { t } = ctx;
  const c = data.consultation;
  const title = t('pc.grouping.suggestions.title');
  const url = `${base(c)}/suggestions`;
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
      <p>{t('pc.grouping.suggestions.intro')}</p>
      <p>
        {lastRun
          ? t('pc.grouping.suggestions.lastRun', {
              at: formatAuditTime(ctx, lastRun.at),
              count: lastRun.opinions,
              suggestions: lastRun.suggestions,
              seconds: seconds(lastRun.ms),
            })
          : t('pc.grouping.suggestions.neverRun')}
      </p>
      {data.canTriage ? (
        <form method="post" action={`${url}/run`} class="grouping-run">
          <CsrfInput token={ctx.csrfToken ?? ''} />
          <p class="hint" id="run-hint">
            {t('pc.grouping.suggestions.runHint')}
          </p>
          <button type="submit" class="button button--secondary" aria-describedby="run-hint">
            {t('pc.grouping.suggestions.run')}
          </button>
        </form>
      ) : null}
      <p>
        {t('pc.grouping.suggestions.count', {
          open: counts.open,
          accepted: counts.accepted,
          refused: counts.refused,
        })}
      </p>
      {items.length === 0 ? <p>{t('pc.grouping.suggestions.none')}</p> : null}
      {items.map((s, i) => (
        <SuggestionBlock
          key={s.id}
          ctx={ctx}
          data={data}
          s={s}
          n={(page - 1) * SUGGESTIONS_PAGE_SIZE + i + 1}
          errors={errors}
        />
      ))}
      <Pager
        ctx={ctx}
        page={page}
        pageSize={SUGGESTIONS_PAGE_SIZE}
        total={counts.open}
        href={(p) => `${url}?page=${p}`}
        label={title}
      />
      <p>
        <a href={`${base(c)}/groups`}>{t('pc.grouping.groups.title')}</a>
      </p>
      <p>
        <a href={base(c)}>{t('pc.grouping.back')}</a>
      </p>
    </Layout>
  );
}
