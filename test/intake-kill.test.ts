import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runKillRounds } from '../bench/intake/kill.ts';

// Issue #4, Reliability: the server is killed with SIGKILL while submissions pour in, 20 times; every
// submission whose receipt was sent must be in the database, which must pass its integrity check.
// SQLite only (the default database, and the one whose durability the app itself arranges: WAL,
// synchronous=FULL, group commit in intake-writer.ts). bench/intake-kill.ts runs the same 100 times.
const ROUNDS = 20;

describe('public-comment intake survives SIGKILL (sqlite)', () => {
  test(`${ROUNDS} kills mid-stream: every acknowledged submission is in the database, integrity ok`, {
    timeout: 300_000,
  }, async () => {
    const rounds = await runKillRounds({ rounds: ROUNDS });
    for (const r of rounds) {
      assert.deepEqual(r.missing, [], `round ${r.round}: acknowledged submissions missing after SIGKILL`);
      assert.equal(r.integrity, 'ok', `round ${r.round}: integrity_check`);
      assert.deepEqual(r.other, {}, `round ${r.round}: every answer before the kill is a receipt (303)`);
      assert.ok(r.acknowledged > 0, `round ${r.round}: receipts were sent before the kill`);
      assert.ok(r.rows >= r.acknowledgedSoFar, `round ${r.round}: at least one row per receipt`);
    }
    assert.equal(rounds.length, ROUNDS, 'every round ran');
    const unanswered = rounds.reduce((s, r) => s + r.unanswered, 0);
    assert.ok(unanswered > 0, 'the kills hit submissions in flight (else the test proves nothing)');
  });
});
