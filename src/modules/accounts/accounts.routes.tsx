import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formPageContext, localPath } from '../../web/context.ts';
import { UnauthenticatedError } from '../../web/errors.ts';
import { sendPage } from '../../web/render.ts';
import { clearSessionCookie, clientIp, secureCookies, setSessionCookie } from '../../web/staff-session.ts';
import { measuresOfDepartments } from '../plan/plan-settings.service.ts';
import { abilities } from './accounts.policy.ts';
import { validateCode, validateNewAccount, validateSignIn } from './accounts.schema.ts';
import { completeSetup, setupTokenUsable } from './accounts.service.ts';
import {
  confirmTotpEnrolment,
  signInWithPassword,
  startTotpEnrolment,
  trustBrowser,
  verifySecondFactor,
} from './auth.service.ts';
import { formatSecretForManualEntry, totpQrSvg } from './credentials/totp.ts';
import {
  createSession,
  endSession,
  endSessionsOfUser,
  listSessions,
  type ResolvedSession,
} from './sessions.service.ts';
import { DEVICE_TRUST_MS } from './throttle.ts';
import {
  EnrolPage,
  LinkUnusablePage,
  RecoveryCodesPage,
  SecondFactorPage,
  SetupPage,
  SignInPage,
} from './views/auth-pages.tsx';
import { SessionsPage, StaffHomePage } from './views/staff-pages.tsx';

/** A session past the second factor, or a redirect to where sign-in continues. */
export function requireStaff(request: FastifyRequest): ResolvedSession {
  const s = request.staff;
  if (!s) throw new UnauthenticatedError();
  if (!s.session.mfaPassed) {
    throw new UnauthenticatedError(
      'second factor required',
      s.user.totpEnabled ? '/staff/two-factor' : '/staff/two-factor/setup',
    );
  }
  return s;
}

/** A session that has passed the password step but not yet the second factor. */
function requirePending(request: FastifyRequest): ResolvedSession {
  const s = request.staff;
  if (!s) throw new UnauthenticatedError();
  return s;
}

type Body = Record<string, unknown> | undefined;
const field = (body: Body, name: string) => (typeof body?.[name] === 'string' ? (body[name] as string) : '');

/**
 * Device cookies (ADR 0008): one per account that completed a full sign-in on this browser, named after
 * the user id (`__Host-` over HTTPS, like the session cookie), HttpOnly, SameSite=Strict (only our own
 * sign-in forms need them), kept for DEVICE_TRUST_MS and renewed at every full sign-in.
 */
function deviceCookiePrefix(baseUrl: string): string {
  return secureCookies(baseUrl) ? '__Host-kyoso_device_' : 'kyoso_device_';
}

/** Sign-in, second factor, enrolment, sign-out, first administrator, sessions. */
export async function accountsRoutes(app: FastifyInstance) {
  const ctx = async (request: FastifyRequest, reply: FastifyReply) =>
    formPageContext(request, reply, await app.site.name());

  const devicePrefix = deviceCookiePrefix(app.config.baseUrl);
  /** The browser's device tokens (the service keeps the one that is valid for the account, if any). */
  const deviceTokens = (request: FastifyRequest): string[] =>
    Object.entries(request.cookies)
      .filter(([name, value]) => name.startsWith(devicePrefix) && typeof value === 'string')
      .map(([, value]) => value as string);
  /** After a full sign-in: this browser is trusted for the user from now on. */
  async function trustThisBrowser(reply: FastifyReply, userId: number) {
    reply.setCookie(`${devicePrefix}${userId}`, await trustBrowser(app.db, userId, app.clock()), {
      path: '/',
      httpOnly: true,
      sameSite: 'strict',
      secure: secureCookies(app.config.baseUrl),
      maxAge: Math.floor(DEVICE_TRUST_MS / 1000),
    });
  }

  /** Replaces the current session by a new one (a new id at every step up in trust). */
  async function startSession(
    request: FastifyRequest,
    reply: FastifyReply,
    userId: number,
    mfaPassed: boolean,
  ) {
    if (request.staff) await endSession(app.db, request.staff.session.id, app.clock());
    const { token, id } = await createSession(app.db, {
      userId,
      municipalityCode: app.config.municipality,
      ip: clientIp(request),
      userAgent: String(request.headers['user-agent'] ?? ''),
      mfaPassed,
      now: app.clock(),
    });
    setSessionCookie(app, reply, token);
    return id;
  }

  app.get<{ Querystring: { next?: string; done?: string } }>('/staff/sign-in', async (request, reply) => {
    if (request.staff?.session.mfaPassed) return reply.redirect('/staff', 303);
    const c = await ctx(request, reply);
    const notice =
      request.query.done === 'signed-out'
        ? c.t('auth.signIn.signedOut')
        : request.query.done === 'setup'
          ? c.t('auth.signIn.setupDone')
          : request.query.done === 'invited'
            ? c.t('admin.signIn.invited')
            : undefined;
    return sendPage(
      reply,
      <SignInPage
        ctx={c}
        errors={[]}
        email=""
        next={localPath(request.query.next ?? '/staff')}
        notice={notice}
      />,
    );
  });

  app.post<{ Body: Body }>('/staff/sign-in', async (request, reply) => {
    const c = await ctx(request, reply);
    const next = localPath(field(request.body, 'next') || '/staff');
    const v = validateSignIn(request.body);
    const email = field(request.body, 'email').slice(0, 254);
    if (!v.ok)
      return sendPage(reply, <SignInPage ctx={c} errors={v.errors} email={email} next={next} />, 400);
    const r = await signInWithPassword(app.db, {
      ...v.value,
      ip: clientIp(request),
      now: app.clock(),
      deviceTokens: deviceTokens(request),
    });
    if (!r.ok) {
      const message =
        r.reason === 'throttled'
          ? c.t(r.trustedDevice ? 'auth.signIn.throttledDevice' : 'auth.signIn.throttled', {
              minutes: Math.ceil(r.retryAfterSeconds / 60),
            })
          : c.t('auth.signIn.invalid');
      if (r.reason === 'throttled') reply.header('retry-after', String(r.retryAfterSeconds));
      return sendPage(
        reply,
        <SignInPage ctx={c} errors={[{ field: 'email', message }]} email={email} next={next} />,
        r.reason === 'throttled' ? 429 : 400,
      );
    }
    await startSession(request, reply, r.userId, false);
    const step = r.totpEnabled ? '/staff/two-factor' : '/staff/two-factor/setup';
    return reply.redirect(`${step}?next=${encodeURIComponent(next)}`, 303);
  });

  app.get<{ Querystring: { next?: string } }>('/staff/two-factor', async (request, reply) => {
    const s = requirePending(request);
    if (s.session.mfaPassed) return reply.redirect('/staff', 303);
    if (!s.user.totpEnabled) return reply.redirect('/staff/two-factor/setup', 303);
    return sendPage(
      reply,
      <SecondFactorPage
        ctx={await ctx(request, reply)}
        errors={[]}
        next={localPath(request.query.next ?? '/staff')}
      />,
    );
  });

  app.post<{ Body: Body }>('/staff/two-factor', async (request, reply) => {
    const s = requirePending(request);
    if (s.session.mfaPassed) return reply.redirect('/staff', 303);
    const c = await ctx(request, reply);
    const next = localPath(field(request.body, 'next') || '/staff');
    const v = validateCode(request.body);
    if (!v.ok) return sendPage(reply, <SecondFactorPage ctx={c} errors={v.errors} next={next} />, 400);
    const r = await verifySecondFactor(app.db, s.user.id, v.value, app.clock(), deviceTokens(request));
    if (!r.ok) {
      const message =
        r.reason === 'throttled'
          ? c.t(r.trustedDevice ? 'auth.mfa.throttledDevice' : 'auth.mfa.throttled', {
              minutes: Math.ceil(r.retryAfterSeconds / 60),
            })
          : c.t('auth.mfa.invalid');
      if (r.reason === 'throttled') reply.header('retry-after', String(r.retryAfterSeconds));
      return sendPage(
        reply,
        <SecondFactorPage ctx={c} errors={[{ field: 'code', message }]} next={next} />,
        r.reason === 'throttled' ? 429 : 400,
      );
    }
    await startSession(request, reply, s.user.id, true);
    await trustThisBrowser(reply, s.user.id);
    return reply.redirect(next, 303);
  });

  const issuer = async () => `${await app.site.name()} Kyoso`.trim();

  app.get('/staff/two-factor/setup', async (request, reply) => {
    const s = requirePending(request);
    if (s.user.totpEnabled) return reply.redirect(s.session.mfaPassed ? '/staff' : '/staff/two-factor', 303);
    const { secret, uri } = await startTotpEnrolment(app.db, s.user.id, await issuer(), app.clock());
    const c = await ctx(request, reply);
    return sendPage(
      reply,
      <EnrolPage
        ctx={c}
        errors={[]}
        qrSvg={await totpQrSvg(uri)}
        manualKey={formatSecretForManualEntry(secret)}
      />,
    );
  });

  app.post<{ Body: Body }>('/staff/two-factor/setup', async (request, reply) => {
    const s = requirePending(request);
    if (s.user.totpEnabled) return reply.redirect('/staff', 303);
    const c = await ctx(request, reply);
    const v = validateCode(request.body);
    const r = v.ok ? await confirmTotpEnrolment(app.db, s.user.id, v.value, app.clock()) : null;
    if (!r?.ok) {
      const message =
        r?.reason === 'throttled'
          ? c.t('auth.enrol.throttled', { minutes: Math.ceil(r.retryAfterSeconds / 60) })
          : c.t('auth.enrol.invalid');
      if (r?.reason === 'throttled') reply.header('retry-after', String(r.retryAfterSeconds));
      const errors = v.ok ? [{ field: 'code', message }] : v.errors;
      const { secret, uri } = await startTotpEnrolment(app.db, s.user.id, await issuer(), app.clock());
      return sendPage(
        reply,
        <EnrolPage
          ctx={c}
          errors={errors}
          qrSvg={await totpQrSvg(uri)}
          manualKey={formatSecretForManualEntry(secret)}
        />,
        r?.reason === 'throttled' ? 429 : 400,
      );
    }
    const id = await startSession(request, reply, s.user.id, true);
    await trustThisBrowser(reply, s.user.id);
    request.staff = {
      user: { ...s.user, totpEnabled: true },
      session: { ...s.session, id, mfaPassed: true },
    };
    // The codes are shown once, on this response: no redirect, and the page is not cached.
    reply.header('cache-control', 'no-store');
    return sendPage(reply, <RecoveryCodesPage ctx={await ctx(request, reply)} codes={r.recoveryCodes} />);
  });

  app.post('/staff/sign-out', async (request, reply) => {
    if (request.staff) await endSession(app.db, request.staff.session.id, app.clock());
    clearSessionCookie(app, reply);
    return reply.redirect('/staff/sign-in?done=signed-out', 303);
  });

  app.get('/staff', async (request, reply) => {
    const s = requireStaff(request);
    const measures = await measuresOfDepartments(app.db, app.config.municipality, s.user.departmentIds);
    return sendPage(
      reply,
      <StaffHomePage
        ctx={await ctx(request, reply)}
        user={s.user}
        can={abilities(s.user)}
        measures={measures}
      />,
    );
  });

  app.get('/staff/sessions', async (request, reply) => {
    const s = requireStaff(request);
    const sessions = await listSessions(app.db, s.user.id, s.session.id, app.clock());
    return sendPage(reply, <SessionsPage ctx={await ctx(request, reply)} sessions={sessions} />);
  });

  app.post<{ Params: { id: string } }>('/staff/sessions/:id/end', async (request, reply) => {
    const s = requireStaff(request);
    const sessions = await listSessions(app.db, s.user.id, s.session.id, app.clock());
    // Only the user's own other sessions: an id of somebody else's session is simply not in the list.
    const target = sessions.find((x) => x.id === request.params.id && !x.current);
    if (target) await endSession(app.db, target.id, app.clock());
    return reply.redirect('/staff/sessions', 303);
  });

  app.post('/staff/sessions/end-others', async (request, reply) => {
    const s = requireStaff(request);
    await endSessionsOfUser(app.db, s.user.id, app.clock(), s.session.id);
    return reply.redirect('/staff/sessions', 303);
  });

  app.get<{ Querystring: { token?: string } }>('/staff/setup', async (request, reply) => {
    const token = request.query.token ?? '';
    const c = await ctx(request, reply);
    if (!(await setupTokenUsable(app.db, token, app.clock())))
      return sendPage(reply, <LinkUnusablePage ctx={c} />, 410);
    return sendPage(
      reply,
      <SetupPage ctx={c} errors={[]} token={token} values={{ email: '', displayName: '' }} />,
    );
  });

  app.post<{ Body: Body }>('/staff/setup', async (request, reply) => {
    const token = field(request.body, 'token');
    const c = await ctx(request, reply);
    if (!(await setupTokenUsable(app.db, token, app.clock())))
      return sendPage(reply, <LinkUnusablePage ctx={c} />, 410);
    const values = {
      email: field(request.body, 'email').slice(0, 254),
      displayName: field(request.body, 'displayName').slice(0, 200),
    };
    const v = validateNewAccount(request.body);
    if (!v.ok)
      return sendPage(reply, <SetupPage ctx={c} errors={v.errors} token={token} values={values} />, 400);
    const r = await completeSetup(app.db, {
      token,
      account: v.value,
      ip: clientIp(request),
      requestId: String(request.id),
      now: app.clock(),
    });
    if (!r.ok && r.reason === 'email_taken') {
      return sendPage(
        reply,
        <SetupPage
          ctx={c}
          errors={[{ field: 'email', message: c.t('auth.setup.emailTaken') }]}
          token={token}
          values={values}
        />,
        400,
      );
    }
    if (!r.ok) return sendPage(reply, <LinkUnusablePage ctx={c} />, 410);
    return reply.redirect('/staff/sign-in?done=setup', 303);
  });
}
