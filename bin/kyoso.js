#!/usr/bin/env node
// The `kyoso` command. TypeScript sources run through tsx (see docs/decisions/0001-stack.md).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
try {
  const code = await main(process.argv.slice(2));
  if (code >= 0) process.exitCode = code;
} catch (err) {
  process.stderr.write(`kyoso: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
}
