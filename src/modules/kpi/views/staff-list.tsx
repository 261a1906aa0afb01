import type { PageContext } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import type { DepartmentChoice, StaffIndicatorList, StaffNodeGroup } from '../indicator.service.ts';
import type { KpiStatus } from '../kpi.service.ts';
import { fy, SampleMark } from './kpi-parts.tsx';
import { indicatorValue, KPI_HOME, kpiCrumbs, Notice, nodeLabel } from './staff-common.tsx';

/** The department filter as the page shows it: one department, or all of them. */
export interface ListFilter {
  /** mine = the user's own departments (editors' default), all, or one department. */
  mode: 'mine' | 'all' | 'one';
  departmentId: number | null;
  /** The user's own departments. */
  own: number[];
}

function departmentName(
  ctx: PageContext,
  departments: DepartmentChoice[],
  s: KpiStatus,
  lead: number | null,
) {
  const id = s.indicator.effectiveDepartmentId;
  const d = departments.find((x) => x.id === id);
  if (!d) return ctx.t('kpi.departmentNone');
  return s.indicator.departmentId === null && id === lead
    ? ctx.t('kpi.departmentFromMeasure', { name: d.name })
    : d.name;
}

function Row({
  ctx,
  s,
  group,
  departments,
  canEdit,
}: {
  ctx: PageContext;
  s: KpiStatus;
  group: StaffNodeGroup;
  departments: DepartmentChoice[];
  canEdit: boolean;
}) {
  const { t } = ctx;
  const ind = s.indicator;
  const base = `/staff/kpi/indicators/${ind.id}`;
  return (
    <tr>
      <th scope="row">
        {ind.name}
        <SampleMark ctx={ctx} show={ind.isSample} />
      </th>
      <td>{departmentName(ctx, departments, s, group.leadDepartmentId)}</td>
      <td>
        {s.latest ? (
          <>
            {indicatorValue(ctx, ind, s.latest.value)}
            <SampleMark ctx={ctx} show={s.latest.isSample} />
            <br />
            <span class="kpi-staff__meta">
              {fy(ctx, s.latest.fiscalYear)}・{t(`kpi.status.${s.latest.status}`)}
            </span>
          </>
        ) : (
          t('kpi.noActual')
        )}
      </td>
      <td>
        <ul class="kpi-staff__actions">
          {canEdit ? (
            <>
              <li>
                <a href={base} aria-label={t('kpi.staff.list.editNamed', { name: ind.name })}>
                  {t('kpi.staff.list.edit')}
                </a>
              </li>
              <li>
                <a href={`${base}/actuals`} aria-label={t('kpi.staff.list.actualsNamed', { name: ind.name })}>
                  {t('kpi.staff.list.actuals')}
                </a>
              </li>
            </>
          ) : (
            <>
              <li>
                <a href={base} aria-label={t('kpi.staff.list.viewNamed', { name: ind.name })}>
                  {t('kpi.staff.list.view')}
                </a>
              </li>
              <li>
                <a href={`${base}/actuals`} aria-label={t('kpi.staff.list.historyNamed', { name: ind.name })}>
                  {t('kpi.staff.list.history')}
                </a>
              </li>
              <li class="kpi-staff__readonly">{t('kpi.staff.list.readOnly')}</li>
            </>
          )}
        </ul>
      </td>
    </tr>
  );
}

/** Every indicator of the current plan by 重点施策 and measure, with links to edit them and enter actuals. */
export function KpiStaffListPage({
  ctx,
  list,
  filter,
  canEdit,
  canAdd,
  can,
  notice,
}: {
  ctx: PageContext;
  list: StaffIndicatorList | null;
  filter: ListFilter;
  canEdit: (s: KpiStatus) => boolean;
  canAdd: (g: StaffNodeGroup) => boolean;
  can: { manageKpiSettings: boolean };
  notice?: string | undefined;
}) {
  const { t } = ctx;
  const title = t('kpi.staff.title');
  const departments = list?.departments ?? [];
  const shown =
    filter.mode === 'one'
      ? (departments.find((d) => d.id === filter.departmentId)?.name ?? t('kpi.departmentNone'))
      : filter.mode === 'mine'
        ? departments
            .filter((d) => filter.own.includes(d.id))
            .map((d) => d.name)
            .join(t('owners.separator'))
        : null;
  return (
    <Layout ctx={ctx} title={title} section="staff" crumbs={kpiCrumbs(ctx)}>
      <h1>{title}</h1>
      <Notice text={notice} />
      <p>{t('kpi.staff.list.intro')}</p>
      <ul class="kpi-staff__links">
        <li>
          <a href="/staff/kpi/upload">{t('kpi.staff.list.upload')}</a>
        </li>
        {can.manageKpiSettings ? (
          <>
            <li>
              <a href="/staff/kpi/settings">{t('kpi.staff.settings.title')}</a>
            </li>
            <li>
              <a href="/staff/kpi/sample">{t('kpi.staff.list.sample')}</a>
            </li>
          </>
        ) : null}
        <li>
          <a href="/dashboard">{t('kpi.staff.list.public')}</a>
        </li>
      </ul>
      {list === null ? (
        <p>{t('plan.noPlan')}</p>
      ) : (
        <>
          <form method="get" action={KPI_HOME} class="kpi-staff__filter">
            <div class="field">
              <label for="dept">{t('kpi.staff.list.filter')}</label>
              <select class="input" id="dept" name="dept">
                {filter.own.length ? (
                  <option value="mine" selected={filter.mode === 'mine'}>
                    {t('kpi.staff.list.mine')}
                  </option>
                ) : null}
                <option value="all" selected={filter.mode === 'all'}>
                  {t('kpi.staff.list.allDepartments')}
                </option>
                {departments
                  .filter((d) => !d.disabled || d.id === filter.departmentId)
                  .map((d) => (
                    <option
                      key={d.id}
                      value={String(d.id)}
                      selected={filter.mode === 'one' && d.id === filter.departmentId}
                    >
                      {filter.own.includes(d.id)
                        ? t('kpi.staff.list.ownDepartment', { name: d.name })
                        : d.name}
                    </option>
                  ))}
              </select>
            </div>
            <button type="submit" class="button button--secondary">
              {t('kpi.staff.list.apply')}
            </button>
          </form>
          <p role="status">
            {shown !== null
              ? t('kpi.staff.list.showingDepartment', {
                  name: shown,
                  count: list.groups.reduce((n, g) => n + g.statuses.length, 0),
                })
              : t('kpi.staff.list.showingAll', { count: list.total })}{' '}
            {shown !== null ? <a href={`${KPI_HOME}?dept=all`}>{t('kpi.staff.list.seeAll')}</a> : null}
          </p>
          {list.groups.length === 0 ? <p>{t('kpi.staff.list.none')}</p> : null}
          {list.groups.map((g) => {
            const label = nodeLabel(g.policy, g.node);
            const hid = `node-${g.node.path.replace('/', '-')}`;
            return (
              <section key={g.node.path} aria-labelledby={hid} class="kpi-staff__group">
                <h2 id={hid}>{label}</h2>
                {g.statuses.length === 0 ? (
                  <p>{t('kpi.staff.list.noIndicators')}</p>
                ) : (
                  // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
                  <section class="table-scroll" aria-labelledby={hid} tabIndex={0}>
                    <table>
                      <caption>{t('kpi.staff.list.caption', { node: label })}</caption>
                      <thead>
                        <tr>
                          <th scope="col">{t('kpi.field.name')}</th>
                          <th scope="col">{t('kpi.field.department')}</th>
                          <th scope="col">{t('kpi.latest')}</th>
                          <th scope="col">{t('kpi.staff.list.action')}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {g.statuses.map((s) => (
                          <Row
                            key={s.indicator.id}
                            ctx={ctx}
                            s={s}
                            group={g}
                            departments={departments}
                            canEdit={canEdit(s)}
                          />
                        ))}
                      </tbody>
                    </table>
                  </section>
                )}
                {canAdd(g) ? (
                  <p>
                    <a href={`/staff/kpi/indicators/new?node=${encodeURIComponent(g.node.path)}`}>
                      {t('kpi.staff.list.add', { node: label })}
                    </a>
                  </p>
                ) : null}
              </section>
            );
          })}
        </>
      )}
    </Layout>
  );
}
