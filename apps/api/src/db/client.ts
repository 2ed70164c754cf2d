import { mkdirSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import * as schema from './schema/index.js';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

/** One database, two drivers: PGlite in-process (embedded) or a pg pool (scale-out). */
export interface Database {
  readonly db: Db;
  readonly kind: 'pglite' | 'postgres';
  ping(): Promise<void>;
  /** Runs fn while holding a cluster-wide advisory lock (a no-op lock on PGlite: one process). */
  withAdvisoryLock<T>(key: number, fn: () => Promise<T>): Promise<T>;
  /**
   * Runs fn in one transaction on one dedicated connection that can also stream COPY (the
   * bulk path for imports and campaign snapshots): committed when fn resolves, rolled back when
   * it throws. Undefined on PGlite, whose single session a long transaction would block.
   */
  bulkTransaction?: <T>(fn: (session: BulkSession) => Promise<T>) => Promise<T>;
  close(): Promise<void>;
}

/** Raw SQL on the connection of a bulk transaction: values are always bind parameters. */
export interface BulkSession {
  query<R = Record<string, unknown>>(text: string, values?: unknown[]): Promise<R[]>;
  /** COPY … FROM STDIN of text already in COPY's text format. */
  copyFrom(statement: string, text: string): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres:// URL; when absent PGlite is used. */
  url?: string | undefined;
  /** PGlite data directory, or undefined for an in-memory database (tests). */
  dataDir?: string | undefined;
  /** pg pool size. (Default: 10) */
  poolSize?: number;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.url) {
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      // A restarted PostgreSQL must not take the process down: failed clients are dropped.
      idleTimeoutMillis: 30_000,
    });
    pool.on('error', () => undefined);
    const db = drizzlePg({ client: pool, schema }) as unknown as Db;
    return {
      db,
      kind: 'postgres',
      ping: async () => {
        await pool.query('select 1');
      },
      withAdvisoryLock: async (key, fn) => {
        const client = await pool.connect();
        try {
          await client.query('select pg_advisory_lock($1)', [key]);
          try {
            return await fn();
          } finally {
            await client.query('select pg_advisory_unlock($1)', [key]);
          }
        } finally {
          client.release();
        }
      },
      bulkTransaction: async (fn) => {
        const client = await pool.connect();
        let broken: Error | undefined;
        try {
          await client.query('begin');
          const result = await fn({
            query: async <R>(text: string, values?: unknown[]) =>
              (await client.query(text, values)).rows as R[],
            copyFrom: (statement, text) =>
              pipeline(Readable.from([text]), client.query(copyFrom(statement))),
          });
          await client.query('commit');
          return result;
        } catch (error) {
          // A connection that cannot even roll back is broken: drop it rather than reuse it.
          await client.query('rollback').catch((e: Error) => (broken = e));
          throw error;
        } finally {
          client.release(broken);
        }
      },
      close: () => pool.end(),
    };
  }
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const client = await PGlite.create(options.dataDir ?? 'memory://');
  const db = drizzlePglite({ client, schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    withAdvisoryLock: (_key, fn) => fn(),
    close: () => client.close(),
  };
}
