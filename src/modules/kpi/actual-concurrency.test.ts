import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DIALECTS } from '../../../test/support/db.ts';
import { saveActual } from './indicator.service.ts';
import { type KpiStaffWorld, kpiStaffWorld, MUNI, textOf } from './kpi-staff.test-support.ts';

/**
 * Two people change the same actual at the same moment, both from the same version: exactly one wins, the
 * other gets the conflict with the winner's value, and the history holds exactly the winning change (after
 * the earlier ones) with the right versions. The same for two creations of a year that had no value.
 * Through the service (Promise.all on the pool: real concurrency on PostgreSQL) and through two signed-in
 * HTTP sessions.
 */
for (const dialect of DIALECTS) {
  describe(`concurrent writes of one actual (${dialect})`, () => {
    let w: KpiStaffWorld;
    before(async () => {
      w = await kpiStaffWorld(dialect);
    });
    after(async () => {
      await w?.close();
    });

    const actor = (name: string) => ({ userId: null, label: name, ip: '127.0.0.1', requestId: name, name });
    const history = async (indicatorId: number, fy: number) =>
      (
        await w.db.kysely
          .selectFrom('indicator_actual_history')
          .select(['change', 'value', 'version', 'entered_by_name'])
          .where('indicator_id', '=', indicatorId)
          .where('fiscal_year', '=', fy)
          .orderBy('id')
          .execute()
      ).map((h) => ({
        change: h.change,
        value: h.value === null ? null : Number(h.value),
        version: Number(h.version),
        by: h.entered_by_name,
      }));
    const current = async (indicatorId: number, fy: number) => {
      const r = await w.db.kysely
        .selectFrom('indicator_actuals')
        .select(['value', 'lock_version'])
        .where('indicator_id', '=', indicatorId)
        .where('fiscal_year', '=', fy)
        .executeTakeFirst();
      return r ? { value: Number(r.value), version: Number(r.lock_version) } : null;
    };
    const write = (fy: number, value: number, who: string, expectedVersion: number | null) =>
      saveActual(w.db, {
        municipalityCode: MUNI,
        indicatorId: w.kpi.otherIndicatorId,
        fiscalYear: fy,
        value,
        status: 'final',
        note: who,
        expectedVersion,
        actor: actor(who),
        now: new Date('2026-11-26T02:00:00.000Z'),
      });

    test('service: two updates from the same version, five rounds', async () => {
      const id = w.kpi.otherIndicatorId;
      const fy = 2023;
      const before = await history(id, fy);
      for (let round = 0; round < 5; round++) {
        const start = await current(id, fy);
        assert.ok(start, 'the fixture has a value');
        const [a, b] = await Promise.all([
          write(fy, 100 + round, `甲${round}`, start.version),
          write(fy, 200 + round, `乙${round}`, start.version),
        ]);
        const results = [a, b];
        const winners = results.filter((r) => r.status === 'saved');
        const losers = results.filter((r) => r.status === 'conflict');
        assert.equal(winners.length, 1, `round ${round}: exactly one succeeds`);
        assert.equal(losers.length, 1, `round ${round}: exactly one gets the conflict`);
        const winner = winners[0]!;
        const loser = losers[0]!;
        assert.ok(winner.status === 'saved' && loser.status === 'conflict', 'typed results');
        assert.ok(loser.current, 'the loser sees the current value');
        assert.equal(loser.current.value, winner.actual.value, "the loser is shown the winner's value");
        assert.equal(loser.current.lockVersion, start.version + 1, 'at the next version');
        assert.deepEqual(await current(id, fy), { value: winner.actual.value, version: start.version + 1 });
      }
      const h = await history(id, fy);
      assert.deepEqual(h.slice(0, before.length), before, 'earlier history untouched');
      const added = h.slice(before.length);
      assert.equal(added.length, 5, 'exactly one history entry per round: the successful change');
      added.forEach((e, i) => {
        assert.equal(e.change, 'update');
        assert.equal(e.version, before.length + i + 1, 'versions follow each other');
        assert.ok([100 + i, 200 + i].includes(e.value as number), 'the value of one of the two');
      });
    });

    test('service: two creations of a year without a value', async () => {
      const id = w.kpi.otherIndicatorId;
      for (const fy of [2024, 2025]) {
        assert.equal(await current(id, fy), null, 'no value yet');
        const results = await Promise.all([write(fy, 11, '甲', null), write(fy, 22, '乙', null)]);
        const winners = results.filter((r) => r.status === 'saved');
        const losers = results.filter((r) => r.status === 'conflict');
        assert.equal(winners.length, 1, 'exactly one creates');
        assert.equal(losers.length, 1, 'the other gets the conflict');
        const winner = winners[0]!;
        const loser = losers[0]!;
        assert.ok(winner.status === 'saved' && loser.status === 'conflict', 'typed results');
        assert.equal(loser.current?.value, winner.actual.value, "the loser is shown the winner's value");
        const h = await history(id, fy);
        assert.equal(h.length, 1, 'one history entry');
        assert.deepEqual(h[0], {
          change: 'create',
          value: winner.actual.value,
          version: 1,
          by: winner.actual.enteredByName,
        });
      }
    });

    test('HTTP: two signed-in sessions post the same year from the same page', async () => {
      const id = w.kpi.indicatorId;
      const base = `/staff/kpi/indicators/${id}/actuals`;
      const editor = await w.signIn(w.people.editor);
      const planner = await w.signIn(w.people.planner);
      for (const [fy, hadValue] of [
        [2022, true],
        [2026, false],
      ] as const) {
        const before = await history(id, fy);
        const pageA = await editor.get(`${base}?fy=${fy}`);
        const pageB = await planner.get(`${base}?fy=${fy}`);
        // an empty value renders as a bare `value` attribute
        const versionOf = (html: string) => {
          const m = new RegExp(`name="v-${fy}" value(?:="(\\d*)")?`).exec(html);
          return m ? (m[1] ?? '') : undefined;
        };
        const v = versionOf(pageA.body);
        assert.equal(v, versionOf(pageB.body), 'both forms carry the same version');
        assert.equal(v === '', !hadValue, 'an empty version when there was no value');
        const [ra, rb] = await Promise.all([
          editor.post(base, {
            intent: 'save',
            fiscalYear: String(fy),
            [`v-${fy}`]: v ?? '',
            value: '４１',
            status: 'final',
            note: '',
          }),
          planner.post(base, {
            intent: 'save',
            fiscalYear: String(fy),
            [`v-${fy}`]: v ?? '',
            value: '５２',
            status: 'preliminary',
            note: '',
          }),
        ]);
        const statuses = [ra.statusCode, rb.statusCode].sort();
        assert.deepEqual(statuses, [303, 409], `one succeeds, the other gets 409 (FY${fy})`);
        const won = ra.statusCode === 303 ? 41 : 52;
        const lost = ra.statusCode === 303 ? rb : ra;
        const lostText = textOf(lost.body);
        assert.ok(lostText.includes('他の人が先に保存しました'), 'the conflict is explained');
        assert.ok(
          lostText.includes(`実績値を ${won}団体`),
          `the other's value is on the page: ${lostText.slice(0, 400)}`,
        );
        assert.ok(lostText.includes(won === 41 ? '確定' : '速報'), "and the other's status");
        assert.ok(
          lost.body.includes(`value="${won === 41 ? '５２' : '４１'}"`),
          "the loser's own value is kept in the form",
        );
        const now = await current(id, fy);
        assert.deepEqual(
          now,
          { value: won, version: hadValue ? 2 : 1 },
          'the winner is stored, nothing overwritten',
        );
        const h = await history(id, fy);
        assert.deepEqual(h.slice(0, before.length), before, 'earlier history untouched');
        assert.deepEqual(
          h.slice(before.length).map((e) => [e.change, e.value, e.version]),
          [[hadValue ? 'update' : 'create', won, hadValue ? 2 : 1]],
          'exactly the successful change is added',
        );
      }
    });
  });
}
