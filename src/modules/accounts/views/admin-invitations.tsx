import type { PageContext } from '../../../web/context.ts';
import { CsrfInput, ErrorSummary, type FieldErrors, TextInput } from '../../../web/forms.tsx';
import { Layout } from '../../../web/layout.tsx';
import type { Abilities } from '../accounts.policy.ts';
import type { Role } from '../accounts.types.ts';
import type { Department } from '../admin.service.ts';
import { AdminNav, Choices, dateTime } from './admin-common.tsx';
import { departmentChoices, departmentNames, roleChoices } from './admin-users.tsx';
import { NewAccountFields } from './auth-pages.tsx';

/** Inviting staff (the form, the one-time link) and accepting an invitation (public, by its link). */

function crumbs(ctx: PageContext) {
  const { t } = ctx;
  return [
    { href: '/staff', label: t('staff.home.title') },
    { href: '/staff/users', label: t('admin.users.title') },
    { href: '/staff/users/invite', label: t('admin.invite.title') },
  ];
}

export interface InviteValues {
  email: string;
  role: string;
  departmentIds: string[];
}

export function InvitePage({
  ctx,
  abilities,
  departments,
  errors,
  values,
}: {
  ctx: PageContext;
  abilities: Abilities;
  departments: Department[];
  errors: FieldErrors;
  values: InviteValues;
}) {
  const { t } = ctx;
  const choices = departmentChoices(ctx, departments, []);
  return (
    <Layout
      ctx={ctx}
      title={t('admin.invite.title')}
      error={errors.length > 0}
      section="staff"
      crumbs={crumbs(ctx)}
    >
      <ErrorSummary t={t} errors={errors} />
      <AdminNav ctx={ctx} abilities={abilities} />
      <h1>{t('admin.invite.title')}</h1>
      <p>{t('admin.invite.intro')}</p>
      <form method="post" action="/staff/users/invite" novalidate>
        <CsrfInput token={ctx.csrfToken ?? ''} />
        <TextInput
          t={t}
          id="email"
          type="email"
          label={t('admin.invite.email')}
          hint={t('admin.invite.emailHint')}
          errors={errors}
          value={values.email}
          autocomplete="off"
          maxLength={254}
        />
        <Choices
          t={t}
          type="radio"
          name="role"
          legend={t('admin.user.role')}
          errors={errors}
          choices={roleChoices(ctx)}
          checked={[values.role]}
          required
        />
        {choices.length > 0 ? (
          <Choices
            t={t}
            type="checkbox"
            name="departmentIds"
            legend={t('admin.user.departments')}
            hint={t('admin.user.departmentsHint')}
            errors={errors}
            choices={choices}
            checked={values.departmentIds}
            required={false}
          />
        ) : (
          <p id="departmentIds">
            {t('admin.invite.noDepartments')} <a href="/staff/departments">{t('admin.nav.departments')}</a>
          </p>
        )}
        <button type="submit" class="button">
          {t('admin.invite.submit')}
        </button>
      </form>
    </Layout>
  );
}

function InvitationSummary({
  ctx,
  email,
  role,
  departmentIds,
  departments,
}: {
  ctx: PageContext;
  email: string;
  role: Role;
  departmentIds: number[];
  departments: Department[];
}) {
  const { t } = ctx;
  return (
    <dl class="plan-meta">
      <div>
        <dt>{t('auth.email')}</dt>
        <dd>{email}</dd>
      </div>
      <div>
        <dt>{t('admin.user.role')}</dt>
        <dd>{t(`role.${role}`)}</dd>
      </div>
      <div>
        <dt>{t('admin.user.departments')}</dt>
        <dd>{departmentNames(ctx, departmentIds, departments)}</dd>
      </div>
    </dl>
  );
}

/** The link, shown once: only its hash is stored. */
export function InvitationCreatedPage({
  ctx,
  abilities,
  link,
  email,
  role,
  departmentIds,
  departments,
  expiresAt,
}: {
  ctx: PageContext;
  abilities: Abilities;
  link: string;
  email: string;
  role: Role;
  departmentIds: number[];
  departments: Department[];
  expiresAt: string;
}) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('admin.invite.createdTitle')} section="staff" crumbs={crumbs(ctx)}>
      <AdminNav ctx={ctx} abilities={abilities} />
      <h1>{t('admin.invite.createdTitle')}</h1>
      <p class="notice" role="status">
        {t('admin.invite.mailNotice')}
      </p>
      <h2>{t('admin.invite.linkLabel')}</h2>
      <p>
        <code class="invitation-link">{link}</code>
      </p>
      <p>{t('admin.invite.once', { date: dateTime(ctx, expiresAt) })}</p>
      <h2>{t('admin.invite.summary')}</h2>
      <InvitationSummary
        ctx={ctx}
        email={email}
        role={role}
        departmentIds={departmentIds}
        departments={departments}
      />
      <p>
        <a href="/staff/users">{t('admin.invite.back')}</a>
      </p>
    </Layout>
  );
}

/** The invitee's page: the invitation, then a name and a password. */
export function AcceptInvitationPage({
  ctx,
  action,
  email,
  role,
  departmentIds,
  departments,
  errors,
  values,
}: {
  ctx: PageContext;
  /** The page's own address (it carries the token). */
  action: string;
  email: string;
  role: Role;
  departmentIds: number[];
  departments: Department[];
  errors: FieldErrors;
  values: { displayName: string };
}) {
  const { t } = ctx;
  return (
    <Layout
      ctx={ctx}
      title={t('admin.accept.title')}
      error={errors.length > 0}
      section="staff"
      crumbs={[{ href: action, label: t('admin.accept.title') }]}
    >
      <ErrorSummary t={t} errors={errors} />
      <h1>{t('admin.accept.title')}</h1>
      <p>{t('admin.accept.intro', { municipality: ctx.municipalityName })}</p>
      <h2>{t('admin.accept.summary')}</h2>
      <InvitationSummary
        ctx={ctx}
        email={email}
        role={role}
        departmentIds={departmentIds}
        departments={departments}
      />
      <form method="post" action={action} novalidate>
        <CsrfInput token={ctx.csrfToken ?? ''} />
        <NewAccountFields
          t={t}
          errors={errors}
          displayName={values.displayName}
          nameHint={t('admin.accept.nameHint')}
        />
        <button type="submit" class="button">
          {t('admin.accept.submit')}
        </button>
      </form>
    </Layout>
  );
}
