import type { PageContext } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import type { DepartmentOption, PlanSettingsOverview } from '../plan-settings.service.ts';
import { measureName, policyName } from './common.tsx';

/** A department's name, marked when it has been disabled (staff must see that it needs replacing). */
export function departmentLabel(ctx: PageContext, d: DepartmentOption): string {
  return d.disabled ? ctx.t('planSettings.disabled', { name: d.name }) : d.name;
}

/** The measures of the current version with their departments and linked cross-cutting measures. */
export function SettingsListPage({
  ctx,
  overview,
  canEdit,
  notice,
}: {
  ctx: PageContext;
  overview: PlanSettingsOverview | null;
  /** The user may change the settings (planners); others read. */
  canEdit: boolean;
  notice?: string | undefined;
}) {
  const { t } = ctx;
  const title = t('planSettings.title');
  const sep = t('owners.separator');
  return (
    <Layout
      ctx={ctx}
      title={title}
      section="staff"
      crumbs={[
        { href: '/staff', label: t('staff.home.title') },
        { href: '/staff/plan', label: title },
      ]}
    >
      <h1>{title}</h1>
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
      {overview === null ? (
        <p>{t('plan.noPlan')}</p>
      ) : (
        <>
          <p>{t('planSettings.intro', { label: overview.tree.version.label })}</p>
          {canEdit ? null : <p>{t('planSettings.readOnly')}</p>}
          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard */}
          <section class="table-scroll" aria-label={t('planSettings.caption')} tabIndex={0}>
            <table>
              <caption>{t('planSettings.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('planSettings.col.measure')}</th>
                  <th scope="col">{t('planSettings.col.lead')}</th>
                  <th scope="col">{t('planSettings.col.supporting')}</th>
                  <th scope="col">{t('planSettings.col.links')}</th>
                  {canEdit ? <th scope="col">{t('planSettings.col.action')}</th> : null}
                </tr>
              </thead>
              <tbody>
                {overview.rows.map((r) => (
                  <tr key={r.measure.id} id={`m${r.measure.path.replace('/', '-')}`}>
                    <th scope="row">
                      <span class="matrix__policy">{policyName(r.policy)}</span>
                      <a href={`/plan/${r.measure.path}`}>{measureName(r.measure)}</a>
                    </th>
                    <td>{r.lead ? departmentLabel(ctx, r.lead) : t('planSettings.notSet')}</td>
                    <td>
                      {r.supporting.length > 0
                        ? r.supporting.map((d) => departmentLabel(ctx, d)).join(sep)
                        : t('planSettings.notSet')}
                    </td>
                    <td>
                      {r.links.length > 0 ? r.links.map((x) => x.title).join(sep) : t('planSettings.notSet')}
                    </td>
                    {canEdit ? (
                      <td>
                        <a href={`/staff/plan/measures/${r.measure.path}`}>
                          {t('planSettings.edit')}
                          <span class="visually-hidden">
                            {t('planSettings.editContext', { measure: measureName(r.measure) })}
                          </span>
                        </a>
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </>
      )}
    </Layout>
  );
}
