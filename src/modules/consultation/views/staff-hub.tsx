import type { PageContext } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import { type ConsultationOverview, OPINION_STATES, type OpinionState } from '../consultation.types.ts';
import type { VersionOption } from '../consultation-admin.service.ts';
import { consultationCrumbs, formatPeriod, hubPath } from './staff-common.tsx';

/** One consultation's hub: its settings, counts by state, and links to every staff page of it. */
export function StaffConsultationHubPage({
  ctx,
  consultation: c,
  version,
  counts,
  can,
  notice,
}: {
  ctx: PageContext;
  consultation: ConsultationOverview;
  version: VersionOption | undefined;
  counts: { byState: Record<OpinionState, number>; grouped: number; submissions: number };
  can: { edit: boolean; entry: boolean };
  notice?: string | undefined;
}) {
  const { t } = ctx;
  const base = hubPath(c.id);
  const dl = (label: string, value: string | null | undefined) => (
    <>
      <dt>{label}</dt>
      <dd class="pcs-plain">{value && value !== '' ? value : t('pc.staff.none')}</dd>
    </>
  );
  const links: Array<[string, string, boolean]> = [
    [`${base}/edit`, t('pc.staff.hub.edit'), can.edit],
    [`${base}/entry`, t('pc.staff.hub.entry'), can.entry],
    [`${base}/opinions`, t('pc.staff.hub.triage'), true],
    [`${base}/suggestions`, t('pc.staff.hub.suggestions'), true],
    [`${base}/groups`, t('pc.staff.hub.groups'), true],
    [`${base}/answers`, t('pc.staff.hub.answers'), true],
    [`${base}/publish`, t('pc.staff.hub.publish'), can.edit],
    [`/consultations/${c.id}`, t('pc.staff.hub.public'), true],
  ];
  return (
    <Layout ctx={ctx} title={c.title} section="staff" crumbs={consultationCrumbs(ctx, c)}>
      <p class="eyebrow">
        <span class={`tag pcs-phase pcs-phase--${c.phase}`}>{t(`consultation.phase.${c.phase}`)}</span>
      </p>
      <h1>{c.title}</h1>
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
      <nav aria-labelledby="work-h" class="pcs-hub-nav">
        <h2 id="work-h">{t('pc.staff.hub.work')}</h2>
        <ul>
          {links
            .filter(([, , ok]) => ok)
            .map(([href, label]) => (
              <li key={href}>
                <a href={href}>{label}</a>
              </li>
            ))}
        </ul>
      </nav>
      <section aria-labelledby="counts-h">
        <h2 id="counts-h">{t('pc.staff.hub.counts')}</h2>
        <table class="pcs-table pcs-table--narrow">
          <caption>{t('pc.staff.hub.countsCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('pc.staff.hub.state')}</th>
              <th scope="col" class="num">
                {t('pc.staff.hub.number')}
              </th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <th scope="row">{t('pc.staff.hub.submissions')}</th>
              <td class="num">{counts.submissions.toLocaleString('ja-JP')}</td>
            </tr>
            {OPINION_STATES.map((s) => (
              <tr key={s}>
                <th scope="row">
                  <a href={`${base}/opinions?state=${s}`}>{t(`consultation.opinionState.${s}`)}</a>
                </th>
                <td class="num">{counts.byState[s].toLocaleString('ja-JP')}</td>
              </tr>
            ))}
            <tr>
              <th scope="row">
                <a href={`${base}/opinions?group=grouped`}>{t('pc.staff.hub.grouped')}</a>
              </th>
              <td class="num">{counts.grouped.toLocaleString('ja-JP')}</td>
            </tr>
          </tbody>
        </table>
      </section>
      <section aria-labelledby="settings-h">
        <h2 id="settings-h">{t('pc.staff.hub.settings')}</h2>
        <dl class="pcs-dl">
          {dl(t('pc.staff.hub.phase'), t(`consultation.phase.${c.phase}`))}
          {dl(
            t('pc.staff.hub.version'),
            version
              ? t('pc.staff.form.versionOption', {
                  plan: version.planTitle,
                  label: version.label,
                  state: version.state,
                })
              : String(c.versionId),
          )}
          {dl(t('pc.staff.hub.period'), formatPeriod(ctx, c))}
          {c.shortPeriodReason ? dl(t('pc.staff.hub.shortPeriodReason'), c.shortPeriodReason) : null}
          {dl(t('pc.staff.form.summary'), c.summary)}
          {dl(t('pc.staff.form.eligibility'), c.eligibility)}
          {dl(t('pc.staff.form.postalAddress'), c.postalAddress)}
          {dl(t('pc.staff.form.faxNumber'), c.faxNumber)}
          {dl(t('pc.staff.form.emailAddress'), c.emailAddress)}
          {dl(t('pc.staff.form.inPersonPlace'), c.inPersonPlace)}
          {dl(t('pc.staff.form.readingPlaces'), c.readingPlaces)}
          {dl(t('pc.staff.form.contact'), c.contact)}
        </dl>
      </section>
    </Layout>
  );
}
