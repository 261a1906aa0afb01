import type { PageContext } from '../../../web/context.ts';
import { CsrfInput, ErrorSummary, errorFor, type FieldErrors } from '../../../web/forms.tsx';
import { Layout } from '../../../web/layout.tsx';
import type { Abilities } from '../accounts.policy.ts';
import { ROLES } from '../accounts.types.ts';
import type { Department, PendingInvitation, StaffAccount } from '../admin.service.ts';
import { AdminNav, type Choice, Choices, dateTime, Notice } from './admin-common.tsx';

/** The staff accounts list (with pending invitations) and a user's page (role, departments, disabling). */

function crumbs(ctx: PageContext, last?: { href: string; label: string }) {
  const { t } = ctx;
  return [
    { href: '/staff', label: t('staff.home.title') },
    { href: '/staff/users', label: t('admin.users.title') },
    ...(last ? [last] : []),
  ];
}

/** The names of the departments, in the list's order; a disabled one says so. */
export function departmentNames(ctx: PageContext, ids: readonly number[], departments: Department[]): string {
  const names = departments
    .filter((d) => ids.includes(d.id))
    .map((d) => (d.disabled ? ctx.t('admin.user.departmentDisabled', { name: d.name }) : d.name));
  return names.length ? names.join(ctx.t('admin.list.separator')) : ctx.t('admin.users.noDepartments');
}

/** The role radios, each with what the role may do. */
export function roleChoices(ctx: PageContext): Choice[] {
  return ROLES.map((r) => ({ value: r, label: ctx.t(`role.${r}`), hint: ctx.t(`admin.roleHint.${r}`) }));
}

/** Department checkboxes: the active departments, and disabled ones only where already held. */
export function departmentChoices(
  ctx: PageContext,
  departments: Department[],
  held: readonly number[],
): Choice[] {
  return departments
    .filter((d) => !d.disabled || held.includes(d.id))
    .map((d) => ({
      value: String(d.id),
      label: d.disabled ? ctx.t('admin.user.departmentDisabled', { name: d.name }) : d.name,
    }));
}

export function UsersPage({
  ctx,
  abilities,
  users,
  invitations,
  departments,
  notice,
}: {
  ctx: PageContext;
  abilities: Abilities;
  users: StaffAccount[];
  invitations: PendingInvitation[];
  departments: Department[];
  notice?: string | undefined;
}) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('admin.users.title')} section="staff" crumbs={crumbs(ctx)}>
      <AdminNav ctx={ctx} abilities={abilities} />
      <h1>{t('admin.users.title')}</h1>
      <Notice text={notice} />
      <p>{t('admin.users.intro')}</p>
      <p>
        <a class="button" href="/staff/users/invite">
          {t('admin.users.invite')}
        </a>
      </p>
      {users.length === 0 ? (
        <p>{t('admin.users.none')}</p>
      ) : (
        <div class="table-scroll">
          <table>
            <caption>{t('admin.users.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('admin.users.colName')}</th>
                <th scope="col">{t('admin.users.colEmail')}</th>
                <th scope="col">{t('admin.users.colRole')}</th>
                <th scope="col">{t('admin.users.colDepartments')}</th>
                <th scope="col">{t('admin.users.colStatus')}</th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.id}>
                  <th scope="row">
                    <a href={`/staff/users/${u.id}`}>{u.displayName}</a>
                  </th>
                  <td>{u.email}</td>
                  <td>{t(`role.${u.role}`)}</td>
                  <td>{departmentNames(ctx, u.departmentIds, departments)}</td>
                  <td>
                    {u.disabled ? t('admin.status.disabled') : t('admin.status.active')}
                    {!u.disabled && !u.totpEnabled ? t('admin.users.totpPending') : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <section aria-labelledby="invites-h">
        <h2 id="invites-h">{t('admin.users.invitesH')}</h2>
        {invitations.length === 0 ? (
          <p>{t('admin.users.invitesNone')}</p>
        ) : (
          <div class="table-scroll">
            <table>
              <caption>{t('admin.users.invitesCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('admin.users.colEmail')}</th>
                  <th scope="col">{t('admin.users.colRole')}</th>
                  <th scope="col">{t('admin.users.colDepartments')}</th>
                  <th scope="col">{t('admin.users.colStatus')}</th>
                  <th scope="col">{t('admin.users.colExpires')}</th>
                  <th scope="col">{t('admin.users.colActions')}</th>
                </tr>
              </thead>
              <tbody>
                {invitations.map((i) => (
                  <tr key={i.email}>
                    <th scope="row">{i.email}</th>
                    <td>{t(`role.${i.role}`)}</td>
                    <td>{departmentNames(ctx, i.departmentIds, departments)}</td>
                    <td>{t('admin.status.invited')}</td>
                    <td>{dateTime(ctx, i.expiresAt)}</td>
                    <td>
                      <form method="post" action="/staff/users/invitations/cancel">
                        <CsrfInput token={ctx.csrfToken ?? ''} />
                        <input type="hidden" name="email" value={i.email} />
                        <button type="submit" class="button--link">
                          {t('admin.users.cancelInvite')}
                          <span class="visually-hidden">
                            {t('admin.users.cancelInviteFor', { email: i.email })}
                          </span>
                        </button>
                      </form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </Layout>
  );
}

export function UserEditPage({
  ctx,
  abilities,
  account,
  departments,
  isSelf,
  errors,
  values,
  notice,
}: {
  ctx: PageContext;
  abilities: Abilities;
  account: StaffAccount;
  departments: Department[];
  isSelf: boolean;
  errors: FieldErrors;
  values: { role: string; departmentIds: string[] };
  notice?: string | undefined;
}) {
  const { t } = ctx;
  const href = `/staff/users/${account.id}`;
  const title = t('admin.user.title', { name: account.displayName });
  const disableError = errorFor(errors, 'disable');
  return (
    <Layout
      ctx={ctx}
      title={title}
      error={errors.length > 0}
      section="staff"
      crumbs={crumbs(ctx, { href, label: t('admin.user.crumb') })}
    >
      <ErrorSummary t={t} errors={errors} />
      <AdminNav ctx={ctx} abilities={abilities} />
      <h1>{title}</h1>
      <Notice text={notice} />
      {isSelf ? <p>{t('admin.user.self')}</p> : null}
      <dl class="plan-meta">
        <div>
          <dt>{t('admin.user.email')}</dt>
          <dd>{account.email}</dd>
        </div>
        <div>
          <dt>{t('admin.user.status')}</dt>
          <dd>
            {account.disabled ? t('admin.status.disabled') : t('admin.status.active')}
            {!account.disabled && !account.totpEnabled ? t('admin.users.totpPending') : null}
          </dd>
        </div>
      </dl>
      <form method="post" action={href} novalidate>
        <CsrfInput token={ctx.csrfToken ?? ''} />
        <Choices
          t={t}
          type="radio"
          name="role"
          legend={t('admin.user.role')}
          hint={t('admin.user.roleHint')}
          errors={errors}
          choices={roleChoices(ctx)}
          checked={[values.role]}
          required
        />
        <Choices
          t={t}
          type="checkbox"
          name="departmentIds"
          legend={t('admin.user.departments')}
          hint={t('admin.user.departmentsHint')}
          errors={errors}
          choices={departmentChoices(ctx, departments, account.departmentIds)}
          checked={values.departmentIds}
          required={false}
        />
        <button type="submit" class="button">
          {t('admin.user.save')}
        </button>
      </form>
      <section aria-labelledby="disable-h">
        <h2 id="disable-h">{t('admin.user.disableH')}</h2>
        <p>{account.disabled ? t('admin.user.enableBody') : t('admin.user.disableBody')}</p>
        {disableError ? (
          <p class="field-error" id="disable-error">
            <span class="visually-hidden">{t('form.errorPrefix')}</span>
            {disableError}
          </p>
        ) : null}
        <form method="post" action={`${href}/${account.disabled ? 'enable' : 'disable'}`}>
          <CsrfInput token={ctx.csrfToken ?? ''} />
          <button
            type="submit"
            id="disable"
            class="button button--secondary"
            aria-describedby={disableError ? 'disable-error' : undefined}
          >
            {account.disabled ? t('admin.user.enable') : t('admin.user.disable')}
          </button>
        </form>
      </section>
    </Layout>
  );
}
