import { build } from './app.ts';
import { openAndMigrate, seedIfEmpty } from './bootstrap.ts';
import { loadConfig } from './config.ts';
import { dialectOf } from './db/connection.ts';

/** Reads the configuration, prepares the database, serves until SIGTERM/SIGINT, then closes gracefully. */
export async function serve(): Promise<void> {
  const config = loadConfig();
  const db = await openAndMigrate(config);
  const app = await build({ config, db });
  if (await seedIfEmpty(db, config)) app.log.info('imported the bundled Sanyo-Onoda plan (first start)');

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: finishing requests in flight');
    const timer = setTimeout(() => {
      app.log.error('graceful shutdown timed out; exiting');
      process.exit(1);
    }, 10_000);
    timer.unref();
    try {
      await app.close();
      await db.close();
      process.exit(0);
    } catch (err) {
      app.log.error({ err }, 'error during shutdown');
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
  const where = dialectOf(config.databaseUrl) === 'sqlite' ? config.databaseUrl : 'PostgreSQL';
  process.stdout.write(
    `\nKyoso is running: open ${config.baseUrl}/ in your browser  (database: ${where})\n\n`,
  );
}
