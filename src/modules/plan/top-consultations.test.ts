import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../../../test/support/app.ts';
import { buildConsultation } from '../../../test/support/consultation.ts';
import { createTestDb, DIALECTS, type TestDb } from '../../../test/support/db.ts';

for (const dialect of DIALECTS) {
  describe(`the top page announces open consultations (${dialect})`, () => {
    let db: TestDb;
    let app: FastifyInstance;
    let now = new Date('2026-11-26T03:00:00.000Z');
    before(async () => {
      db = await createTestDb(dialect);
      app = await buildTestApp(db, { clock: () => now });
    });
    after(async () => {
      await app?.close();
      await db?.drop();
    });

    test('an open consultation is linked with its closing time; a closed or future one is not', async () => {
      const open = await buildConsultation(db, {
        title: '重点プロジェクト（案）への意見募集',
        opensAt: '2026-11-01T00:00:00.000Z',
        closesAt: '2026-12-01T14:59:00.000Z',
      });
      const future = await buildConsultation(db, {
        title: '来年の意見募集',
        opensAt: '2027-01-01T00:00:00.000Z',
        closesAt: '2027-02-01T00:00:00.000Z',
      });
      const body = (await app.inject('/')).body;
      assert.ok(body.includes(`href="/consultations/${open}"`), 'the open consultation is linked');
      assert.ok(body.includes('2026年12月1日（火）23時59分まで'), 'its closing time is shown in Japan time');
      assert.ok(
        !body.includes(`href="/consultations/${future}"`),
        'a consultation not yet open is not announced',
      );
      now = new Date('2026-12-02T00:00:00.000Z');
      const after = (await app.inject('/')).body;
      assert.ok(!after.includes('意見を募集しています'), 'nothing is announced once it has closed');
    });
  });
}
