import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createTestDb, DIALECTS, type TestDb } from '../test/support/db.ts';
import { fixturePath, seedText } from '../test/support/factories.ts';
import { ROOT_DIR } from './config.ts';

const BIN = path.join(ROOT_DIR, 'bin', 'kyoso.js');

function kyoso(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('kyoso --help', () => {
  test('lists the commands', () => {
    const r = kyoso(['--help'], {});
    assert.equal(r.code, 0);
    for (const c of [
      'serve',
      'migrate',
      'import-plan',
      'export-plan',
      'sample-kpi load',
      'sample-kpi remove',
      'backup FILE',
      'restore FILE',
    ])
      assert.ok(r.stdout.includes(c), c);
    assert.match(r.stdout, /restore FILE .*Stop the server first/, 'restore says the server must be stopped');
  });
  test('backup and restore without a file exit 2 with a one-line message', () => {
    for (const command of ['backup', 'restore']) {
      const r = kyoso([command], { DATABASE_URL: path.join(os.tmpdir(), 'kyoso-cli-none.sqlite') });
      assert.equal(r.code, 2, command);
      assert.match(r.stderr, new RegExp(`^${command}: .*ファイルを指定してください`), command);
      assert.equal(r.stderr.trim().split('\n').length, 1, `${command}: one line`);
    }
  });
  test('an unknown command exits 2 with the help', () => {
    const r = kyoso(['frobnicate'], {});
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown command/);
  });
});

for (const dialect of DIALECTS) {
  describe(`kyoso import-plan / export-plan (${dialect})`, () => {
    let db: TestDb;
    let tmp: string;
    before(async () => {
      db = await createTestDb(dialect, { migrate: false });
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kyoso-cli-'));
    });
    after(async () => {
      await db?.drop();
      fs.rmSync(tmp, { recursive: true, force: true });
    });
    const args = [
      '--municipality',
      '352161',
      '--name',
      '山陽小野田市',
      '--label',
      '案',
      '--period',
      '2022-2025',
    ];

    test('migrate creates the schema', () => {
      const r = kyoso(['migrate'], { DATABASE_URL: db.url });
      assert.equal(r.code, 0, r.stderr);
      assert.match(
        r.stdout,
        /applied: 0001_plan, 0002_accounts, 0003_consultation, 0004_triage_indexes, 0005_mail_delivery, 0006_kpi/,
      );
      assert.match(kyoso(['migrate'], { DATABASE_URL: db.url }).stdout, /up to date/);
    });

    test('importing the seed twice: the second import reports unchanged', () => {
      const file = path.join(ROOT_DIR, 'data', 'sanyo-onoda-chuki-juten-an.txt');
      const first = kyoso(['import-plan', file, ...args], { DATABASE_URL: db.url });
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, /取り込みました/);
      const second = kyoso(['import-plan', file, ...args], { DATABASE_URL: db.url });
      assert.equal(second.code, 0, second.stderr);
      assert.match(second.stdout, /変更はありません/);
    });

    test('a broken file is refused with the line named and exit code 1', () => {
      const file = path.join(tmp, 'broken.txt');
      fs.writeFileSync(file, seedText().replace('1 新たな地域づくり\t', '新たな地域づくり\t'));
      const r = kyoso(['import-plan', file, ...args], { DATABASE_URL: db.url });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /15行目/);
      assert.match(r.stderr, /何も書き込んでいません/);
    });

    test('bad options are refused in Japanese', () => {
      const file = path.join(ROOT_DIR, 'data', 'sanyo-onoda-chuki-juten-an.txt');
      assert.equal(kyoso(['import-plan'], { DATABASE_URL: db.url }).code, 2);
      const r = kyoso(['import-plan', file, '--municipality', '12', '--name', 'x'], { DATABASE_URL: db.url });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /6桁/);
      const missing = kyoso(['import-plan', path.join(tmp, 'nope.txt'), ...args], { DATABASE_URL: db.url });
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /ファイルが見つかりません/);
    });

    test('export-plan writes JSON that import-plan reads back, round-trip identical', async () => {
      const out = kyoso(['export-plan', '--municipality', '352161'], { DATABASE_URL: db.url });
      assert.equal(out.code, 0, out.stderr);
      const doc = JSON.parse(out.stdout);
      assert.equal(doc.format, 'kyoso-plan');
      assert.equal(doc.content.sourceText, seedText());
      const file = path.join(tmp, 'plan.json');
      fs.writeFileSync(file, out.stdout);
      // into the same database: unchanged
      const same = kyoso(['import-plan', file], { DATABASE_URL: db.url });
      assert.match(same.stdout, /変更はありません/);
      // into a fresh database: the export is identical
      const other = await createTestDb(dialect);
      try {
        const imp = kyoso(['import-plan', file], { DATABASE_URL: other.url });
        assert.equal(imp.code, 0, imp.stderr);
        const again = kyoso(['export-plan', '--municipality', '352161'], { DATABASE_URL: other.url });
        assert.equal(again.stdout, out.stdout);
      } finally {
        await other.drop();
      }
    });

    test('create-admin prints a one-time setup address while there is no administrator', () => {
      const r = kyoso(['create-admin'], {
        DATABASE_URL: db.url,
        KYOSO_BASE_URL: 'https://plan.city.example.jp',
      });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /https:\/\/plan\.city\.example\.jp\/staff\/setup\?token=[\w-]{40,}/);
    });

    test('sample-kpi load / remove: loads once, removes all at once, audited, refuses bad input', async () => {
      const env = { DATABASE_URL: db.url };
      const count = async (table: 'indicators' | 'indicator_actuals') =>
        Number(
          (
            await db.kysely
              .selectFrom(table)
              .select((e) => e.fn.countAll().as('n'))
              .where('is_sample', '=', 1)
              .executeTakeFirstOrThrow()
          ).n,
        );
      const load = kyoso(['sample-kpi', 'load'], env);
      assert.equal(load.code, 0, load.stderr);
      const m = /指標 (\d+) 件、実績値 (\d+) 件/.exec(load.stdout);
      assert.ok(m, `counts printed: ${load.stdout}`);
      assert.equal(Number(m[1]), await count('indicators'), 'indicators counted as stored');
      assert.equal(Number(m[2]), await count('indicator_actuals'), 'actuals counted as stored');
      assert.ok(Number(m[1]) >= 30, 'the whole sample set');

      const again = kyoso(['sample-kpi', 'load'], env);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /すでにあります/);
      assert.equal(await count('indicators'), Number(m[1]), 'a second load adds nothing');

      const remove = kyoso(['sample-kpi', 'remove'], env);
      assert.equal(remove.code, 0, remove.stderr);
      assert.match(remove.stdout, new RegExp(`削除しました：指標 ${m[1]} 件、実績値 ${m[2]} 件`));
      assert.equal(await count('indicators'), 0, 'no sample indicator left');
      assert.equal(await count('indicator_actuals'), 0, 'no sample actual left');
      const audit = await db.kysely
        .selectFrom('audit_log')
        .select(['action', 'actor_label'])
        .where('action', 'like', 'kpi.sample.%')
        .orderBy('id')
        .execute();
      assert.deepEqual(
        audit.map((a) => [a.action, a.actor_label]),
        [
          ['kpi.sample.load', 'kyoso sample-kpi load'],
          ['kpi.sample.remove', 'kyoso sample-kpi remove'],
        ],
        'both audited',
      );
      assert.match(kyoso(['sample-kpi', 'remove'], env).stdout, /サンプルデータはありません/);

      const bad = kyoso(['sample-kpi'], env);
      assert.equal(bad.code, 2, 'no action');
      assert.match(bad.stderr, /load か remove/);
      assert.equal(kyoso(['sample-kpi', 'load', '--municipality', '12'], env).code, 2, 'bad code');
      const elsewhere = kyoso(['sample-kpi', 'load', '--municipality', '999998'], env);
      assert.equal(elsewhere.code, 1, 'no bundled plan there');
      assert.match(elsewhere.stderr, /何も書き込んでいません/);
    });

    test('the second plan shape imports from the command line', () => {
      const r = kyoso(
        ['import-plan', fixturePath('midori-kouki.txt'), '--municipality', '999997', '--name', 'みどり市'],
        { DATABASE_URL: db.url },
      );
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /取り込みました/);
    });
  });
}

describe('kyoso serve (SQLite, a real process)', () => {
  test('first start imports the plan and prints the address; SIGTERM closes gracefully', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kyoso-serve-'));
    const child = spawn(process.execPath, [BIN, 'serve'], {
      env: {
        ...process.env,
        DATABASE_URL: path.join(dir, 'k.sqlite'),
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        // the test is the proxy: its X-Request-Id is kept (from anyone else it would be replaced)
        KYOSO_TRUST_PROXY: '127.0.0.1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    try {
      const deadline = Date.now() + 90_000; // generous: CI machines are busy
      while (!/Server listening at (http:\/\/127\.0\.0\.1:\d+)/.test(out) || !/Kyoso is running/.test(out)) {
        if (Date.now() > deadline) throw new Error(`server did not start:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const base = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!;
      assert.match(out, /imported the bundled Sanyo-Onoda plan/);
      assert.match(out, /loaded the sample indicators/);
      assert.match(
        out,
        /No administrator yet\. Create the first one within 1 hour at:\n {2}http:\/\/localhost:\d+\/staff\/setup\?token=[\w-]{40,}/,
      );
      const top = await fetch(`${base}/`);
      assert.equal(top.status, 200);
      const topHtml = await top.text();
      assert.ok(topHtml.includes('活力と笑顔あふれるまち'), 'the plan');
      assert.ok(topHtml.includes('class="sample-banner"'), 'the sample data banner on first start');
      const h = await fetch(`${base}/healthz`, { headers: { 'x-request-id': 'test-request-0001' } });
      assert.equal(h.status, 200);
      assert.equal(h.headers.get('x-request-id'), 'test-request-0001');
      // structured logs carry the request id
      // the log line may reach the pipe a moment after the response: wait for it (up to 10 s)
      const logged = () =>
        out
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .some((l) => l.includes('"reqId":"test-request-0001"'));
      for (let i = 0; i < 100 && !logged(); i++) await new Promise((r) => setTimeout(r, 100));
      assert.ok(logged(), 'JSON log line with the request id');
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
      assert.match(out, /shutting down/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
