import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, test } from 'node:test';
import { ROOT_DIR } from './config.ts';

/** Runs a module in a fresh Node process (with tsx), as the server runs; returns its exit code and output. */
function run(source: string) {
  const guards = path.join(ROOT_DIR, 'src', 'process-guards.ts');
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', source.replaceAll('GUARDS', JSON.stringify(guards))],
    { encoding: 'utf8', timeout: 30_000, cwd: ROOT_DIR },
  );
  return { code: r.status, out: `${r.stdout}${r.stderr}`, stdout: r.stdout };
}

const LOG = `const log = {
  error: (o, m) => console.log('ERROR', m, String(o.err?.message ?? o.err)),
  fatal: (o, m) => console.log('FATAL', m, String(o.err?.message ?? o.err)),
};`;

describe('process guards (what serve() installs)', () => {
  test('without them, an unhandled rejection ends the process (the defect they prevent)', () => {
    const r = run(`Promise.reject(new Error('boom')); setTimeout(() => console.log('alive'), 100);`);
    assert.notEqual(r.code, 0);
    assert.doesNotMatch(r.stdout, /alive/);
  });

  test('with them, an unhandled rejection is logged as an error and the process goes on', () => {
    const r = run(`import { installProcessGuards } from GUARDS;
      ${LOG}
      installProcessGuards(log, () => { console.log('fatal handler'); process.exit(3); });
      Promise.reject(new Error('boom'));
      setTimeout(() => console.log('alive'), 100);`);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /ERROR unhandled promise rejection .* boom/);
    assert.match(r.out, /alive/);
    assert.doesNotMatch(r.out, /fatal handler/);
  });

  test('an uncaught exception is logged as fatal and handed to the shutdown', () => {
    const r = run(`import { installProcessGuards } from GUARDS;
      ${LOG}
      installProcessGuards(log, () => { console.log('shutting down'); process.exit(3); });
      setTimeout(() => { throw new Error('bang'); }, 10);
      setTimeout(() => console.log('still here'), 500);`);
    assert.equal(r.code, 3, r.out);
    assert.match(r.out, /FATAL uncaught exception: shutting down bang/);
    assert.match(r.out, /shutting down/);
    assert.doesNotMatch(r.stdout, /still here/);
  });
});
