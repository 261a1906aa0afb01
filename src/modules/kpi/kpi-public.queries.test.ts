import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildTestApp } from '../../../test/support/app.ts';
import { createTestDb, DIALECTS } from '../../../test/support/db.ts';
import { buildActual, buildIndicator, seedPlanId } from '../../../test/support/kpi.ts';

/**
 * The number of SQL queries of each public indicator page does not grow with the number of indicators:
 * the same with 2 and with 60 (counted through the database's onQuery hook, as plan.routes.test.ts does).
 */

const MEASURES = ['1/1', '1/2', '2/1', '2/2', '2/3', '3/1', '3/2', '3/3', '3/4'];

for (const dialect of DIALECTS) {
  describe(`queries per indicator page do not grow with the indicators (${dialect})`, () => {
    test('same number of SQL queries with 2 and with 60 indicators', async () => {
      const counts: Record<string, number[]> = {};
      for (const size of [2, 60]) {
        let n = 0;
        const db = await createTestDb(dialect, {
          onQuery: () => {
            n++;
          },
        });
        try {
          const app = await buildTestApp(db);
          try {
            const planId = await seedPlanId(db);
            let firstId = 0;
            for (let i = 0; i < size; i++) {
              // The first half on measure 1/1 (the largest measure page), the rest spread over the plan.
              const nodePath = i < size / 2 ? '1/1' : MEASURES[i % MEASURES.length]!;
              const id = await buildIndicator(db, { planId, nodePath, name: `指標${i}` });
              if (i === 0) firstId = id;
              for (const [fy, v] of [
                [2021, 3 + i],
                [2022, 5 + i],
                [2023, 6 + i],
              ] as const)
                await buildActual(db, id, fy, v);
            }
            const urls = [
              '/dashboard',
              '/dashboard?cc=1',
              '/plan/1/1',
              '/plan/1',
              '/',
              `/dashboard/indicators/${firstId}`,
              '/dashboard/about',
              '/dashboard/indicators.csv',
              '/dashboard/indicators.xlsx',
              '/api/indicators',
            ];
            for (const url of urls) {
              await app.inject(url); // warm the site and plan caches
              n = 0;
              const res = await app.inject(url);
              assert.equal(res.statusCode, 200, url);
              counts[url] = [...(counts[url] ?? []), n];
            }
          } finally {
            await app.close();
          }
        } finally {
          await db.drop();
        }
      }
      for (const [url, [small, large]] of Object.entries(counts)) {
        assert.equal(large, small, `${url}: ${small} queries with 2 indicators, ${large} with 60`);
        assert.ok(small! <= 8, `${url}: ${small} queries`);
      }
      // Shown in the test output: the figures the bench README quotes.
      console.log(
        `queries per page (${dialect}): ${Object.entries(counts)
          .map(([u, [c]]) => `${u} ${c}`)
          .join(', ')}`,
      );
    });
  });
}
