import { formatDate } from '../../../shared/fiscal-year.ts';
import type { PageContext } from '../../../web/context.ts';
import { ErrorSummary, errorFor, type FieldErrors, TextInput } from '../../../web/forms.tsx';
import { Layout } from '../../../web/layout.tsx';
import type { AuditFilterField } from '../audit.schema.ts';
import type { AuditEntry, AuditJson, AuditPage } from '../audit.service.ts';

/** The filter form's fields as typed (query strings, '' when absent): what the form shows again. */
export type AuditFormValues = Record<AuditFilterField, string>;

/** The fields that narrow the log (not the page position or size): what the CSV export takes. */
export const AUDIT_FILTER_ONLY_FIELDS = [
  'actor',
  'action',
  'resourceType',
  'resourceId',
  'from',
  'to',
  'q',
] as const satisfies readonly AuditFilterField[];

/** The query string (with its `?`, or '' if empty) of the given fields that are not blank. */
export function auditQuery(
  values: Partial<AuditFormValues>,
  fields: readonly AuditFilterField[],
  extra: Record<string, string> = {},
): string {
  const params = new URLSearchParams();
  for (const f of fields) {
    const v = values[f]?.trim();
    if (v) params.set(f, v);
  }
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  const s = params.toString();
  return s ? `?${s}` : '';
}

export interface AuditLogPageProps {
  ctx: PageContext;
  values: AuditFormValues;
  /** The problems of the filters, in form order; the results are not shown when there are any. */
  errors: FieldErrors;
  /** The page of entries (null when the filters are invalid). */
  page: AuditPage | null;
  /** Entries per page, for 「次のn件」. */
  pageSize: number;
  /** Whether the user may export (the CSV link). */
  canExport: boolean;
  /** The largest page size the form accepts, and the default (for the hint). */
  limits: { max: number; default: number };
}

const PATH = '/staff/audit';

/** 2026年11月26日（木） 17:00 in Asia/Tokyo (26 November 2026 17:00 in English). */
export function formatAuditTime(ctx: PageContext, iso: string): string {
  const jst = new Date(new Date(iso).getTime() + 9 * 3600 * 1000);
  const hh = String(jst.getUTCHours()).padStart(2, '0');
  const mm = String(jst.getUTCMinutes()).padStart(2, '0');
  return ctx.t('audit.dateTime', { date: formatDate(iso, ctx.locale), time: `${hh}:${mm}` });
}

function count(ctx: PageContext, n: number): string {
  return new Intl.NumberFormat(ctx.locale === 'en' ? 'en-GB' : 'ja-JP').format(n);
}

function Json({ ctx, value }: { ctx: PageContext; value: AuditJson | null }) {
  if (value === null) return <p>{ctx.t('audit.details.empty')}</p>;
  return <pre class="source-text">{JSON.stringify(value, null, 2)}</pre>;
}

function EntryRow({ ctx, entry }: { ctx: PageContext; entry: AuditEntry }) {
  const { t } = ctx;
  const at = formatAuditTime(ctx, entry.at);
  return (
    <tr>
      <th scope="row">
        <time dateTime={entry.at}>{at}</time>
      </th>
      <td>
        {entry.actor.label}
        {entry.actor.userId === null ? null : (
          <>
            <br />
            {t('audit.actorId', { id: entry.actor.userId })}
          </>
        )}
      </td>
      <td>{entry.ip}</td>
      <td>
        <code>{entry.action}</code>
      </td>
      <td>
        {entry.resource.type}
        <br />
        {t('audit.resourceId', { id: entry.resource.id })}
      </td>
      <td>
        {entry.changedKeys.length === 0
          ? t('audit.changed.none')
          : entry.changedKeys.join(t('audit.changed.separator'))}
      </td>
      <td>
        <details>
          <summary>
            {t('audit.details.show')}
            <span class="visually-hidden">{t('audit.details.rowRef', { at, action: entry.action })}</span>
          </summary>
          <dl>
            <dt>{t('audit.details.before')}</dt>
            <dd>
              <Json ctx={ctx} value={entry.before} />
            </dd>
            <dt>{t('audit.details.after')}</dt>
            <dd>
              <Json ctx={ctx} value={entry.after} />
            </dd>
            <dt>{t('audit.details.requestId')}</dt>
            <dd>
              <code>{entry.requestId}</code>
            </dd>
          </dl>
        </details>
      </td>
    </tr>
  );
}

function FilterForm({
  ctx,
  values,
  errors,
  limits,
}: Pick<AuditLogPageProps, 'ctx' | 'values' | 'errors' | 'limits'>) {
  const { t } = ctx;
  const input = (id: AuditFilterField, hint: string, maxLength: number) => (
    <TextInput
      t={t}
      id={id}
      label={t(`audit.field.${id}`)}
      hint={hint}
      errors={errors}
      value={values[id]}
      required={false}
      maxLength={maxLength}
      autocomplete="off"
    />
  );
  return (
    <form method="get" action={PATH} class="audit-filters" aria-labelledby="filters-h">
      <h2 id="filters-h">{t('audit.filters.heading')}</h2>
      {input('actor', t('audit.hint.actor'), 254)}
      {input('action', t('audit.hint.action'), 100)}
      {input('resourceType', t('audit.hint.resourceType'), 100)}
      {input('resourceId', t('audit.hint.resourceId'), 100)}
      <fieldset>
        <legend>{t('audit.filters.period')}</legend>
        {input('from', t('audit.hint.from'), 10)}
        {input('to', t('audit.hint.to'), 10)}
      </fieldset>
      {input('q', t('audit.hint.q'), 100)}
      {input('limit', t('audit.hint.limit', { max: limits.max, default: limits.default }), 3)}
      <p>
        <button type="submit" class="button">
          {t('audit.submit')}
        </button>{' '}
        <a href={PATH}>{t('audit.clear')}</a>
      </p>
    </form>
  );
}

function Results({ ctx, values, page, pageSize, canExport }: AuditLogPageProps & { page: AuditPage }) {
  const { t } = ctx;
  const paging = [...AUDIT_FILTER_ONLY_FIELDS, 'limit'] as const;
  const next = page.nextCursor ? `${PATH}${auditQuery(values, paging, { cursor: page.nextCursor })}` : null;
  const first = values.cursor ? `${PATH}${auditQuery(values, paging)}` : null;
  return (
    <section aria-labelledby="results-h">
      <h2 id="results-h">{t('audit.results.heading')}</h2>
      <p>{t('audit.results.total', { count: count(ctx, page.total) })}</p>
      {canExport && page.total > 0 ? (
        <>
          <p>
            <a href={`${PATH}.csv${auditQuery(values, AUDIT_FILTER_ONLY_FIELDS)}`} download>
              {t('audit.csv.link', { count: count(ctx, page.total) })}
            </a>
          </p>
          <p class="hint">{t('audit.csv.hint')}</p>
        </>
      ) : null}
      {page.entries.length === 0 ? (
        <p>{t('audit.results.none')}</p>
      ) : (
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
        <section class="table-scroll" aria-labelledby="audit-caption" tabIndex={0}>
          <table class="audit-table">
            <caption id="audit-caption">
              {t('audit.results.caption', {
                total: count(ctx, page.total),
                count: count(ctx, page.entries.length),
              })}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t('audit.col.at')}</th>
                <th scope="col">{t('audit.col.actor')}</th>
                <th scope="col">{t('audit.col.ip')}</th>
                <th scope="col">{t('audit.col.action')}</th>
                <th scope="col">{t('audit.col.resource')}</th>
                <th scope="col">{t('audit.col.changed')}</th>
                <th scope="col">{t('audit.col.details')}</th>
              </tr>
            </thead>
            <tbody>
              {page.entries.map((e) => (
                <EntryRow key={e.id} ctx={ctx} entry={e} />
              ))}
            </tbody>
          </table>
        </section>
      )}
      {next || first ? (
        <nav class="pager" aria-label={t('audit.pager.label')}>
          <ul>
            {first ? (
              <li>
                <a href={first}>{t('audit.pager.first')}</a>
              </li>
            ) : null}
            {next ? (
              <li class="pager__next">
                <a href={next}>{t('audit.pager.next', { count: count(ctx, pageSize) })}</a>
              </li>
            ) : null}
          </ul>
        </nav>
      ) : null}
    </section>
  );
}

/**
 * The audit log for administrators and planners: the filter form (GET, so a view can be bookmarked and
 * works without script), then the entries as a table with the before/after of each behind a
 * <details> disclosure, a link to the next page (keyset) and one to the CSV of the same filters.
 */
export function AuditLogPage(props: AuditLogPageProps) {
  const { ctx, values, errors, page } = props;
  const { t } = ctx;
  const cursorError = errorFor(errors, 'cursor');
  return (
    <Layout
      ctx={ctx}
      title={t('audit.title')}
      error={errors.length > 0}
      section="staff"
      crumbs={[
        { href: '/staff', label: t('staff.home.title') },
        { href: PATH, label: t('audit.title') },
      ]}
    >
      <ErrorSummary t={t} errors={errors} />
      <h1>{t('audit.title')}</h1>
      <p>{t('audit.intro')}</p>
      {cursorError ? (
        <p class="field-error" id="cursor" tabIndex={-1}>
          <span class="visually-hidden">{t('form.errorPrefix')}</span>
          {cursorError}{' '}
          <a href={`${PATH}${auditQuery(values, AUDIT_FILTER_ONLY_FIELDS)}`}>{t('audit.cursor.restart')}</a>
        </p>
      ) : null}
      <FilterForm {...props} />
      {page ? <Results {...props} page={page} /> : null}
    </Layout>
  );
}
