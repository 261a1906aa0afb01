import type { PageContext } from '../../../web/context.ts';
import type { Crumb } from '../../../web/layout.tsx';
import type { Consultation } from '../consultation.types.ts';

/** What every grouping page knows: the consultation, the names of sections and departments, the rights. */
export interface GroupingPageData {
  consultation: Consultation;
  /** Section labels by plan node id. */
  sections: ReadonlyMap<number, string>;
  /** Department names by id. */
  departments: ReadonlyMap<number, string>;
  /** Planners may decide; editors and administrators only read. */
  canTriage: boolean;
}

export const base = (c: Pick<Consultation, 'id'>) => `/staff/consultations/${c.id}`;

export function groupingCrumbs(ctx: PageContext, c: Consultation, last: Crumb[]): Crumb[] {
  return [
    { href: '/staff', label: ctx.t('staff.home.title') },
    { href: '/staff/consultations', label: ctx.t('consultation.staff.list') },
    { href: base(c), label: c.title },
    ...last,
  ];
}

export function sectionLabel(ctx: PageContext, data: GroupingPageData, nodeId: number | null): string {
  if (nodeId === null) return ctx.t('consultation.wholePlan');
  return data.sections.get(nodeId) ?? String(nodeId);
}

export function departmentLabel(ctx: PageContext, data: GroupingPageData, id: number | null): string {
  if (id === null) return ctx.t('pc.grouping.group.noDepartment');
  return data.departments.get(id) ?? String(id);
}

export function Notice({ text }: { text: string | undefined }) {
  if (!text) return null;
  return (
    <p class="notice" role="status">
      {text}
    </p>
  );
}

/** Previous / next page links; `href(page)` builds the address of a page (1-based). */
export function Pager({
  ctx,
  page,
  pageSize,
  total,
  href,
  label,
}: {
  ctx: PageContext;
  page: number;
  pageSize: number;
  total: number;
  href: (page: number) => string;
  label: string;
}) {
  if (total <= pageSize && page === 1) return null;
  const from = Math.min(total, (page - 1) * pageSize + 1);
  const to = Math.min(total, page * pageSize);
  return (
    <nav class="pager" aria-label={label}>
      <p>{ctx.t('pc.grouping.groups.page', { from, to, total })}</p>
      <ul>
        {page > 1 ? (
          <li>
            <a href={href(page - 1)}>{ctx.t('pc.grouping.groups.pagePrev')}</a>
          </li>
        ) : null}
        {to < total ? (
          <li class="pager__next">
            <a href={href(page + 1)}>{ctx.t('pc.grouping.groups.pageNext')}</a>
          </li>
        ) : null}
      </ul>
    </nav>
  );
}

/** An opinion's text as written, line breaks kept. */
export function OpinionBody({ body }: { body: string }) {
  return <p class="grouping-body">{body}</p>;
}
