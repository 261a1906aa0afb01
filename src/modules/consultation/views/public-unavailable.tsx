import type { PageContext } from '../../../web/context.ts';
import { CsrfInput } from '../../../web/forms.tsx';
import { Layout } from '../../../web/layout.tsx';
import { HONEYPOT_FIELD, type IntakeForm, opinionField, sectionField } from '../intake.schema.ts';

/**
 * POST /consultations/:id/submit when the database cannot be reached (503): says in words that the
 * opinion was NOT saved, keeps everything that was typed in the page (hidden fields of a form that sends
 * it again, the opinions shown as text to copy), and asks to try again in a moment. It needs no database:
 * not even the consultation's title is read. Sending again is safe: an exact duplicate counts once.
 */
export function PublicSubmitUnavailablePage({
  ctx,
  consultationId,
  form,
  honeypot,
}: {
  ctx: PageContext;
  consultationId: number;
  form: IntakeForm;
  honeypot: string;
}) {
  const { t } = ctx;
  const title = t('pc.public.unavailable.title');
  const hidden: Array<[string, string]> = [
    ['name', form.name],
    ['address', form.address],
    ['category', form.category],
    ['categoryNote', form.categoryNote],
    ['email', form.email],
    ['phone', form.phone],
    [HONEYPOT_FIELD, honeypot],
    ...form.opinions.flatMap(
      (o, i): Array<[string, string]> => [
        [sectionField(i + 1), o.section],
        [opinionField(i + 1), o.body],
      ],
    ),
  ];
  const written = form.opinions.filter((o) => o.body.trim() !== '');
  return (
    <Layout ctx={ctx} title={title} section="consultations">
      <h1>{title}</h1>
      <div class="pc-notice" role="alert">
        <p>
          <strong>{t('pc.public.unavailable.lead')}</strong>
        </p>
      </div>
      <p>{t('pc.public.unavailable.retry')}</p>
      <form method="post" action={`/consultations/${consultationId}/submit`}>
        <CsrfInput token={ctx.csrfToken ?? ''} />
        {hidden.map(([name, v]) => (
          <input key={name} type="hidden" name={name} value={v} />
        ))}
        <button type="submit" class="button">
          {t('pc.public.unavailable.send')}
        </button>
      </form>
      {written.length > 0 ? (
        <>
          <h2>{t('pc.public.unavailable.yours')}</h2>
          <ol class="pc-opinions">
            {written.map((o, i) => (
              <li key={i}>
                <p class="pc-body">{o.body}</p>
              </li>
            ))}
          </ol>
        </>
      ) : null}
      <p>{t('error.server.ref', { id: ctx.requestId })}</p>
    </Layout>
  );
}
