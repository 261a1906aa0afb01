import type { PageContext } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import type { GradeRule } from '../kpi.types.ts';
import { GradeBadge } from './kpi-parts.tsx';
import { DownloadLinks } from './public-parts.tsx';

/** GET /dashboard/about: the formulas, the city's grade rules, roll-up, projection, and サンプル値. */
export function AboutPage({ ctx, rules }: { ctx: PageContext; rules: readonly GradeRule[] }) {
  const { t } = ctx;
  const title = t('kpi.public.about.title');
  return (
    <Layout
      ctx={ctx}
      title={title}
      section="dashboard"
      crumbs={[
        { href: '/dashboard', label: t('kpi.public.title') },
        { href: '/dashboard/about', label: title },
      ]}
    >
      <h1>{title}</h1>
      <p class="lead">{t('kpi.public.about.lead')}</p>
      <section aria-labelledby="about-rate-h" id="rate">
        <h2 id="about-rate-h">{t('kpi.public.about.rateHeading')}</h2>
        <div class="prose">
          <p>{t('kpi.formula.rate')}</p>
          <p>{t('kpi.formula.sameAsBaseline')}</p>
          <p>{t('kpi.formula.range')}</p>
          <p>{t('kpi.formula.yearTarget')}</p>
        </div>
      </section>
      <section aria-labelledby="about-grade-h" id="grades">
        <h2 id="about-grade-h">{t('kpi.public.about.gradeHeading')}</h2>
        <p>{t('kpi.formula.grade')}</p>
        <ul class="kpi-rules">
          {rules.map((r) => (
            <li key={r.grade}>
              <GradeBadge grade={r.grade} label={r.label} />{' '}
              {r.min === null
                ? t('kpi.gradeRuleLast', { grade: r.grade, label: r.label })
                : t('kpi.gradeRule', { grade: r.grade, min: r.min, label: r.label })}
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="about-rollup-h" id="rollup">
        <h2 id="about-rollup-h">{t('kpi.public.about.rollupHeading')}</h2>
        <div class="prose">
          <p>{t('kpi.formula.rollup')}</p>
          <p>{t('kpi.public.about.rollupPolicy')}</p>
        </div>
      </section>
      <section aria-labelledby="about-projection-h" id="projection">
        <h2 id="about-projection-h">{t('kpi.public.about.projectionHeading')}</h2>
        <div class="prose">
          <p>{t('kpi.formula.projection')}</p>
          <p>{t('kpi.formula.standing')}</p>
        </div>
      </section>
      <section aria-labelledby="about-year-h" id="years">
        <h2 id="about-year-h">{t('kpi.public.about.yearHeading')}</h2>
        <p>{t('kpi.public.about.yearText')}</p>
      </section>
      <section aria-labelledby="about-sample-h" id="sample">
        <h2 id="about-sample-h">{t('kpi.public.about.sampleHeading')}</h2>
        <p>{t('kpi.public.about.sampleText')}</p>
      </section>
      <section aria-labelledby="about-dl-h" id="downloads">
        <h2 id="about-dl-h">{t('kpi.public.about.downloadsHeading')}</h2>
        <p>{t('kpi.public.about.downloadsText')}</p>
        <DownloadLinks ctx={ctx} />
      </section>
    </Layout>
  );
}
