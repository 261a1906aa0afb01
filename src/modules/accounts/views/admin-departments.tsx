import type { PageContext } from '../../../web/context.ts';
import { CsrfInput, ErrorSummary, type FieldErrors, TextInput } from '../../../web/forms.tsx';
import { Layout } from '../../../web/layout.tsx';
import type { Abilities } from '../accounts.policy.ts';
import type { Department } from '../admin.service.ts';
import { AdminNav, Notice } from './admin-common.tsx';

/** The departments (部・課) list with the create form, and a department's edit page. */

function crumbs(ctx: PageContext, last?: { href: string; label: string }) {
  const { t } = ctx;
  return [
    { href: '/staff', label: t('staff.home.title') },
    { href: '/staff/departments', label: t('admin.dept.title') },
    ...(last ? [last] : []),
  ];
}

export function DepartmentsPage({
  ctx,
  abilities,
  departments,
  errors,
  values,
  notice,
}: {
  ctx: PageContext;
  abilities: Abilities;
  departments: Department[];
  errors: FieldErrors;
  values: { name: string };
  notice?: string | undefined;
}) {
  const { t } = ctx;
  return (
    <Layout
      ctx={ctx}
      title={t('admin.dept.title')}
      error={errors.length > 0}
      section="staff"
      crumbs={crumbs(ctx)}
    >
      <ErrorSummary t={t} errors={errors} />
      <AdminNav ctx={ctx} abilities={abilities} />
      <h1>{t('admin.dept.title')}</h1>
      <Notice text={notice} />
      <p>{t('admin.dept.intro')}</p>
      {departments.length === 0 ? (
        <p>{t('admin.dept.none')}</p>
      ) : (
        <div class="table-scroll">
          <table>
            <caption>{t('admin.dept.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('admin.dept.colName')}</th>
                <th scope="col">{t('admin.dept.colPosition')}</th>
                <th scope="col">{t('admin.dept.colStatus')}</th>
              </tr>
            </thead>
            <tbody>
              {departments.map((d) => (
                <tr key={d.id}>
                  <th scope="row">
                    {abilities.manageDepartments ? (
                      <a href={`/staff/departments/${d.id}`}>{d.name}</a>
                    ) : (
                      d.name
                    )}
                  </th>
                  <td>{d.position}</td>
                  <td>{d.disabled ? t('admin.status.disabled') : t('admin.status.active')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {abilities.manageDepartments ? (
        <section aria-labelledby="create-h">
          <h2 id="create-h">{t('admin.dept.createH')}</h2>
          <form method="post" action="/staff/departments" novalidate>
            <CsrfInput token={ctx.csrfToken ?? ''} />
            <TextInput
              t={t}
              id="name"
              label={t('admin.dept.name')}
              hint={t('admin.dept.nameHint')}
              errors={errors}
              value={values.name}
              autocomplete="off"
            />
            <button type="submit" class="button">
              {t('admin.dept.createSubmit')}
            </button>
          </form>
        </section>
      ) : null}
    </Layout>
  );
}

export function DepartmentEditPage({
  ctx,
  abilities,
  department,
  errors,
  values,
  notice,
}: {
  ctx: PageContext;
  abilities: Abilities;
  department: Department;
  errors: FieldErrors;
  values: { name: string; position: string };
  notice?: string | undefined;
}) {
  const { t } = ctx;
  const href = `/staff/departments/${department.id}`;
  // The heading names the department as stored, not as typed into a form that failed.
  const title = t('admin.dept.editTitle', { name: department.name });
  return (
    <Layout
      ctx={ctx}
      title={title}
      error={errors.length > 0}
      section="staff"
      crumbs={crumbs(ctx, { href, label: t('admin.dept.editCrumb') })}
    >
      <ErrorSummary t={t} errors={errors} />
      <AdminNav ctx={ctx} abilities={abilities} />
      <h1>{title}</h1>
      <Notice text={notice} />
      <form method="post" action={href} novalidate>
        <CsrfInput token={ctx.csrfToken ?? ''} />
        <TextInput
          t={t}
          id="name"
          label={t('admin.dept.name')}
          hint={t('admin.dept.nameHint')}
          errors={errors}
          value={values.name}
          autocomplete="off"
        />
        <TextInput
          t={t}
          id="position"
          label={t('admin.dept.position')}
          hint={t('admin.dept.positionHint')}
          errors={errors}
          value={values.position}
          inputmode="numeric"
          autocomplete="off"
          maxLength={4}
        />
        <button type="submit" class="button">
          {t('admin.dept.save')}
        </button>
      </form>
      <section aria-labelledby="disable-h">
        <h2 id="disable-h">{t('admin.dept.disableH')}</h2>
        <p>{department.disabled ? t('admin.dept.enableBody') : t('admin.dept.disableBody')}</p>
        <form method="post" action={`${href}/${department.disabled ? 'enable' : 'disable'}`}>
          <CsrfInput token={ctx.csrfToken ?? ''} />
          <button type="submit" class="button button--secondary">
            {department.disabled ? t('admin.dept.enable') : t('admin.dept.disable')}
          </button>
        </form>
      </section>
    </Layout>
  );
}
