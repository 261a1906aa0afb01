import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formPageContext, type PageContext } from '../../web/context.ts';
import type { FieldErrors } from '../../web/forms.tsx';
import type { MessageKey } from '../../web/i18n/messages.ts';
import { sendPage } from '../../web/render.ts';
import { clientIp } from '../../web/staff-session.ts';
import { abilities, authorize } from './accounts.policy.ts';
import { requireStaff } from './accounts.routes.tsx';
import { validateNewAccount } from './accounts.schema.ts';
import {
  parseId,
  parseInvitationEmail,
  parseToken,
  validateDepartmentEdit,
  validateInvitation,
  validateNewDepartment,
  validateUserEdit,
} from './admin.schema.ts';
import {
  type AdminWrite,
  acceptInvitation,
  cancelInvitation,
  createDepartment,
  getAccount,
  getDepartment,
  inviteStaff,
  listAccounts,
  listDepartments,
  setAccountDisabled,
  setDepartmentDisabled,
  updateAccount,
  updateDepartment,
  usableInvitation,
} from './admin.service.ts';
import type { ResolvedSession } from './sessions.service.ts';
import { DepartmentEditPage, DepartmentsPage } from './views/admin-departments.tsx';
import { AcceptInvitationPage, InvitationCreatedPage, InvitePage } from './views/admin-invitations.tsx';
import { UserEditPage, UsersPage } from './views/admin-users.tsx';
import { LinkUnusablePage } from './views/auth-pages.tsx';

/**
 * Administration of staff: departments (/staff/departments), staff accounts and invitations
 * (/staff/users), and the public page where an invitation is accepted (/staff/invitations/:token).
 * Thin: parse → requireStaff → authorize → service → render or 303.
 */

type Body = Record<string, unknown> | undefined;

const field = (body: Body, name: string, max = 200) =>
  typeof body?.[name] === 'string' ? (body[name] as string).slice(0, max) : '';

/** The values of a repeated field (checkboxes): none, one or several. */
function multi(body: Body, name: string): string[] {
  const v = body?.[name];
  const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return list.filter((x): x is string => typeof x === 'string').slice(0, 500);
}

const DEPARTMENT_NOTICES = {
  created: 'admin.dept.notice.created',
  updated: 'admin.dept.notice.updated',
  unchanged: 'admin.dept.notice.unchanged',
  disabled: 'admin.dept.notice.disabled',
  enabled: 'admin.dept.notice.enabled',
} as const satisfies Record<string, MessageKey>;

const USER_NOTICES = {
  'invite-cancelled': 'admin.users.notice.invite-cancelled',
  updated: 'admin.users.notice.updated',
  unchanged: 'admin.users.notice.unchanged',
  disabled: 'admin.users.notice.disabled',
  enabled: 'admin.users.notice.enabled',
} as const satisfies Record<string, MessageKey>;

/** The notice a `?done=` after a redirect names; unknown values show nothing. */
function noticeOf(c: PageContext, notices: Record<string, MessageKey>, query: unknown): string | undefined {
  const done = (query as { done?: unknown } | undefined)?.done;
  return typeof done === 'string' && Object.hasOwn(notices, done) ? c.t(notices[done]!) : undefined;
}

// Invitation links carry their token in the path: keep these requests out of the info-level request
// log, so that a log reader cannot accept somebody else's invitation.
const QUIET = { logLevel: 'warn' } as const;

export async function adminRoutes(app: FastifyInstance) {
  const ctx = async (request: FastifyRequest, reply: FastifyReply) =>
    formPageContext(request, reply, await app.site.name());
  const municipality = () => app.config.municipality;

  /** The write context: who (from the session), from where, in which request, when. */
  const writer = (request: FastifyRequest, s: ResolvedSession): AdminWrite => ({
    db: app.db,
    municipalityCode: municipality(),
    actor: { userId: s.user.id, label: s.user.email, ip: clientIp(request), requestId: String(request.id) },
    now: app.clock(),
  });

  // --- departments ---------------------------------------------------------------------------------

  app.get('/staff/departments', async (request, reply) => {
    const s = requireStaff(request);
    authorize(s.user, 'read', { type: 'department' });
    const departments = await listDepartments(app.db, municipality());
    const c = await ctx(request, reply);
    return sendPage(
      reply,
      <DepartmentsPage
        ctx={c}
        abilities={abilities(s.user)}
        departments={departments}
        errors={[]}
        values={{ name: '' }}
        notice={noticeOf(c, DEPARTMENT_NOTICES, request.query)}
      />,
    );
  });

  app.post<{ Body: Body }>('/staff/departments', async (request, reply) => {
    const s = requireStaff(request);
    authorize(s.user, 'create', { type: 'department' });
    const c = await ctx(request, reply);
    const v = validateNewDepartment(request.body, c.t);
    const r = v.ok ? await createDepartment(writer(request, s), v.value) : null;
    if (r?.ok) return reply.redirect('/staff/departments?done=created', 303);
    const errors = v.ok
      ? [{ field: 'name', message: c.t('admin.v.deptNameTaken', { name: v.value.name }) }]
      : v.errors;
    return sendPage(
      reply,
      <DepartmentsPage
        ctx={c}
        abilities={abilities(s.user)}
        departments={await listDepartments(app.db, municipality())}
        errors={errors}
        values={{ name: field(request.body, 'name') }}
      />,
      400,
    );
  });

  app.get('/staff/departments/:id', async (request, reply) => {
    const id = parseId(request.params);
    const s = requireStaff(request);
    authorize(s.user, 'update', { type: 'department', id });
    const d = await getDepartment(app.db, municipality(), id);
    const c = await ctx(request, reply);
    return sendPage(
      reply,
      <DepartmentEditPage
        ctx={c}
        abilities={abilities(s.user)}
        department={d}
        errors={[]}
        values={{ name: d.name, position: String(d.position) }}
        notice={noticeOf(c, DEPARTMENT_NOTICES, request.query)}
      />,
    );
  });

  app.post<{ Body: Body }>('/staff/departments/:id', async (request, reply) => {
    const id = parseId(request.params);
    const s = requireStaff(request);
    authorize(s.user, 'update', { type: 'department', id });
    const d = await getDepartment(app.db, municipality(), id);
    const c = await ctx(request, reply);
    const v = validateDepartmentEdit(request.body, c.t);
    const r = v.ok ? await updateDepartment(writer(request, s), id, v.value) : null;
    if (r?.ok) return reply.redirect(`/staff/departments?done=${r.changed ? 'updated' : 'unchanged'}`, 303);
    const errors = v.ok
      ? [{ field: 'name', message: c.t('admin.v.deptNameTaken', { name: v.value.name }) }]
      : v.errors;
    return sendPage(
      reply,
      <DepartmentEditPage
        ctx={c}
        abilities={abilities(s.user)}
        department={d}
        errors={errors}
        values={{ name: field(request.body, 'name'), position: field(request.body, 'position', 20) }}
      />,
      400,
    );
  });

  for (const action of ['disable', 'enable'] as const) {
    app.post(`/staff/departments/:id/${action}`, async (request, reply) => {
      const id = parseId(request.params);
      const s = requireStaff(request);
      authorize(s.user, 'disable', { type: 'department', id });
      const r = await setDepartmentDisabled(writer(request, s), id, action === 'disable');
      const done = r.changed ? (action === 'disable' ? 'disabled' : 'enabled') : 'unchanged';
      return reply.redirect(`/staff/departments/${id}?done=${done}`, 303);
    });
  }

  // --- staff accounts ------------------------------------------------------------------------------

  app.get('/staff/users', async (request, reply) => {
    const s = requireStaff(request);
    authorize(s.user, 'read', { type: 'user' });
    const [{ users, invitations }, departments] = await Promise.all([
      listAccounts(app.db, municipality(), app.clock()),
      listDepartments(app.db, municipality()),
    ]);
    const c = await ctx(request, reply);
    return sendPage(
      reply,
      <UsersPage
        ctx={c}
        abilities={abilities(s.user)}
        users={users}
        invitations={invitations}
        departments={departments}
        notice={noticeOf(c, USER_NOTICES, request.query)}
      />,
    );
  });

  app.get('/staff/users/invite', async (request, reply) => {
    const s = requireStaff(request);
    authorize(s.user, 'create', { type: 'user' });
    return sendPage(
      reply,
      <InvitePage
        ctx={await ctx(request, reply)}
        abilities={abilities(s.user)}
        departments={await listDepartments(app.db, municipality())}
        errors={[]}
        values={{ email: '', role: '', departmentIds: [] }}
      />,
    );
  });

  app.post<{ Body: Body }>('/staff/users/invite', async (request, reply) => {
    const s = requireStaff(request);
    authorize(s.user, 'create', { type: 'user' });
    const c = await ctx(request, reply);
    const departments = await listDepartments(app.db, municipality());
    const v = validateInvitation(request.body, c.t);
    const r = v.ok ? await inviteStaff(writer(request, s), v.value) : null;
    if (v.ok && r?.ok) {
      // The link is shown on this response only (the token is not stored): no redirect, no caching.
      reply.header('cache-control', 'no-store');
      return sendPage(
        reply,
        <InvitationCreatedPage
          ctx={c}
          abilities={abilities(s.user)}
          link={`${app.config.baseUrl}/staff/invitations/${r.token}`}
          email={v.value.email}
          role={v.value.role}
          departmentIds={v.value.departmentIds}
          departments={departments}
          expiresAt={r.expiresAt}
        />,
      );
    }
    const errors = !v.ok
      ? v.errors
      : r?.ok === false && r.reason === 'departments'
        ? [{ field: 'departmentIds', message: c.t('admin.v.departmentsInvalid') }]
        : [
            {
              field: 'email',
              message: c.t(
                r?.ok === false && r.reason === 'email_invited'
                  ? 'admin.v.emailInvited'
                  : 'admin.v.emailTaken',
              ),
            },
          ];
    return sendPage(
      reply,
      <InvitePage
        ctx={c}
        abilities={abilities(s.user)}
        departments={departments}
        errors={errors}
        values={{
          email: field(request.body, 'email', 254),
          role: field(request.body, 'role', 20),
          departmentIds: multi(request.body, 'departmentIds'),
        }}
      />,
      400,
    );
  });

  app.post<{ Body: Body }>('/staff/users/invitations/cancel', async (request, reply) => {
    const s = requireStaff(request);
    authorize(s.user, 'create', { type: 'user' });
    const email = parseInvitationEmail(request.body);
    if (email) await cancelInvitation(writer(request, s), email);
    return reply.redirect('/staff/users?done=invite-cancelled', 303);
  });

  /** The user's page, with the form as submitted (or as stored) and its problems. */
  async function userPage(
    request: FastifyRequest,
    reply: FastifyReply,
    s: ResolvedSession,
    id: number,
    form: { errors: FieldErrors; values?: { role: string; departmentIds: string[] } },
    status = 200,
  ) {
    const [account, departments] = await Promise.all([
      getAccount(app.db, municipality(), id),
      listDepartments(app.db, municipality()),
    ]);
    const c = await ctx(request, reply);
    return sendPage(
      reply,
      <UserEditPage
        ctx={c}
        abilities={abilities(s.user)}
        account={account}
        departments={departments}
        isSelf={account.id === s.user.id}
        errors={form.errors}
        values={form.values ?? { role: account.role, departmentIds: account.departmentIds.map(String) }}
        notice={status === 200 ? noticeOf(c, USER_NOTICES, request.query) : undefined}
      />,
      status,
    );
  }

  app.get('/staff/users/:id', async (request, reply) => {
    const id = parseId(request.params);
    const s = requireStaff(request);
    authorize(s.user, 'update', { type: 'user', id });
    return userPage(request, reply, s, id, { errors: [] });
  });

  app.post<{ Body: Body }>('/staff/users/:id', async (request, reply) => {
    const id = parseId(request.params);
    const s = requireStaff(request);
    authorize(s.user, 'update', { type: 'user', id });
    const { t } = await ctx(request, reply);
    const values = {
      role: field(request.body, 'role', 20),
      departmentIds: multi(request.body, 'departmentIds'),
    };
    const v = validateUserEdit(request.body, t);
    if (!v.ok) {
      // userPage reads the user first: an unknown id is a 404 before it is a bad form.
      return userPage(request, reply, s, id, { errors: v.errors, values }, 400);
    }
    const r = await updateAccount(writer(request, s), id, v.value);
    if (!r.ok) {
      const error =
        r.reason === 'last_admin'
          ? { field: 'role', message: t('admin.v.lastAdminRole') }
          : { field: 'departmentIds', message: t('admin.v.departmentsInvalid') };
      return userPage(
        request,
        reply,
        s,
        id,
        { errors: [error], values },
        r.reason === 'last_admin' ? 409 : 400,
      );
    }
    // An administrator who gave up the role may no longer see the users pages.
    const selfDemoted = id === s.user.id && v.value.role !== 'admin';
    return reply.redirect(
      selfDemoted ? '/staff' : `/staff/users/${id}?done=${r.changed ? 'updated' : 'unchanged'}`,
      303,
    );
  });

  for (const action of ['disable', 'enable'] as const) {
    app.post(`/staff/users/:id/${action}`, async (request, reply) => {
      const id = parseId(request.params);
      const s = requireStaff(request);
      authorize(s.user, 'disable', { type: 'user', id });
      const r = await setAccountDisabled(writer(request, s), id, action === 'disable');
      if (!r.ok) {
        const { t } = await ctx(request, reply);
        return userPage(
          request,
          reply,
          s,
          id,
          { errors: [{ field: 'disable', message: t('admin.v.lastAdminDisable') }] },
          409,
        );
      }
      // Disabling oneself ends one's own session too: the next page is the sign-in.
      const done = r.changed ? (action === 'disable' ? 'disabled' : 'enabled') : 'unchanged';
      return reply.redirect(`/staff/users/${id}?done=${done}`, 303);
    });
  }

  // --- accepting an invitation (public: the link is the credential) --------------------------------

  app.get('/staff/invitations/:token', QUIET, async (request, reply) => {
    const token = parseToken(request.params);
    const c = await ctx(request, reply);
    const inv = token ? await usableInvitation(app.db, municipality(), token, app.clock()) : null;
    if (!token || !inv) return sendPage(reply, <LinkUnusablePage ctx={c} />, 410);
    reply.header('cache-control', 'no-store');
    return sendPage(
      reply,
      <AcceptInvitationPage
        ctx={c}
        action={`/staff/invitations/${token}`}
        email={inv.email}
        role={inv.role}
        departmentIds={inv.departmentIds}
        departments={await listDepartments(app.db, municipality())}
        errors={[]}
        values={{ displayName: '' }}
      />,
    );
  });

  app.post<{ Body: Body }>('/staff/invitations/:token', QUIET, async (request, reply) => {
    const token = parseToken(request.params);
    const c = await ctx(request, reply);
    const inv = token ? await usableInvitation(app.db, municipality(), token, app.clock()) : null;
    if (!token || !inv) return sendPage(reply, <LinkUnusablePage ctx={c} />, 410);
    // The e-mail is the invitation's, never the form's; it is passed so that the password check can
    // refuse a password containing it.
    const v = validateNewAccount({ ...request.body, email: inv.email }, false);
    if (!v.ok) {
      reply.header('cache-control', 'no-store');
      return sendPage(
        reply,
        <AcceptInvitationPage
          ctx={c}
          action={`/staff/invitations/${token}`}
          email={inv.email}
          role={inv.role}
          departmentIds={inv.departmentIds}
          departments={await listDepartments(app.db, municipality())}
          errors={v.errors}
          values={{ displayName: field(request.body, 'displayName') }}
        />,
        400,
      );
    }
    const r = await acceptInvitation(app.db, {
      municipalityCode: municipality(),
      token,
      account: v.value,
      ip: clientIp(request),
      requestId: String(request.id),
      now: app.clock(),
    });
    if (!r.ok) return sendPage(reply, <LinkUnusablePage ctx={c} />, 410);
    return reply.redirect('/staff/sign-in?done=invited', 303);
  });
}
