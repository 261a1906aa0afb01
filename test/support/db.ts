import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { type OpenOptions, openDatabase } from '../../src/db/connection.ts';
import type { Db, Dialect } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';

// SQLite test folders still present when the process exits (a test that failed before its drop())
// are removed then, so that no run leaves files behind in the temp folder.
const liveDirs = new Set<string>();
process.once('exit', () => {
  for (const dir of liveDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** Every database test runs on both. */
export const DIALECTS: readonly Dialect[] = ['sqlite', 'postgres'];

export interface TestDb extends Db {
  /** The URL the database was opened with (for child processes such as the CLI). */
  url: string;
  /** Closes and deletes the database. */
  drop(): Promise<void>;
}

/** The PostgreSQL server for tests: an admin URL on which the tests may CREATE DATABASE. */
export function pgAdminUrl(): string {
  const url = process.env.KYOSO_TEST_PG_URL;
  if (!url) {
    throw new Error(
      'KYOSO_TEST_PG_URL is not set. Run the tests with `npm test`, which starts a throwaway PostgreSQL cluster.',
    );
  }
  return url;
}

/** A fresh, empty database (migrated unless `migrate: false`), of its own: tests never share one. */
export async function createTestDb(
  dialect: Dialect,
  options: OpenOptions & { migrate?: boolean } = {},
): Promise<TestDb> {
  const name = `kyoso_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  let url: string;
  let cleanup: () => Promise<void>;
  if (dialect === 'postgres') {
    const admin = pgAdminUrl();
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    await client.query(`create database ${name} template template0 encoding 'UTF8'`);
    await client.end();
    const u = new URL(admin);
    u.pathname = `/${name}`;
    url = u.toString();
    cleanup = async () => {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    };
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kyoso-test-'));
    url = path.join(dir, `${name}.sqlite`);
    liveDirs.add(dir);
    cleanup = async () => {
      fs.rmSync(dir, { recursive: true, force: true });
      liveDirs.delete(dir);
    };
  }
  const db = openDatabase(url, options);
  if (options.migrate !== false) await migrateToLatest(db);
  let dropped = false;
  return {
    ...db,
    url,
    async drop() {
      if (dropped) return;
      dropped = true;
      await db.close();
      await cleanup();
    },
  };
}
