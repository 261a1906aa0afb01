import { parseArgs } from 'node:util';
import { openAndMigrate } from './bootstrap.ts';
import { loadConfig } from './config.ts';
import { BackupError, backupDatabase, redactUrl, restoreDatabase } from './db/backup.ts';
import { openDatabase } from './db/connection.ts';
import { migrateToLatest } from './db/migrate.ts';
import { createSetupToken } from './modules/accounts/accounts.service.ts';
import { loadSampleKpi, removeSampleData, sampleCounts } from './modules/kpi/kpi.sample.ts';
import { importPlanFile, PlanJsonError, parseStateOption } from './modules/plan/import/import-file.ts';
import { PlanParseError } from './modules/plan/import/plan-text-parser.ts';
import { exportCurrentPlan, PlanNotFoundError } from './modules/plan/plan.service.ts';
import { serve, setupUrl } from './server.ts';

const HELP = `kyoso: the comprehensive plan, run in the open (協創)

Usage: kyoso <command> [options]

Commands:
  serve                     Start the web server (what \`npm start\` runs)
  migrate                   Apply pending database migrations
  import-plan FILE          Import a plan: the city's text format, or kyoso-plan JSON
      --municipality CODE   全国地方公共団体コード, 6 digits (text files)
      --name NAME           Municipality name, e.g. 山陽小野田市 (text files)
      --plan TITLE          The plan the version belongs to (default: the municipality's latest plan)
      --period 2022-2025    The plan's fiscal years
      --label LABEL         Version label (default: the state, e.g. 案)
      --state STATE         素案|案|決定|廃止 (default: from the document title, else 案)
  export-plan               Write the current plan as kyoso-plan JSON to standard output
      --municipality CODE
  create-admin              Print a one-time address (valid 1 hour) to create the first administrator
  sample-kpi load           Load the sample indicators (サンプル値, invented figures) onto the bundled plan;
                            nothing happens when sample data is already there
  sample-kpi remove         Remove every sample indicator and sample actual at once (audited)
      --municipality CODE
  backup FILE               Write a consistent backup of the database to FILE; safe while the server runs
                            (SQLite: VACUUM INTO, checked; PostgreSQL: pg_dump -Fc)
      --force               Overwrite FILE if it exists
  restore FILE              Replace the database with the backup FILE. Stop the server first.
                            The backup is checked first; an older one is migrated at the next start
      --force               Replace a database that already holds data (SQLite keeps the old file
                            beside it as …before-restore-<time>)
  help                      Show this help

Environment: DATABASE_URL (default: an SQLite file under data/; postgres://… for PostgreSQL),
PORT (3000), KYOSO_BASE_URL, KYOSO_MUNICIPALITY (352161), KYOSO_SEED (on|off), KYOSO_SAMPLE_KPI (on|off:
load the sample indicators on first start), LOG_LEVEL.
`;

function fail(message: string, code = 1): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

/** Runs one command; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(HELP);
    return 0;
  }
  if (command === 'serve') {
    await serve();
    return -1; // keeps running
  }
  const config = loadConfig();
  if (command === 'migrate') {
    const db = openDatabase(config.databaseUrl);
    try {
      const results = await migrateToLatest(db);
      const applied = results?.filter((r) => r.status === 'Success').map((r) => r.migrationName) ?? [];
      process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
    } finally {
      await db.close();
    }
    return 0;
  }
  if (command === 'import-plan') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        municipality: { type: 'string' },
        name: { type: 'string' },
        plan: { type: 'string' },
        period: { type: 'string' },
        label: { type: 'string' },
        state: { type: 'string' },
      },
    });
    const file = positionals[0];
    if (!file)
      fail(
        'import-plan: ファイルを指定してください（例：kyoso import-plan plan.txt --municipality 352161 --name 山陽小野田市）',
        2,
      );
    let period: [number, number] | null = null;
    if (values.period) {
      const m = /^(\d{4})\s*[-–〜~]\s*(\d{4})$/.exec(values.period);
      if (!m) fail('--period は 2022-2025 の形で指定してください', 2);
      period = [Number(m[1]), Number(m[2])];
    }
    const state = values.state ? parseStateOption(values.state) : undefined;
    if (state === null) fail('--state は 素案・案・決定・廃止 のいずれかです', 2);
    if (values.municipality && !/^\d{6}$/.test(values.municipality))
      fail('--municipality は6桁の全国地方公共団体コードです', 2);
    const db = await openAndMigrate(config);
    try {
      const r = await importPlanFile(db, file, {
        ...(values.municipality ? { municipality: values.municipality } : {}),
        ...(values.name ? { municipalityName: values.name } : {}),
        ...(values.plan ? { planTitle: values.plan } : {}),
        ...(period ? { periodStartFy: period[0], periodEndFy: period[1] } : {}),
        ...(values.label ? { label: values.label } : {}),
        ...(state ? { state } : {}),
      });
      if (r.status === 'unchanged') {
        process.stdout.write(
          `変更はありません：「${r.planTitle}」の第${r.seq}版（${r.label}）と同じ内容です。何も書き込んでいません。\n`,
        );
      } else {
        process.stdout.write(`取り込みました：「${r.planTitle}」の第${r.seq}版（${r.label}）\n`);
      }
      return 0;
    } catch (e) {
      if (e instanceof PlanParseError || e instanceof PlanJsonError) {
        fail(`取り込めませんでした（何も書き込んでいません）：${file}\n${e.message}`, 1);
      }
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') fail(`ファイルが見つかりません：${file}`, 1);
      throw e;
    } finally {
      await db.close();
    }
  }
  if (command === 'create-admin') {
    const db = await openAndMigrate(config);
    try {
      const token = await createSetupToken(db, config.municipality, new Date());
      if (!token) fail('管理者はすでに登録されています。ほかの職員は、管理者が招待してください。', 1);
      process.stdout.write(
        `最初の管理者を1時間以内に次のアドレスで登録してください：\n${setupUrl(config.baseUrl, token)}\n`,
      );
      return 0;
    } finally {
      await db.close();
    }
  }
  if (command === 'export-plan') {
    const { values } = parseArgs({ args: rest, options: { municipality: { type: 'string' } } });
    const code = values.municipality ?? config.municipality;
    const db = await openAndMigrate(config);
    try {
      const doc = await exportCurrentPlan(db, code);
      process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
      return 0;
    } catch (e) {
      if (e instanceof PlanNotFoundError) fail(`団体コード ${code} の計画はまだ登録されていません`, 1);
      throw e;
    } finally {
      await db.close();
    }
  }
  if (command === 'sample-kpi') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { municipality: { type: 'string' } },
    });
    const action = positionals[0];
    if (action !== 'load' && action !== 'remove')
      fail('sample-kpi: load か remove を指定してください（例：kyoso sample-kpi remove）', 2);
    const code = values.municipality ?? config.municipality;
    if (!/^\d{6}$/.test(code)) fail('--municipality は6桁の全国地方公共団体コードです', 2);
    const db = await openAndMigrate(config);
    try {
      const actor = { userId: null, label: `kyoso sample-kpi ${action}`, ip: '', requestId: '' };
      const later = '（実行中のサーバーの表示は1分以内に切り替わります）';
      if (action === 'load') {
        const present = await sampleCounts(db, code);
        if (present.indicators > 0 || present.actuals > 0) {
          process.stdout.write(
            `サンプルデータはすでにあります（指標 ${present.indicators} 件、実績値 ${present.actuals} 件）。何も書き込んでいません。\n`,
          );
          return 0;
        }
        const r = await loadSampleKpi(db, { municipalityCode: code, at: new Date(), actor });
        if (r.indicators === 0)
          fail(
            `サンプルデータを読み込めませんでした：団体コード ${code} に、サンプルデータが前提とする同梱の山陽小野田市の計画がありません。何も書き込んでいません。`,
            1,
          );
        process.stdout.write(
          `サンプルデータを読み込みました：指標 ${r.indicators} 件、実績値 ${r.actuals} 件（すべて架空の値で、「サンプル値」と表示されます）${later}\n`,
        );
        return 0;
      }
      const r = await removeSampleData(db, { municipalityCode: code, actor, at: new Date() });
      process.stdout.write(
        r.indicators === 0 && r.actuals === 0
          ? 'サンプルデータはありません。何も削除していません。\n'
          : `サンプルデータを削除しました：指標 ${r.indicators} 件、実績値 ${r.actuals} 件${later}\n`,
      );
      return 0;
    } finally {
      await db.close();
    }
  }
  if (command === 'backup' || command === 'restore')
    return backupOrRestore(command, rest, config.databaseUrl);
  fail(`unknown command: ${command}\n\n${HELP}`, 2);
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

/** `kyoso backup FILE [--force]`, `kyoso restore FILE [--force]`: the work is in src/db/backup.ts. */
async function backupOrRestore(
  command: 'backup' | 'restore',
  args: string[],
  databaseUrl: string,
): Promise<number> {
  let file: string | undefined;
  let force = false;
  try {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { force: { type: 'boolean' } },
    });
    if (positionals.length > 1)
      throw new Error(`ファイルは一つだけ指定してください：${positionals.join(' ')}`);
    file = positionals[0];
    force = values.force === true;
  } catch (e) {
    fail(`${command}: ${e instanceof Error ? e.message : String(e)}`, 2);
  }
  if (!file)
    fail(
      command === 'backup'
        ? 'backup: ファイルを指定してください（例：kyoso backup kyoso-2026-12-01.sqlite）'
        : 'restore: バックアップファイルを指定してください（例：kyoso restore kyoso-2026-12-01.sqlite）。サーバーを止めてから実行します',
      2,
    );
  try {
    if (command === 'backup') {
      const r = await backupDatabase(databaseUrl, file, { force });
      process.stdout.write(
        `バックアップを作成しました：${r.file}（${r.snapshotAt} 時点の内容、${formatBytes(r.bytes)}、マイグレーション ${r.migrations.at(-1) ?? 'なし'} まで、意見の提出 ${r.submissions} 件）\n` +
          `復元するには、サーバーを止めてから kyoso restore ${file} を実行します。\n`,
      );
      return 0;
    }
    const r = await restoreDatabase(databaseUrl, file, { force });
    let out = `復元しました：${r.target}（${file} から、マイグレーション ${r.migrations.at(-1) ?? 'なし'} まで、意見の提出 ${r.submissions} 件）\n`;
    if (r.keptAs) out += `置き換える前のデータベースは ${r.keptAs} に残しています。\n`;
    if (r.pendingMigrations.length)
      out += `このバックアップは前の版の Kyoso のものです。次の起動時（または kyoso migrate）にマイグレーション ${r.pendingMigrations.join(', ')} を適用します。\n`;
    process.stdout.write(`${out}サーバーを起動してください。\n`);
    return 0;
  } catch (e) {
    if (e instanceof BackupError) fail(`${command}: ${e.message}`, e.exitCode);
    const message = e instanceof Error ? e.message : String(e);
    fail(`${command}: 失敗しました（${redactUrl(databaseUrl)}）：${message}`, 1);
  }
}
