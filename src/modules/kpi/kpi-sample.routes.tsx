import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { formPageContext } from '../../web/context.ts';
import type { FieldErrors } from '../../web/forms.tsx';
import { sendPage } from '../../web/render.ts';
import { clientIp } from '../../web/staff-session.ts';
import { authorize } from '../accounts/accounts.policy.ts';
import { requireStaff } from '../accounts/accounts.routes.tsx';
import { removeSampleData, sampleCounts } from './kpi.sample.ts';
import { SAMPLE_PAGE, SamplePage } from './views/sample-page.tsx';

/**
 * The sample data (サンプル値) of indicators, for planners (`kpi_settings` update; others 403): how much
 * exists, and removing all of it at once after a ticked confirmation (audited, 303 with a notice; the
 * banner goes at once).
 */

const RemoveBody = z.object({ confirm: z.literal('yes') });
const Count = z.string().regex(/^\d{1,9}$/);

type DoneQuery = { Querystring: { done?: string; i?: string; a?: string } };

export async function kpiSampleRoutes(app: FastifyInstance): Promise<void> {
  const municipality = app.config.municipality;
  const ctxOf = async (request: FastifyRequest, reply: FastifyReply) =>
    formPageContext(request, reply, await app.site.name());

  app.get<DoneQuery>(SAMPLE_PAGE, async (request, reply) => {
    const s = requireStaff(request);
    authorize(s.user, 'update', { type: 'kpi_settings' });
    const c = await ctxOf(request, reply);
    const { done, i, a } = request.query;
    const notice =
      done === 'removed' && Count.safeParse(i).success && Count.safeParse(a).success
        ? c.t('kpi.sample.page.removed', { indicators: Number(i), actuals: Number(a) })
        : done === 'nothing'
          ? c.t('kpi.sample.page.nothingRemoved')
          : undefined;
    const counts = await sampleCounts(app.db, municipality);
    return sendPage(reply, <SamplePage ctx={c} counts={counts} errors={[]} notice={notice} />);
  });

  app.post<{ Body: Record<string, unknown> | undefined }>(SAMPLE_PAGE, async (request, reply) => {
    const s = requireStaff(request);
    authorize(s.user, 'update', { type: 'kpi_settings' });
    const counts = await sampleCounts(app.db, municipality);
    // Nothing to remove (e.g. removed meanwhile in another tab): say so, whatever the box.
    if (counts.indicators === 0 && counts.actuals === 0)
      return reply.redirect(`${SAMPLE_PAGE}?done=nothing`, 303);
    if (!RemoveBody.safeParse(request.body ?? {}).success) {
      const c = await ctxOf(request, reply);
      const errors: FieldErrors = [{ field: 'confirm', message: c.t('kpi.sample.page.error.confirm') }];
      return sendPage(reply, <SamplePage ctx={c} counts={counts} errors={errors} />, 400);
    }
    const removed = await removeSampleData(app.db, {
      municipalityCode: municipality,
      actor: { userId: s.user.id, label: s.user.email, ip: clientIp(request), requestId: String(request.id) },
      at: app.clock(),
    });
    await app.site.refreshSample();
    if (removed.indicators === 0 && removed.actuals === 0)
      return reply.redirect(`${SAMPLE_PAGE}?done=nothing`, 303);
    return reply.redirect(`${SAMPLE_PAGE}?done=removed&i=${removed.indicators}&a=${removed.actuals}`, 303);
  });
}
