import { formatDate } from '../../../shared/fiscal-year.ts';
import type { PageContext } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import type { PlanVersionSummary } from '../plan.types.ts';

export function VersionsPage({
  ctx,
  versions,
  currentId,
}: {
  ctx: PageContext;
  versions: PlanVersionSummary[];
  currentId: number | null;
}) {
  const { t } = ctx;
  return (
    <Layout
      ctx={ctx}
      title={t('versions.title')}
      crumbs={[{ href: '/plan/versions', label: t('versions.title') }]}
    >
      <h1>{t('versions.title')}</h1>
      <p>{t('versions.intro')}</p>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard */}
      <section class="table-scroll" aria-label={t('versions.title')} tabIndex={0}>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('versions.label')}</th>
              <th scope="col">{t('versions.state')}</th>
              <th scope="col">{t('versions.documentTitle')}</th>
              <th scope="col">{t('versions.created')}</th>
              <th scope="col">{t('versions.source')}</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.id}>
                <td>
                  {v.plan.title} {v.label}（{v.seq}）
                  {v.id === currentId ? <span class="tag tag--linked">{t('versions.current')}</span> : null}
                </td>
                <td>{t(`state.${v.state}`)}</td>
                <td>{v.documentTitle}</td>
                <td>{formatDate(v.createdAt, ctx.locale)}</td>
                <td>
                  <a href={`/plan/versions/${v.id}/source`}>
                    {t('versions.source')}
                    <span class="visually-hidden">
                      （{v.label}（{v.seq}））
                    </span>
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </Layout>
  );
}

/** The imported file, verbatim. */
export function SourcePage({
  ctx,
  version,
  text,
}: {
  ctx: PageContext;
  version: PlanVersionSummary;
  text: string;
}) {
  const { t } = ctx;
  const title = t('source.title', { label: `${version.documentTitle}（${version.label}）` });
  return (
    <Layout
      ctx={ctx}
      title={title}
      crumbs={[
        { href: '/plan/versions', label: t('versions.title') },
        { href: `/plan/versions/${version.id}/source`, label: title },
      ]}
    >
      <h1>{title}</h1>
      <p>{t('source.intro')}</p>
      <pre class="source-text" lang="ja">
        {text}
      </pre>
    </Layout>
  );
}
