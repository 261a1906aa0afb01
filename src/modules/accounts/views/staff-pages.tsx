import { formatDate } from '../../../shared/fiscal-year.ts';
import type { PageContext } from '../../../web/context.ts';
import { CsrfInput } from '../../../web/forms.tsx';
import { Layout } from '../../../web/layout.tsx';
import type { StaffMeasure } from '../../plan/plan-settings.service.ts';
import { measureName, policyName } from '../../plan/views/common.tsx';
import type { Abilities } from '../accounts.policy.ts';
import type { SessionListItem, StaffUser } from '../accounts.types.ts';

function time(ctx: PageContext, iso: string): string {
  const d = new Date(iso);
  const hm = new Intl.DateTimeFormat('ja-JP', {
    timeZone: 'Asia/Tokyo',
    hour: '2-digit',
    minute: '2-digit',
  }).format(d);
  return `${formatDate(iso, ctx.locale)} ${hm}`;
}

/** The staff start page. */
export function StaffHomePage({
  ctx,
  user,
  can,
  measures,
  notice,
}: {
  ctx: PageContext;
  user: StaffUser;
  can: Abilities;
  measures: StaffMeasure[];
  notice?: string | undefined;
}) {
  const { t } = ctx;
  return (
    <Layout
      ctx={ctx}
      title={t('staff.home.title')}
      section="staff"
      crumbs={[{ href: '/staff', label: t('staff.home.title') }]}
    >
      <h1>{t('staff.home.title')}</h1>
      {notice ? <p class="notice">{notice}</p> : null}
      <p>{t('staff.home.welcome', { name: user.displayName, role: t(`role.${user.role}`) })}</p>
      <section aria-labelledby="mine-h">
        <h2 id="mine-h">{t('staff.home.myMeasures')}</h2>
        {measures.length === 0 ? (
          <p>{t('staff.home.noMeasures')}</p>
        ) : (
          <ul class="related">
            {measures.map((m) => (
              <li key={m.measure.path}>
                <a href={`/staff/measures/${m.measure.path}`}>
                  {policyName(m.policy)} › {measureName(m.measure)}
                </a>
                <span class="tag">
                  {m.ownerDepartmentIds.length > 0 &&
                  m.owners.lead &&
                  user.departmentIds.includes(m.owners.lead.id)
                    ? t('staff.home.lead')
                    : t('staff.home.support')}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
      {can.viewIndicators ? (
        <section aria-labelledby="kpi-h">
          <h2 id="kpi-h">{t('kpi.indicators')}</h2>
          <ul>
            <li>
              <a href="/staff/kpi">{t('kpi.staff.home.link')}</a>
            </li>
          </ul>
        </section>
      ) : null}
      {can.viewConsultations ? (
        <section aria-labelledby="pc-h">
          <h2 id="pc-h">{t('consultation.staff.nav')}</h2>
          <ul>
            <li>
              <a href="/staff/consultations">{t('consultation.staff.list')}</a>
            </li>
            {can.viewOutbox ? (
              <li>
                <a href="/staff/outbox">{t('consultation.outbox.title')}</a>
              </li>
            ) : null}
          </ul>
        </section>
      ) : null}
      {can.manageUsers || can.viewDepartments || can.viewPlanSettings || can.viewAudit ? (
        <section aria-labelledby="manage-h">
          <h2 id="manage-h">{t('staff.home.manage')}</h2>
          <ul>
            {can.viewPlanSettings ? (
              <li>
                <a href="/staff/plan">{t('staff.home.planSettings')}</a>
              </li>
            ) : null}
            {can.manageUsers ? (
              <li>
                <a href="/staff/users">{t('admin.nav.users')}</a>
              </li>
            ) : null}
            {can.viewDepartments ? (
              <li>
                <a href="/staff/departments">{t('admin.nav.departments')}</a>
              </li>
            ) : null}
            {can.viewAudit ? (
              <li>
                <a href="/staff/audit">{t('staff.home.audit')}</a>
              </li>
            ) : null}
          </ul>
        </section>
      ) : null}
      <section aria-labelledby="account-h">
        <h2 id="account-h">{t('staff.home.account')}</h2>
        <ul>
          <li>
            <a href="/staff/sessions">{t('staff.sessions.title')}</a>
          </li>
        </ul>
      </section>
    </Layout>
  );
}

/** Where the user is signed in, with a button to end each other session. */
export function SessionsPage({ ctx, sessions }: { ctx: PageContext; sessions: SessionListItem[] }) {
  const { t } = ctx;
  const others = sessions.filter((s) => !s.current);
  return (
    <Layout
      ctx={ctx}
      title={t('staff.sessions.title')}
      section="staff"
      crumbs={[
        { href: '/staff', label: t('staff.home.title') },
        { href: '/staff/sessions', label: t('staff.sessions.title') },
      ]}
    >
      <h1>{t('staff.sessions.title')}</h1>
      <p>{t('staff.sessions.intro')}</p>
      <ul class="session-list">
        {sessions.map((s) => (
          <li key={s.id} class="card">
            <p>
              <strong>{s.current ? t('staff.sessions.current') : t('staff.sessions.other')}</strong>
            </p>
            <dl class="plan-meta">
              <div>
                <dt>{t('staff.sessions.started')}</dt>
                <dd>{time(ctx, s.createdAt)}</dd>
              </div>
              <div>
                <dt>{t('staff.sessions.lastSeen')}</dt>
                <dd>{time(ctx, s.lastSeenAt)}</dd>
              </div>
              <div>
                <dt>{t('staff.sessions.address')}</dt>
                <dd>{s.ip}</dd>
              </div>
              <div>
                <dt>{t('staff.sessions.browser')}</dt>
                <dd>{s.userAgent}</dd>
              </div>
            </dl>
            {s.current ? null : (
              <form method="post" action={`/staff/sessions/${s.id}/end`}>
                <CsrfInput token={ctx.csrfToken ?? ''} />
                <button type="submit" class="button button--secondary">
                  {t('staff.sessions.end')}
                </button>
              </form>
            )}
          </li>
        ))}
      </ul>
      {others.length > 1 ? (
        <form method="post" action="/staff/sessions/end-others">
          <CsrfInput token={ctx.csrfToken ?? ''} />
          <button type="submit" class="button button--secondary">
            {t('staff.sessions.endOthers')}
          </button>
        </form>
      ) : null}
    </Layout>
  );
}
