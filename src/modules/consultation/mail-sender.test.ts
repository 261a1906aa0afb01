import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { buildTestApp } from '../../../test/support/app.ts';
import { createTestDb, DIALECTS, type TestDb } from '../../../test/support/db.ts';
import { buildStaff, signInAs } from '../../../test/support/staff.ts';
import { loadConfig } from '../../config.ts';
import { openDatabase } from '../../db/connection.ts';
import { queueMail } from './mail.service.ts';
import { describeError, MailSender, retryDelayMs, startMailDelivery } from './mail-sender.ts';

/** A real SMTP server (the smtp-server package) on a free local port, keeping what it receives. */
interface Received {
  from: string;
  to: string[];
  raw: string;
}

async function startSmtp(options: { user?: string; pass?: string } = {}) {
  const received: Received[] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authOptional: !options.user,
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === options.user && auth.password === options.pass) cb(null, { user: auth.username });
      else cb(new Error('bad credentials'));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as net.AddressInfo).port;
  const auth = options.user ? `${options.user}:${options.pass}@` : '';
  return {
    url: `smtp://${auth}127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A local port on which nothing listens (connection refused). */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** The headers (unfolded) and the decoded text body of a raw single-part message. */
function parseMessage(raw: string) {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const headers = new Map<string, string>();
  for (const line of head.split('\r\n')) {
    const i = line.indexOf(':');
    headers.set(line.slice(0, i).toLowerCase(), line.slice(i + 1).trim());
  }
  const rawBody = raw.slice(split + 4);
  const cte = headers.get('content-transfer-encoding')?.toLowerCase();
  const body =
    cte === 'base64'
      ? Buffer.from(rawBody.replace(/\s+/g, ''), 'base64').toString('utf8')
      : cte === 'quoted-printable'
        ? Buffer.from(
            rawBody.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => `%${h}`),
            'latin1',
          ).toString('utf8')
        : rawBody;
  return { headers, body: body.replace(/\r\n/g, '\n') };
}

/** Decodes RFC 2047 encoded words (=?UTF-8?B?…?= / =?UTF-8?Q?…?=). */
function decodeWords(v: string): string {
  return v
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([bq])\?([^?]*)\?=/gi, (_m, enc: string, text: string) =>
      enc.toLowerCase() === 'b'
        ? Buffer.from(text, 'base64').toString('utf8')
        : decodeURIComponent(text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, '%$1')),
    );
}

const SUBJECT = '【山陽小野田市】ご意見を受け付けました（受付番号 PC-0001）';
const BODY =
  '「第二次山陽小野田市総合計画」へのご意見を受け付けました。\n\n受付番号：PC-0001\n\n■ 意見1\n公園を増やしてください。🌸';
const NOW = new Date('2026-11-20T01:00:00.000Z');

for (const dialect of DIALECTS) {
  describe(`mail sender (${dialect})`, () => {
    let db: TestDb;
    before(async () => {
      db = await createTestDb(dialect);
    });
    after(async () => {
      await db.drop();
    });

    let n = 0;
    const queue = (to = `resident${++n}@example.jp`, subject = SUBJECT, body = BODY) =>
      db.kysely.transaction().execute((trx) =>
        queueMail(trx, {
          municipalityCode: '352161',
          to,
          subject,
          body,
          relatedType: 'submission',
          relatedId: String(n),
          now: NOW,
        }),
      );
    const row = (id: number) =>
      db.kysely.selectFrom('mail_outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const clearOutbox = () => db.kysely.deleteFrom('mail_outbox').execute();

    test('delivers a queued mail through a real SMTP server, Japanese subject and body intact', async () => {
      await clearOutbox();
      const smtp = await startSmtp({ user: 'kyoso', pass: 'p@ss word' });
      smtp.url = smtp.url.replace('p@ss word', encodeURIComponent('p@ss word'));
      const logs: string[] = [];
      const log = {
        info: (o: object, m: string) => logs.push(`${m} ${JSON.stringify(o)}`),
        warn: (o: object, m: string) => logs.push(`${m} ${JSON.stringify(o)}`),
      };
      const sender = new MailSender({
        db,
        smtpUrl: smtp.url,
        from: 'no-reply@kyoso.example',
        clock: () => NOW,
        log,
      });
      try {
        const id = await queue('taro.yamada@example.jp');
        const result = await sender.deliverDue();
        assert.deepEqual(result, { sent: 1, failed: 0 }, 'one mail sent');
        assert.equal(smtp.received.length, 1, 'the SMTP server received one message');
        const got = smtp.received[0]!;
        assert.deepEqual(got.to, ['taro.yamada@example.jp'], 'envelope recipient');
        assert.equal(got.from, 'no-reply@kyoso.example', 'envelope sender is KYOSO_MAIL_FROM');
        const msg = parseMessage(got.raw);
        assert.equal(msg.headers.get('to'), 'taro.yamada@example.jp', 'To header');
        const rawSubject = msg.headers.get('subject') ?? '';
        assert.match(rawSubject, /^=\?UTF-8\?[BQ]\?/i, 'the Japanese subject is MIME-encoded (RFC 2047)');
        assert.equal(decodeWords(rawSubject), SUBJECT, 'the subject decodes to the Japanese original');
        assert.match(
          msg.headers.get('content-type') ?? '',
          /text\/plain; charset=utf-8/i,
          'plain UTF-8 text',
        );
        assert.equal(msg.body.replace(/\n$/, ''), BODY, 'the body decodes to the Japanese original');
        const r = await row(id);
        assert.ok(r.sent_at != null, 'sent_at is set');
        assert.equal(
          new Date(r.sent_at as string).toISOString(),
          NOW.toISOString(),
          'sent_at is the clock time',
        );
        assert.equal(r.last_error, null, 'no error recorded');
        assert.equal(r.claim_token, null, 'the claim is released');
        assert.equal((await sender.deliverDue()).sent, 0, 'a sent mail is not sent again');
        assert.equal(smtp.received.length, 1, 'still one message');
        assert.ok(
          logs.some((l) => l.includes(`"mailId":${id}`)),
          'the log names the mail by id',
        );
        assert.ok(!logs.join('\n').includes('taro.yamada'), 'the log never holds the address');
        assert.ok(!logs.join('\n').includes('公園'), 'the log never holds the body');
      } finally {
        await sender.stop();
        await smtp.close();
      }
    });

    test('sends in id order, a batch at a time, until none is left', async () => {
      await clearOutbox();
      const smtp = await startSmtp();
      const sender = new MailSender({ db, smtpUrl: smtp.url, from: 'no-reply@kyoso.example', batchSize: 2 });
      try {
        const ids: number[] = [];
        for (let i = 0; i < 5; i++) ids.push(await queue(`order${i}@example.jp`));
        assert.deepEqual(
          await sender.deliverDue(),
          { sent: 5, failed: 0 },
          'all five sent in batches of two',
        );
        assert.deepEqual(
          smtp.received.map((m) => m.to[0]),
          [0, 1, 2, 3, 4].map((i) => `order${i}@example.jp`),
          'in id order',
        );
      } finally {
        await sender.stop();
        await smtp.close();
      }
    });

    test('connection refused: last_error is recorded, the row stays unsent and is retried later', async () => {
      await clearOutbox();
      const port = await closedPort();
      let now = NOW;
      const logs: string[] = [];
      const log = {
        info: (o: object, m: string) => logs.push(`${m} ${JSON.stringify(o)}`),
        warn: (o: object, m: string) => logs.push(`${m} ${JSON.stringify(o)}`),
      };
      const failing = new MailSender({
        db,
        smtpUrl: `smtp://127.0.0.1:${port}`,
        from: 'no-reply@kyoso.example',
        clock: () => now,
        log,
        timeoutMs: 5_000,
      });
      const id = await queue('hanako@example.jp');
      try {
        assert.deepEqual(await failing.deliverDue(), { sent: 0, failed: 1 }, 'the send failed');
      } finally {
        await failing.stop();
      }
      let r = await row(id);
      assert.equal(r.sent_at, null, 'still unsent');
      assert.ok(r.last_error && /ECONNREFUSED/.test(r.last_error), `the error is recorded: ${r.last_error}`);
      assert.ok(!r.last_error?.includes('hanako'), 'the stored error holds no address');
      assert.equal(Number(r.attempts), 1, 'one attempt counted');
      assert.equal(
        new Date(r.next_attempt_at as string).toISOString(),
        new Date(NOW.getTime() + retryDelayMs(1)).toISOString(),
        'the retry waits for the backoff',
      );
      assert.ok(!logs.join('\n').includes('hanako'), 'the log holds no address');
      assert.ok(
        logs.some((l) => l.includes('ECONNREFUSED')),
        'the log says why',
      );

      // Within the backoff nothing is tried; after it, a working server gets the mail.
      const smtp = await startSmtp();
      const sender = new MailSender({
        db,
        smtpUrl: smtp.url,
        from: 'no-reply@kyoso.example',
        clock: () => now,
      });
      try {
        now = new Date(NOW.getTime() + retryDelayMs(1) - 1_000);
        assert.deepEqual(await sender.deliverDue(), { sent: 0, failed: 0 }, 'not retried within the backoff');
        now = new Date(NOW.getTime() + retryDelayMs(1));
        assert.deepEqual(await sender.deliverDue(), { sent: 1, failed: 0 }, 'retried after the backoff');
        assert.deepEqual(smtp.received[0]?.to, ['hanako@example.jp'], 'delivered on retry');
        r = await row(id);
        assert.ok(r.sent_at != null, 'sent after the retry');
        assert.equal(r.last_error, null, 'the error is cleared');
      } finally {
        await sender.stop();
        await smtp.close();
      }
    });

    test('two senders on separate connections at once send each mail exactly once', async () => {
      await clearOutbox();
      const smtp = await startSmtp();
      const other = openDatabase(db.url);
      const a = new MailSender({ db, smtpUrl: smtp.url, from: 'no-reply@kyoso.example', batchSize: 3 });
      const b = new MailSender({
        db: other,
        smtpUrl: smtp.url,
        from: 'no-reply@kyoso.example',
        batchSize: 3,
      });
      try {
        const ids: number[] = [];
        for (let i = 0; i < 12; i++) ids.push(await queue(`twice${i}@example.jp`));
        const [ra, rb] = await Promise.all([a.deliverDue(), b.deliverDue()]);
        assert.equal(ra.sent + rb.sent, 12, `together they sent 12 (a ${ra.sent}, b ${rb.sent})`);
        const recipients = smtp.received.map((m) => m.to[0]).sort();
        assert.equal(smtp.received.length, 12, 'the server received exactly 12 messages');
        assert.equal(new Set(recipients).size, 12, 'no mail was received twice');
        const unsent = await db.kysely
          .selectFrom('mail_outbox')
          .select('id')
          .where('sent_at', 'is', null)
          .execute();
        assert.equal(unsent.length, 0, 'every row is marked sent');
      } finally {
        await a.stop();
        await b.stop();
        await other.close();
        await smtp.close();
      }
    });

    test('a stale claim (a process that died) is taken over; a fresh one is left alone', async () => {
      await clearOutbox();
      const smtp = await startSmtp();
      const id = await queue('stale@example.jp');
      const sender = new MailSender({
        db,
        smtpUrl: smtp.url,
        from: 'no-reply@kyoso.example',
        clock: () => NOW,
        staleMs: 60_000,
      });
      try {
        const claim = (at: Date) =>
          db.kysely
            .updateTable('mail_outbox')
            .set({ claimed_at: at.toISOString(), claim_token: 'other-process' })
            .where('id', '=', id)
            .execute();
        await claim(new Date(NOW.getTime() - 30_000));
        assert.deepEqual(
          await sender.deliverDue(),
          { sent: 0, failed: 0 },
          'a fresh claim of another process',
        );
        await claim(new Date(NOW.getTime() - 61_000));
        assert.deepEqual(await sender.deliverDue(), { sent: 1, failed: 0 }, 'a stale claim is taken over');
        assert.equal(smtp.received.length, 1, 'sent once');
      } finally {
        await sender.stop();
        await smtp.close();
      }
    });

    test('with SMTP configured, startMailDelivery sends queued mail on its interval until stopped', async () => {
      await clearOutbox();
      const smtp = await startSmtp();
      const sender = startMailDelivery(
        { smtpUrl: smtp.url, mailFrom: 'no-reply@kyoso.example' },
        db,
        undefined,
        20,
      );
      try {
        assert.ok(sender, 'a sender is started');
        const id = await queue('interval@example.jp');
        for (let i = 0; i < 100 && smtp.received.length === 0; i++)
          await new Promise((r) => setTimeout(r, 20));
        assert.deepEqual(smtp.received[0]?.to, ['interval@example.jp'], 'delivered without being called');
        for (let i = 0; i < 50 && (await row(id)).sent_at == null; i++)
          await new Promise((r) => setTimeout(r, 20));
        assert.ok((await row(id)).sent_at != null, 'marked sent');
        await sender?.stop();
        const later = await queue('after-stop@example.jp');
        await new Promise((r) => setTimeout(r, 100));
        assert.equal(smtp.received.length, 1, 'nothing is sent after stop');
        assert.equal((await row(later)).sent_at, null, 'the later mail stays in the outbox');
      } finally {
        await sender?.stop();
        await smtp.close();
      }
    });

    test('without SMTP configured nothing is sent and the outbox page says so', async () => {
      await clearOutbox();
      const config = loadConfig({});
      assert.equal(config.smtpUrl, null, 'no KYOSO_SMTP_URL: no SMTP');
      assert.equal(loadConfig({ KYOSO_SMTP_URL: '' }).smtpUrl, null, 'empty KYOSO_SMTP_URL: no SMTP');
      assert.equal(startMailDelivery(config, db, undefined, 10), null, 'no sender is started');
      const smtp = await startSmtp();
      try {
        const id = await queue('kept@example.jp');
        await new Promise((resolve) => setTimeout(resolve, 100));
        assert.equal(smtp.received.length, 0, 'nothing reached the SMTP server');
        assert.equal((await row(id)).sent_at, null, 'the mail stays in the outbox');

        // The outbox page tells which, and shows each mail's state.
        for (const smtpUrl of [null, smtp.url]) {
          const app = await buildTestApp(db, { config: { smtpUrl } });
          try {
            const planner = await buildStaff(db, 'planner');
            const p = await signInAs(app, planner);
            const page = (await p.get('/staff/outbox')).body;
            if (smtpUrl === null) {
              assert.ok(
                page.includes('SMTPが設定されていないため、メールは送信されずここに保管されます'),
                'says no SMTP',
              );
              assert.ok(page.includes('送信待ち'), 'the mail waits');
            } else {
              assert.ok(page.includes('SMTPで送信します'), 'says SMTP is used');
              assert.ok(!page.includes('SMTPが設定されていないため'), 'not the no-SMTP notice');
            }
          } finally {
            await app.close();
          }
        }
      } finally {
        await smtp.close();
      }
    });

    test('the outbox page shows sent and failed mail with their states', async () => {
      await clearOutbox();
      const sent = await queue('s@example.jp');
      const failed = await queue('f@example.jp');
      await db.kysely
        .updateTable('mail_outbox')
        .set({ sent_at: '2026-11-20T02:03:00.000Z' })
        .where('id', '=', sent)
        .execute();
      await db.kysely
        .updateTable('mail_outbox')
        .set({ last_error: 'ECONNREFUSED: connect', attempts: 1 })
        .where('id', '=', failed)
        .execute();
      const app = await buildTestApp(db);
      try {
        const p = await signInAs(app, await buildStaff(db, 'planner'));
        const page = (await p.get('/staff/outbox')).body;
        assert.ok(
          page.includes('送信エラー（再試行します）'),
          'the failed mail is shown as failing, to be retried',
        );
        assert.match(page, /送信済み（2026[^）]*）/, 'the sent mail with its time');
        assert.ok(!page.includes('ECONNREFUSED'), 'the technical error is not shown');
      } finally {
        await app.close();
      }
    });
  });
}

describe('mail sender helpers', () => {
  test('errors are stored without addresses', () => {
    const err = Object.assign(
      new Error('Recipient command failed: 550 5.1.1 <taro@example.jp>: no such user'),
      {
        code: 'EENVELOPE',
      },
    );
    const s = describeError(err, 'taro@example.jp');
    assert.ok(!s.includes('taro'), `no address: ${s}`);
    assert.ok(s.startsWith('EENVELOPE: '), `the code leads: ${s}`);
  });

  test('the retry delay doubles up to an hour', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 7, 8, 20].map(retryDelayMs),
      [1, 2, 4, 8, 60, 60, 60].map((m) => m * 60_000),
      'delays',
    );
  });

  test('configuration: KYOSO_SMTP_URL and KYOSO_MAIL_FROM', () => {
    const c = loadConfig({
      KYOSO_SMTP_URL: 'smtps://u:p@mail.example.jp:465',
      KYOSO_BASE_URL: 'https://iken.example.jp',
    });
    assert.equal(c.smtpUrl, 'smtps://u:p@mail.example.jp:465', 'the URL is kept');
    assert.equal(
      c.mailFrom,
      'no-reply@iken.example.jp',
      'From defaults to no-reply@ the host of KYOSO_BASE_URL',
    );
    assert.equal(
      loadConfig({ KYOSO_MAIL_FROM: 'pc@city.example.jp' }).mailFrom,
      'pc@city.example.jp',
      'From set',
    );
    assert.throws(
      () => loadConfig({ KYOSO_SMTP_URL: 'http://mail.example.jp' }),
      /KYOSO_SMTP_URL/,
      'bad scheme',
    );
    assert.throws(() => loadConfig({ KYOSO_MAIL_FROM: 'nobody' }), /KYOSO_MAIL_FROM/, 'not an address');
  });
});
