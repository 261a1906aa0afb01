import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { formPageContext } from '../../web/context.ts';
import { NotFoundError } from '../../web/errors.ts';
import { sendPage } from '../../web/render.ts';
import { authorize, can } from '../accounts/accounts.policy.ts';
import { requireStaff } from '../accounts/accounts.routes.tsx';
import { measureIndicators } from '../kpi/indicator.service.ts';
import { staffMeasureAt } from './plan-settings.service.ts';
import { StaffMeasurePage } from './views/staff-measure.tsx';

const Ordinal = z.string().regex(/^[1-9]\d{0,3}$/);

/**
 * The staff side of a measure: its workspace, for the departments that own it and for planners. An editor
 * of another department gets 403, not the page, whatever address they try.
 */
export async function planStaffRoutes(app: FastifyInstance) {
  app.get<{ Params: { policy: string; measure: string } }>(
    '/staff/measures/:policy/:measure',
    async (request, reply) => {
      const s = requireStaff(request);
      const { policy, measure } = request.params;
      if (!Ordinal.safeParse(policy).success || !Ordinal.safeParse(measure).success)
        throw new NotFoundError('bad path');
      const m = await staffMeasureAt(app.db, app.config.municipality, `${Number(policy)}/${Number(measure)}`);
      if (!m) throw new NotFoundError('no such measure');
      authorize(s.user, 'edit', { type: 'measure', ownerDepartmentIds: m.ownerDepartmentIds });
      const ctx = formPageContext(request, reply, await app.site.name());
      return sendPage(
        reply,
        <StaffMeasurePage
          ctx={ctx}
          m={m}
          canEditSettings={can(s.user, 'update', { type: 'plan_settings' })}
          indicators={await measureIndicators(app.db, app.config.municipality, m.measure.path)}
          canEditIndicator={(st) =>
            can(s.user, 'edit', { type: 'indicator', departmentId: st.indicator.effectiveDepartmentId })
          }
        />,
      );
    },
  );
}
