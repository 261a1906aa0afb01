#!/usr/bin/env node
// Reads the TAP file that node's test runner wrote and fails when any test was skipped or left todo,
// or when no test ran at all (see docs/decisions/0003-test-databases-and-ci.md). Prints the runner's
// closing summary (# tests / # pass / # fail / ...) last, so that CI logs end with it.
//
//   node scripts/check-no-skips.mjs test-results/node-test.tap
import fs from 'node:fs';

const file = process.argv[2];
if (!file) {
  console.error('usage: node scripts/check-no-skips.mjs <tap-file>');
  process.exit(2);
}
if (!fs.existsSync(file)) {
  console.error(`check-no-skips: ${file} does not exist: the test runner did not write its TAP report`);
  process.exit(1);
}

const unescapeTap = (s) => s.replace(/\\([#\\])/g, '$1');
const summary = new Map(); // key -> value, from the top-level "# key value" lines at the end
const names = []; // names of the enclosing subtests, by nesting level (4 spaces a level)
const offenders = []; // { kind: 'SKIP' | 'TODO', name, reason }

for (const line of fs.readFileSync(file, 'utf8').split(/\r?\n/)) {
  const sum = /^# (tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) (\S+)$/.exec(line);
  if (sum) {
    summary.set(sum[1], sum[2]);
    continue;
  }
  const sub = /^( *)# Subtest: (.*)$/.exec(line);
  if (sub) {
    const level = sub[1].length / 4;
    names.length = level;
    names[level] = unescapeTap(sub[2]);
    continue;
  }
  // "ok 3 - name # SKIP reason"; a "#" inside a name is escaped as "\#".
  const res = /^( *)(?:not )?ok \d+ - (.*?)(?<!\\) # (SKIP|TODO)\b ?(.*)$/i.exec(line);
  if (res) {
    const level = res[1].length / 4;
    const name = [...names.slice(0, level), unescapeTap(res[2])].join(' > ');
    offenders.push({ kind: res[3].toUpperCase(), name, reason: res[4] });
  }
}

const count = (key) => Number(summary.get(key) ?? 0);
const problems = [];
if (!summary.has('tests')) {
  problems.push(`${file} has no closing summary: the test runner did not finish`);
} else if (count('tests') === 0) {
  problems.push('no test ran');
}
if (count('skipped') > 0 || count('todo') > 0 || offenders.length > 0) {
  problems.push(
    `${count('skipped')} skipped and ${count('todo')} todo test(s); skipped and todo tests are not allowed:`,
  );
  for (const o of offenders) problems.push(`  ${o.kind}: ${o.name}${o.reason ? ` (${o.reason})` : ''}`);
}

for (const p of problems) console.error(`check-no-skips: ${p}`);
for (const [key, value] of summary) console.log(`# ${key} ${value}`);
process.exit(problems.length > 0 ? 1 : 0);
