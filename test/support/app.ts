import type { FastifyInstance } from 'fastify';
import { build } from '../../src/app.ts';
import { seedIfEmpty } from '../../src/bootstrap.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import type { Db } from '../../src/db/database.ts';

/** Configuration for tests: the defaults, with the database of the test. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return { ...loadConfig({}), databaseUrl: ':memory:', logLevel: 'silent', ...overrides };
}

/** The app on the test's database, seeded with the bundled plan unless `seed: false`. */
export async function buildTestApp(
  db: Db,
  options: { seed?: boolean; config?: Partial<Config>; clock?: () => Date } = {},
): Promise<FastifyInstance> {
  const config = testConfig(options.config);
  if (options.seed !== false) await seedIfEmpty(db, { ...config, seed: true });
  const app = await build({
    config,
    db,
    logger: false,
    rateLimitMax: 100_000,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  await app.ready();
  return app;
}
