import { inject } from 'vitest';
import { openDatabase, type Database } from '../db/client.js';
import { runMigrations } from '../db/migrate.js';

/**
 * The run's PostgreSQL database (already migrated by global-setup) or a fresh in-memory PGlite.
 * Tests isolate themselves by creating their own organizations, never by truncating.
 */
export async function openTestDatabase(): Promise<Database> {
  const url = inject('databaseUrl');
  if (url) return openDatabase({ url, poolSize: 5 });
  const database = await openDatabase({});
  await runMigrations(database);
  return database;
}

export function testRedis(): { url: string; prefix: string } | undefined {
  const url = inject('redisUrl');
  return url ? { url, prefix: inject('redisPrefix') } : undefined;
}
