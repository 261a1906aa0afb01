import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDateTime, formatDeadline } from './fiscal-year.ts';

test('formatDateTime and formatDeadline read in Japan time; a midnight end is the last minute of the day before', () => {
  assert.equal(formatDateTime('2026-12-31T14:59:00.000Z'), '2026年12月31日（木）23時59分');
  assert.equal(formatDeadline('2026-12-31T15:00:00.000Z'), '2026年12月31日（木）23時59分', 'midnight end');
  assert.equal(
    formatDeadline('2026-12-25T08:00:00.000Z'),
    '2026年12月25日（金）17時00分',
    'a 17:00 end stays',
  );
  assert.equal(formatDeadline('2026-12-31T15:00:00.000Z', 'en'), '31 December 2026, 23:59 JST');
});
