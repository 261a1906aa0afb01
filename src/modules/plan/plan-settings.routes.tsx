import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { isId } from '../../shared/ids.ts';
import { formPageContext } from '../../web/context.ts';
import { NotFoundError } from '../../web/errors.ts';
import type { FieldErrors } from '../../web/forms.tsx';
import type { Translate } from '../../web/i18n/messages.ts';
import { sendPage } from '../../web/render.ts';
import { clientIp } from '../../web/staff-session.ts';
import { abilities, authorize } from '../accounts/accounts.policy.ts';
import { requireStaff } from '../accounts/accounts.routes.tsx';
import {
  getMeasureSettings,
  getPlanSettingsOverview,
  type MeasureSettings,
  type SettingsProblem,
  saveMeasureSettings,
  validateMeasureSettings,
} from './plan-settings.service.ts';
import { measureName } from './views/common.tsx';
import { SettingsListPage } from './views/settings-list.tsx';
import { SettingsMeasurePage } from './views/settings-measure.tsx';

/**
 * Staff pages of the plan's settings: which departments own each measure and which cross-cutting measures
 * it is linked to. Planners and administrators read; planners change. Thin: parse → authorize → service →
 * render or redirect.
 */

const Ordinal = z.string().regex(/^[1-9]\d{0,3}$/);
const MeasurePath = z.string().regex(/^[1-9]\d{0,3}\/[1-9]\d{0,3}$/);
const VersionId = z.string().refine(isId);

type MeasureParams = { Params: { policy: string; measure: string } };

/** The measure's address from the URL, or a 404. */
function measurePath(params: { policy: string; measure: string }): string {
  if (!Ordinal.safeParse(params.policy).success || !Ordinal.safeParse(params.measure).success)
    throw new NotFoundError('bad measure path');
  return `${Number(params.policy)}/${Number(params.measure)}`;
}

function messages(t: Translate, problems: SettingsProblem[]): FieldErrors {
  return problems.map((p) => ({ field: p.field, message: t(p.key, p.params) }));
}

export async function planSettingsRoutes(app: FastifyInstance) {
  const municipality = app.config.municipality;
  const ctx = async (request: FastifyRequest, reply: FastifyReply) =>
    formPageContext(request, reply, await app.site.name());

  /** The measure's settings in the current version, or a 404. */
  async function settingsOf(path: string): Promise<MeasureSettings> {
    const settings = await getMeasureSettings(app.db, municipality, path);
    if (!settings) throw new NotFoundError('no such measure');
    return settings;
  }

  app.get<{ Querystring: { done?: string; measure?: string } }>('/staff/plan', async (request, reply) => {
    const s = requireStaff(request);
    authorize(s.user, 'read', { type: 'plan_settings' });
    const overview = await getPlanSettingsOverview(app.db, municipality);
    const c = await ctx(request, reply);
    const { done, measure } = request.query;
    const row =
      typeof measure === 'string' && MeasurePath.safeParse(measure).success
        ? overview?.rows.find((r) => r.measure.path === measure)
        : undefined;
    const notice =
      row && (done === 'saved' || done === 'unchanged')
        ? c.t(done === 'saved' ? 'planSettings.saved' : 'planSettings.unchanged', {
            measure: measureName(row.measure),
          })
        : undefined;
    return sendPage(
      reply,
      <SettingsListPage
        ctx={c}
        overview={overview}
        canEdit={abilities(s.user).editPlanSettings}
        notice={notice}
      />,
    );
  });

  app.get<MeasureParams>('/staff/plan/measures/:policy/:measure', async (request, reply) => {
    const s = requireStaff(request);
    authorize(s.user, 'update', { type: 'plan_settings' });
    const settings = await settingsOf(measurePath(request.params));
    const values = {
      leadId: settings.lead && !settings.lead.disabled ? settings.lead.id : null,
      supportingIds: settings.supporting.filter((d) => !d.disabled).map((d) => d.id),
      linkOrdinals: settings.crossCutting.filter((c) => c.cell.linked).map((c) => c.x.ordinal),
    };
    return sendPage(
      reply,
      <SettingsMeasurePage ctx={await ctx(request, reply)} settings={settings} values={values} errors={[]} />,
    );
  });

  app.post<MeasureParams & { Body: Record<string, unknown> | undefined }>(
    '/staff/plan/measures/:policy/:measure',
    async (request, reply) => {
      const s = requireStaff(request);
      authorize(s.user, 'update', { type: 'plan_settings' });
      const path = measurePath(request.params);
      const settings = await settingsOf(path);
      const c = await ctx(request, reply);
      const v = validateMeasureSettings(request.body, settings);
      if (!v.ok) {
        return sendPage(
          reply,
          <SettingsMeasurePage
            ctx={c}
            settings={settings}
            values={v.value}
            errors={messages(c.t, v.problems)}
          />,
          400,
        );
      }
      const version = VersionId.safeParse(request.body?.version);
      const r = version.success
        ? await saveMeasureSettings(app.db, {
            municipalityCode: municipality,
            path,
            versionId: Number(version.data),
            settings,
            value: v.value,
            actor: {
              userId: s.user.id,
              label: s.user.email,
              ip: clientIp(request),
              requestId: String(request.id),
            },
            now: app.clock(),
          })
        : ({ status: 'stale' } as const);
      if (r.status === 'stale') {
        // The form was made from an earlier version: show the current one, with what was sent.
        const fresh = await settingsOf(path);
        return sendPage(
          reply,
          <SettingsMeasurePage
            ctx={c}
            settings={fresh}
            values={validateMeasureSettings(request.body, fresh).value}
            errors={[{ field: 'settings-form', message: c.t('planSettings.error.stale') }]}
          />,
          409,
        );
      }
      return reply.redirect(`/staff/plan?done=${r.status}&measure=${encodeURIComponent(path)}`, 303);
    },
  );
}
