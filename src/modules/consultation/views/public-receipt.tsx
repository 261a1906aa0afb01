import { formatDateTime } from '../../../shared/fiscal-year.ts';
import type { PageContext } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import type { Consultation } from '../consultation.types.ts';
import type { Receipt } from '../intake.service.ts';
import { consultationCrumb, listCrumb } from './public-common.tsx';
import { sectionLabel } from './public-confirm.tsx';

/**
 * GET /consultations/:id/receipt/:token: the receipt number, when, and the opinions as received, ready to
 * print (the print stylesheet drops the navigation). Never the name, address, e-mail or phone.
 */
export function PublicReceiptPage({
  ctx,
  c,
  receipt,
  labels,
}: {
  ctx: PageContext;
  c: Consultation;
  receipt: Receipt;
  labels: ReadonlyMap<number, string>;
}) {
  const { t } = ctx;
  const title = t('pc.public.receipt.title');
  return (
    <Layout ctx={ctx} title={title} section="consultations" crumbs={[listCrumb(ctx), consultationCrumb(c)]}>
      <h1>{title}</h1>
      <dl class="pc-facts pc-receipt">
        <div>
          <dt>{t('pc.public.receipt.number')}</dt>
          <dd class="pc-receipt-number">{receipt.receiptNumber}</dd>
        </div>
        <div>
          <dt>{t('pc.public.receipt.receivedAt')}</dt>
          <dd>{formatDateTime(receipt.receivedAt, ctx.locale)}</dd>
        </div>
        <div>
          <dt>{t('pc.public.receipt.consultation')}</dt>
          <dd>{c.title}</dd>
        </div>
      </dl>
      <p>{t('pc.public.receipt.keep')}</p>
      <p class="pc-notice">{t('pc.public.receipt.noPersonal')}</p>
      {receipt.mailQueued ? <p>{t('pc.public.receipt.mail')}</p> : null}
      <h2>{t('pc.public.receipt.opinions')}</h2>
      <ol class="pc-opinions">
        {receipt.opinions.map((o) => (
          <li key={o.position}>
            <h3>{t('consultation.field.opinion', { n: o.position })}</h3>
            <p class="pc-section">
              {t('pc.public.section')}：{sectionLabel(ctx, labels, o.nodeId)}
            </p>
            <p class="pc-body">{o.body}</p>
          </li>
        ))}
      </ol>
      <p>{t('pc.public.receipt.next')}</p>
      <p class="pc-no-print">
        <a href={`/consultations/${c.id}`}>{t('pc.public.receipt.back')}</a>
      </p>
    </Layout>
  );
}

/** A page that says why nothing was accepted (closed, not yet open, a duplicate), or a plain message. */
export function PublicMessagePage({
  ctx,
  c,
  title,
  body,
}: {
  ctx: PageContext;
  c: Consultation;
  title: string;
  body: string;
}) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={title} section="consultations" crumbs={[listCrumb(ctx), consultationCrumb(c)]}>
      <h1>{title}</h1>
      <p>{body}</p>
      <p>
        <a href={`/consultations/${c.id}`}>{t('pc.public.receipt.back')}</a>
      </p>
    </Layout>
  );
}
