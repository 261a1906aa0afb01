import { formatDateTime } from '../../../shared/fiscal-year.ts';
import type { PageContext } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import type { OutboxMail } from '../mail.service.ts';

/** GET /staff/outbox: the mail waiting to be sent (addresses are personal data; the view is audited). */
export function OutboxPage({
  ctx,
  mails,
  max,
  smtp = false,
}: {
  ctx: PageContext;
  mails: OutboxMail[];
  max: number;
  /** Whether KYOSO_SMTP_URL is set (mail is delivered by mail-sender.ts). */
  smtp?: boolean;
}) {
  const { t, locale } = ctx;
  const title = t('consultation.outbox.title');
  return (
    <Layout
      ctx={ctx}
      title={title}
      section="staff"
      crumbs={[
        { href: '/staff', label: t('staff.home.title') },
        { href: '/staff/outbox', label: title },
      ]}
    >
      <h1>{title}</h1>
      <p>{t(smtp ? 'pc.public.outbox.smtpOn' : 'pc.public.outbox.smtpOff')}</p>
      <p class="pc-notice">{t('pc.public.outbox.personal')}</p>
      {mails.length === 0 ? (
        <p>{t('pc.public.outbox.none')}</p>
      ) : (
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
        <section class="table-scroll" aria-labelledby="outbox-caption" tabIndex={0}>
          <table class="pc-outbox">
            <caption id="outbox-caption">{t('pc.public.outbox.caption', { max })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('pc.public.outbox.createdAt')}</th>
                <th scope="col">{t('pc.public.outbox.to')}</th>
                <th scope="col">{t('pc.public.outbox.subject')}</th>
                <th scope="col">{t('pc.public.outbox.state')}</th>
              </tr>
            </thead>
            <tbody>
              {mails.map((m) => (
                <tr key={m.id}>
                  <td>{formatDateTime(m.createdAt, locale)}</td>
                  <td>{m.to}</td>
                  <td>
                    <details>
                      <summary>{m.subject}</summary>
                      <pre class="pc-mail-body">{m.body}</pre>
                    </details>
                  </td>
                  <td>
                    {m.sentAt
                      ? t('pc.public.outbox.sent', { at: formatDateTime(m.sentAt, locale) })
                      : m.lastError
                        ? t('pc.public.outbox.error')
                        : t('pc.public.outbox.pending')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </Layout>
  );
}
