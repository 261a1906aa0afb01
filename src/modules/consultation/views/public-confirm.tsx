import { graphemeLength } from '../../../shared/text.ts';
import type { PageContext } from '../../../web/context.ts';
import { CsrfInput } from '../../../web/forms.tsx';
import { Layout } from '../../../web/layout.tsx';
import type { ConsultationOverview } from '../consultation.types.ts';
import {
  HONEYPOT_FIELD,
  type IntakeValue,
  opinionField,
  sectionField,
  WHOLE_PLAN,
} from '../intake.schema.ts';
import { consultationCrumb, listCrumb } from './public-common.tsx';

const num = (n: number) => n.toLocaleString('en-US');

/** The label of an opinion's section: the plan as a whole, or the node's label. */
export function sectionLabel(
  ctx: PageContext,
  labels: ReadonlyMap<number, string>,
  nodeId: number | null,
): string {
  return nodeId === null
    ? ctx.t('consultation.wholePlan')
    : (labels.get(nodeId) ?? ctx.t('consultation.wholePlan'));
}

/** The values as hidden fields, so that 「送信する」 and 「修正する」 (each its own form, no formaction) send them again. */
function HiddenValues({ value, honeypot }: { value: IntakeValue; honeypot: string }) {
  const fields: Array<[string, string]> = [
    ['name', value.name],
    ['address', value.address],
    ['category', value.category],
    ['categoryNote', value.categoryNote],
    ['email', value.email],
    ['phone', value.phone],
    [HONEYPOT_FIELD, honeypot],
    ...value.opinions.flatMap(
      (o, i): Array<[string, string]> => [
        [sectionField(i + 1), o.nodeId === null ? WHOLE_PLAN : String(o.nodeId)],
        [opinionField(i + 1), o.body],
      ],
    ),
  ];
  return (
    <>
      {fields.map(([name, v]) => (
        <input key={name} type="hidden" name={name} value={v} />
      ))}
    </>
  );
}

/** POST /consultations/:id/confirm: everything as it will be sent, with 「送信する」 and 「修正する」. */
export function PublicConfirmPage({
  ctx,
  c,
  value,
  labels,
  honeypot,
}: {
  ctx: PageContext;
  c: ConsultationOverview;
  value: IntakeValue;
  labels: ReadonlyMap<number, string>;
  honeypot: string;
}) {
  const { t } = ctx;
  const title = t('pc.public.confirm.title');
  const none = t('pc.public.confirm.none');
  const row = (label: string, v: string) => (
    <div>
      <dt>{label}</dt>
      <dd>{v === '' ? none : v}</dd>
    </div>
  );
  return (
    <Layout
      ctx={ctx}
      title={`${title}（${c.title}）`}
      section="consultations"
      crumbs={[listCrumb(ctx), consultationCrumb(c), { href: `/consultations/${c.id}/form`, label: title }]}
    >
      <p class="eyebrow">{c.title}</p>
      <h1>{title}</h1>
      <p class="pc-notice">{t('pc.public.confirm.intro')}</p>
      <h2>{t('pc.public.form.aboutYou')}</h2>
      <dl class="pc-facts">
        {row(t('consultation.field.name'), value.name)}
        {row(t('consultation.field.address'), value.address)}
        {row(t('consultation.field.category'), t(`consultation.category.${value.category}`))}
        {value.category === 'other' ? row(t('consultation.field.categoryNote'), value.categoryNote) : null}
        {row(t('consultation.field.email'), value.email)}
        {row(t('consultation.field.phone'), value.phone)}
      </dl>
      <p>{t('consultation.privacy')}</p>
      <h2>{t('pc.public.form.opinions')}</h2>
      <ol class="pc-opinions">
        {value.opinions.map((o, i) => (
          <li key={i}>
            <h3>
              {t('consultation.field.opinion', { n: i + 1 })}
              <span class="pc-chars">
                {t('pc.public.confirm.chars', { count: num(graphemeLength(o.body)) })}
              </span>
            </h3>
            <p class="pc-section">
              {t('pc.public.section')}：{sectionLabel(ctx, labels, o.nodeId)}
            </p>
            <p class="pc-body">{o.body}</p>
          </li>
        ))}
      </ol>
      <div class="pc-actions">
        <form method="post" action={`/consultations/${c.id}/submit`}>
          <CsrfInput token={ctx.csrfToken ?? ''} />
          <HiddenValues value={value} honeypot={honeypot} />
          <button type="submit" class="button">
            {t('pc.public.confirm.send')}
          </button>
        </form>
        <form method="post" action={`/consultations/${c.id}/confirm`}>
          <CsrfInput token={ctx.csrfToken ?? ''} />
          <HiddenValues value={value} honeypot={honeypot} />
          <input type="hidden" name="action" value="edit" />
          <button type="submit" class="button button--secondary">
            {t('pc.public.confirm.edit')}
          </button>
        </form>
      </div>
    </Layout>
  );
}
