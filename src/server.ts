import { build } from './app.ts';
import { loadSampleOnFirstStart, openAndMigrate, seedIfEmpty } from './bootstrap.ts';
import { loadConfig } from './config.ts';
import { dialectOf } from './db/connection.ts';
import { createSetupToken } from './modules/accounts/accounts.service.ts';
import { startMailDelivery } from './modules/consultation/mail-sender.ts';
import { installProcessGuards } from './process-guards.ts';

/** The one-time address for creating the first administrator. */
export function setupUrl(baseUrl: string, token: string): string {
  return `${baseUrl}/staff/setup?token=${token}`;
}

/** Reads the configuration, prepares the database, serves until SIGTERM/SIGINT, then closes gracefully. */
export async function serve(): Promise<void> {
  const config = loadConfig();
  const db = await openAndMigrate(config, { statementTimeoutMs: config.dbStatementTimeoutMs });
  const app = await build({ config, db });
  if (await seedIfEmpty(db, config)) {
    app.log.info('imported the bundled Sanyo-Onoda plan (first start)');
    const sample = await loadSampleOnFirstStart(db, config);
    if (sample) {
      app.log.info(sample, 'loaded the sample indicators (サンプル値; remove them at /staff/kpi/sample)');
      await app.site.refreshSample();
    } else {
      app.log.info('started without sample indicators (KYOSO_SAMPLE_KPI=off)');
    }
  }
  const setupToken = await createSetupToken(db, config.municipality, new Date());
  // With KYOSO_SMTP_URL the mail outbox is delivered (every 5 s); without, mail stays at /staff/outbox.
  const mailSender = startMailDelivery(config, db, app.log);
  if (mailSender) app.addHook('onClose', async () => mailSender.stop());

  let closing = false;
  const shutdown = async (signal: string, exitCode = 0) => {
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
      process.exit(exitCode);
    } catch (err) {
      app.log.error({ err }, 'error during shutdown');
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  installProcessGuards(app.log, () => void shutdown('uncaughtException', 1));

  await app.listen({ port: config.port, host: config.host });
  const where = dialectOf(config.databaseUrl) === 'sqlite' ? config.databaseUrl : 'PostgreSQL';
  process.stdout.write(
    `\nKyoso is running: open ${config.baseUrl}/ in your browser  (database: ${where})\n\n`,
  );
  if (setupToken) {
    process.stdout.write(
      `No administrator yet. Create the first one within 1 hour at:\n  ${setupUrl(config.baseUrl, setupToken)}\n\n`,
    );
  }
}
