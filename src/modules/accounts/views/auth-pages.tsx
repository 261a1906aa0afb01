import type { PageContext } from '../../../web/context.ts';
import { CsrfInput, type FieldErrors, FormPageLayout, TextInput } from '../../../web/forms.tsx';
import type { Translate } from '../../../web/i18n/messages.ts';
import { Layout } from '../../../web/layout.tsx';

/** The sign-in, second-factor, enrolment and first-administrator pages. */

interface FormPage {
  ctx: PageContext;
  errors: FieldErrors;
}

function csrf(ctx: PageContext) {
  return <CsrfInput token={ctx.csrfToken ?? ''} />;
}

export function SignInPage({
  ctx,
  errors,
  email,
  next,
  notice,
}: FormPage & { email: string; next: string; notice?: string | undefined }) {
  const { t } = ctx;
  return (
    <FormPageLayout
      ctx={ctx}
      title={t('auth.signIn.title')}
      crumbs={[{ href: '/staff/sign-in', label: t('auth.signIn.title') }]}
      errors={errors}
    >
      {notice ? <p class="notice">{notice}</p> : null}
      <p>{t('auth.signIn.intro')}</p>
      <form method="post" action="/staff/sign-in" novalidate>
        {csrf(ctx)}
        <input type="hidden" name="next" value={next} />
        <TextInput
          t={t}
          id="email"
          label={t('auth.email')}
          type="email"
          autocomplete="username"
          errors={errors}
          value={email}
        />
        <TextInput
          t={t}
          id="password"
          label={t('auth.password')}
          type="password"
          autocomplete="current-password"
          errors={errors}
        />
        <button type="submit" class="button">
          {t('auth.signIn.submit')}
        </button>
      </form>
    </FormPageLayout>
  );
}

export function SecondFactorPage({ ctx, errors, next }: FormPage & { next: string }) {
  const { t } = ctx;
  return (
    <FormPageLayout
      ctx={ctx}
      title={t('auth.mfa.title')}
      crumbs={[{ href: '/staff/two-factor', label: t('auth.mfa.title') }]}
      errors={errors}
    >
      <form method="post" action="/staff/two-factor" novalidate>
        {csrf(ctx)}
        <input type="hidden" name="next" value={next} />
        <TextInput
          t={t}
          id="code"
          label={t('auth.mfa.code')}
          hint={t('auth.mfa.hint')}
          autocomplete="one-time-code"
          inputmode="text"
          errors={errors}
          maxLength={64}
        />
        <button type="submit" class="button">
          {t('auth.mfa.submit')}
        </button>
      </form>
    </FormPageLayout>
  );
}

export function EnrolPage({
  ctx,
  errors,
  qrSvg,
  manualKey,
}: FormPage & { qrSvg: string; manualKey: string }) {
  const { t } = ctx;
  return (
    <FormPageLayout
      ctx={ctx}
      title={t('auth.enrol.title')}
      crumbs={[{ href: '/staff/two-factor/setup', label: t('auth.enrol.title') }]}
      errors={errors}
    >
      <p>{t('auth.enrol.intro')}</p>
      <ol>
        <li>{t('auth.enrol.step1')}</li>
        <li>
          {t('auth.enrol.step2')}
          {/* The SVG comes from totpQrSvg(), which allows only <svg>, <title> and <path> (no script). */}
          <div class="qr" dangerouslySetInnerHTML={{ __html: qrSvg }} />
          <p>
            {t('auth.enrol.manual')} <code class="manual-key">{manualKey}</code>
          </p>
        </li>
        <li>{t('auth.enrol.step3')}</li>
      </ol>
      <form method="post" action="/staff/two-factor/setup" novalidate>
        {csrf(ctx)}
        <TextInput
          t={t}
          id="code"
          label={t('auth.enrol.code')}
          hint={t('auth.enrol.codeHint')}
          autocomplete="one-time-code"
          inputmode="numeric"
          errors={errors}
          maxLength={20}
        />
        <button type="submit" class="button">
          {t('auth.enrol.submit')}
        </button>
      </form>
    </FormPageLayout>
  );
}

export function RecoveryCodesPage({ ctx, codes }: { ctx: PageContext; codes: string[] }) {
  const { t } = ctx;
  return (
    <Layout
      ctx={ctx}
      title={t('auth.codes.title')}
      section="staff"
      crumbs={[{ href: '/staff', label: t('auth.codes.title') }]}
    >
      <h1>{t('auth.codes.title')}</h1>
      <p>{t('auth.codes.intro')}</p>
      <ul class="codes">
        {codes.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ul>
      <p>{t('auth.codes.once')}</p>
      <p>
        <a class="button" href="/staff">
          {t('auth.codes.continue')}
        </a>
      </p>
    </Layout>
  );
}

export function SetupPage({
  ctx,
  errors,
  token,
  values,
}: FormPage & { token: string; values: { email: string; displayName: string } }) {
  const { t } = ctx;
  return (
    <FormPageLayout
      ctx={ctx}
      title={t('auth.setup.title')}
      crumbs={[{ href: '/staff/setup', label: t('auth.setup.title') }]}
      errors={errors}
    >
      <p>{t('auth.setup.intro')}</p>
      <form method="post" action="/staff/setup" novalidate>
        {csrf(ctx)}
        <input type="hidden" name="token" value={token} />
        <TextInput
          t={t}
          id="email"
          label={t('auth.email')}
          type="email"
          autocomplete="username"
          errors={errors}
          value={values.email}
        />
        <NewAccountFields t={t} errors={errors} displayName={values.displayName} />
        <button type="submit" class="button">
          {t('auth.setup.submit')}
        </button>
      </form>
    </FormPageLayout>
  );
}

/** A one-time link that is unknown, used or expired. */
export function LinkUnusablePage({ ctx }: { ctx: PageContext }) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('auth.link.title')} section="staff">
      <h1>{t('auth.link.title')}</h1>
      <p>{t('auth.link.body')}</p>
    </Layout>
  );
}

/** Name and new password twice: the fields of the first administrator's and an invitee's account. */
export function NewAccountFields({
  t,
  errors,
  displayName,
  nameHint,
}: {
  t: Translate;
  errors: FieldErrors;
  displayName: string;
  nameHint?: string;
}) {
  return (
    <>
      <TextInput
        t={t}
        id="displayName"
        label={t('auth.displayName')}
        {...(nameHint ? { hint: nameHint } : {})}
        autocomplete="name"
        errors={errors}
        value={displayName}
        maxLength={100}
      />
      <TextInput
        t={t}
        id="password"
        label={t('auth.newPassword')}
        hint={t('auth.passwordHint')}
        type="password"
        autocomplete="new-password"
        errors={errors}
      />
      <TextInput
        t={t}
        id="confirm"
        label={t('auth.confirmPassword')}
        type="password"
        autocomplete="new-password"
        errors={errors}
      />
    </>
  );
}
