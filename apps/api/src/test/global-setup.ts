import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Redis } from 'ioredis';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/client.js';
import { runMigrations } from '../db/migrate.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A fresh, migrated database for this run, or '' for PGlite. */
    databaseUrl: string;
    /** Redis URL, or '' for the embedded drivers. */
    redisUrl: string;
    /** Key prefix that isolates this run's Redis keys. */
    redisPrefix: string;
  }
}

/**
 * With DATABASE_URL set, every run gets its own fresh database on that server (dropped after),
 * so runs never see each other's rows. Without it each test file opens an in-memory PGlite.
 */
export default async function setup(project: TestProject) {
  const config = loadConfig({
    DATABASE_URL: process.env.DATABASE_URL,
    REDIS_URL: process.env.REDIS_URL,
    JWT_SECRET: randomBytes(32).toString('hex'),
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  });
  const runId = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  let databaseUrl = '';
  let adminUrl = '';
  const dbName = `herald_test_${runId}`;
  if (config.databaseUrl) {
    adminUrl = config.databaseUrl;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database ${dbName}`);
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = `/${dbName}`;
    databaseUrl = url.toString();
    const database = await openDatabase({ url: databaseUrl, poolSize: 2 });
    await runMigrations(database);
    await database.close();
  }
  const redisPrefix = `herald-test-${runId}`;
  project.provide('databaseUrl', databaseUrl);
  project.provide('redisUrl', config.redisUrl ?? '');
  project.provide('redisPrefix', redisPrefix);

  return async () => {
    if (config.redisUrl) {
      const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1 });
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisPrefix}*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== '0');
      redis.disconnect();
    }
    if (adminUrl) {
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      await admin.query(`drop database if exists ${dbName} with (force)`);
      await admin.end();
    }
  };
}
