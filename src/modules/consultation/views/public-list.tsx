import type { PageContext } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import type { ConsultationOverview } from '../consultation.types.ts';
import { countsText, listCrumb, PhaseBadge, periodText } from './public-common.tsx';

/** GET /consultations: open, coming and past consultations with their period and counts. */
export function PublicListPage({
  ctx,
  consultations,
}: {
  ctx: PageContext;
  consultations: ConsultationOverview[];
}) {
  const { t } = ctx;
  const groups = [
    { id: 'open', title: t('pc.public.list.open'), items: consultations.filter((c) => c.phase === 'open') },
    {
      id: 'scheduled',
      title: t('pc.public.list.scheduled'),
      items: consultations.filter((c) => c.phase === 'scheduled'),
    },
    {
      id: 'past',
      title: t('pc.public.list.past'),
      items: consultations.filter((c) => c.phase === 'closed' || c.phase === 'published'),
    },
  ].filter((g) => g.items.length > 0);
  return (
    <Layout ctx={ctx} title={t('pc.public.list.title')} section="consultations" crumbs={[listCrumb(ctx)]}>
      <h1>{t('pc.public.list.title')}</h1>
      <p>{t('pc.public.list.intro')}</p>
      {groups.length === 0 ? <p>{t('pc.public.list.none')}</p> : null}
      {groups.map((g) => (
        <section key={g.id} aria-labelledby={`pc-${g.id}-h`}>
          <h2 id={`pc-${g.id}-h`}>{g.title}</h2>
          <ul class="pc-list">
            {g.items.map((c) => (
              <li key={c.id} class="card">
                <h3>
                  <a href={`/consultations/${c.id}`}>{c.title}</a>
                </h3>
                <dl class="pc-facts">
                  <div>
                    <dt>{t('pc.public.phase')}</dt>
                    <dd>
                      <PhaseBadge ctx={ctx} c={c} />
                    </dd>
                  </div>
                  <div>
                    <dt>{t('pc.public.period')}</dt>
                    <dd>{periodText(ctx, c)}</dd>
                  </div>
                  <div>
                    <dt>{t('pc.public.countsLabel')}</dt>
                    <dd>{countsText(ctx, c)}</dd>
                  </div>
                </dl>
                {c.phase === 'published' ? (
                  <p>
                    <a href={`/consultations/${c.id}/result`}>
                      {t('pc.public.resultLink')}
                      <span class="visually-hidden">{t('pc.public.c.writeHereOf', { name: c.title })}</span>
                    </a>
                  </p>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ))}
    </Layout>
  );
}
