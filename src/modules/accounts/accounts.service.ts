import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/database.ts';
import * as repo from './accounts.repository.ts';

/** A random key shared by every process on the database (e.g. the CSRF HMAC key), made on first use. */
export async function instanceSecret(db: Db, name: string, now: Date): Promise<string> {
  return repo.getOrCreateSecret(
    db.kysely,
    name,
    () => randomBytes(32).toString('base64url'),
    now.toISOString(),
  );
}
