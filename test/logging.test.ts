/**
 * What the request log holds: the request id, method and address, but never the secret of a receipt's
 * address (whoever has it can read the opinions on that receipt).
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { build, redactLoggedUrl } from '../src/app.ts';
import { seedIfEmpty } from '../src/bootstrap.ts';
import { testConfig } from './support/app.ts';
import { createTestDb, type TestDb } from './support/db.ts';

describe('request logging', () => {
  let db: TestDb;
  let app: FastifyInstance;
  const lines: string[] = [];
  before(async () => {
    db = await createTestDb('sqlite');
    const config = testConfig({ logLevel: 'info' });
    await seedIfEmpty(db, { ...config, seed: true });
    const stream = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    app = await build({ config, db, logger: { level: 'info', stream }, rateLimitMax: 1000 });
    await app.ready();
  });
  after(async () => {
    await app?.close();
    await db?.drop();
  });

  test('redactLoggedUrl replaces the secrets of receipts, invitations and setup links, and nothing else', () => {
    assert.equal(
      redactLoggedUrl('/consultations/3/receipt/abcDEF_-123?x=1'),
      '/consultations/3/receipt/[redacted]?x=1',
    );
    assert.equal(redactLoggedUrl('/staff/invitations/abcDEF_-123'), '/staff/invitations/[redacted]');
    assert.equal(redactLoggedUrl('/staff/setup?token=abc-DEF&x=1'), '/staff/setup?token=[redacted]&x=1');
    assert.equal(redactLoggedUrl('/consultations/3/form?section=4'), '/consultations/3/form?section=4');
  });

  test('a receipt address is logged without its secret; other addresses as they are', async () => {
    const token = 'Zq9'.repeat(14);
    await app.inject(`/consultations/1/receipt/${token}`);
    await app.inject('/plan/1');
    const all = lines.join('');
    assert.ok(all.includes('/consultations/1/receipt/[redacted]'), 'the receipt request is logged, redacted');
    assert.ok(!all.includes(token), 'the secret is in no log line');
    assert.ok(all.includes('"url":"/plan/1"'), 'other addresses are logged as they are');
    assert.ok(all.includes('"reqId"'), 'lines carry the request id');
  });
});
