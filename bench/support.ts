import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '../apps/api/src/config.js';

/** A fresh database on the server in DATABASE_URL (default: the local one), dropped by `drop`. */
export async function freshDatabase(label: string) {
  const base = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `herald_bench_${label}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  const config = loadConfig({
    DATABASE_URL: url.toString(),
    JWT_SECRET: randomBytes(32).toString('hex'),
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    UPLOAD_DIR: `/tmp/${name}-uploads`,
    LOG_LEVEL: 'silent',
    ...(process.env.IMPORT_CHUNK_ROWS ? { IMPORT_CHUNK_ROWS: process.env.IMPORT_CHUNK_ROWS } : {}),
  });
  return {
    url: url.toString(),
    config,
    async drop() {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export const FIRST = [
  'Ana',
  'Bob',
  'Chloé',
  'Dmitri',
  'Eve',
  'Farid',
  'Grace',
  'Hiro',
  'Ines',
  'Jamal',
];
export const LAST = [
  'Müller',
  'Smith',
  "O'Neil",
  'García',
  'Nguyen',
  'Kowalski',
  'Rossi',
  'Haddad',
];
export const PLANS = ['free', 'pro', 'team', 'enterprise'];
