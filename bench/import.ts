/**
 * npm run bench:import — imports a generated 1M-row contacts CSV into PostgreSQL through Herald's
 * import (decode, parse, validate, map, dedupe, and one transaction that COPYs into the indexed
 * contacts table) and compares it, in the same run, with two references on the same file:
 *  - rawCopy: `COPY … (FORMAT csv)` into a bare table with no index (DESIGN.md §9's reference);
 *  - plainSql: what a DBA would type by hand — that COPY, then one INSERT … SELECT into an empty
 *    organization's contacts, no validation at all. Every import into `contacts` pays for its
 *    seven indexes, so this is the ceiling Herald's own work should be measured against.
 * Prints JSON. ROWS=… to change the size.
 */
import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { v7 as uuidv7 } from 'uuid';
import { openDatabase } from '../apps/api/src/db/client.js';
import { runMigrations } from '../apps/api/src/db/migrate.js';
import { openRuntime } from '../apps/api/src/server.js';
import { createServices } from '../apps/api/src/services.js';
import { organizations } from '../apps/api/src/db/schema/index.js';
import { systemClock } from '../apps/api/src/platform/clock.js';
import { createMemoryRateLimiter } from '../apps/api/src/platform/ratelimit/memory.js';
import { FIRST, LAST, PLANS, freshDatabase } from './support.js';

const ROWS = Number(process.env.ROWS ?? 1_000_000);
const file = `/tmp/herald-bench-${ROWS}.csv`;

async function generate() {
  const out = createWriteStream(file);
  out.write('Email Address,First Name,Last Name,Phone Number,Company,Plan,Score,Tags\n');
  for (let i = 0; i < ROWS; i++) {
    const line = `user${i}@example${i % 97}.com,${FIRST[i % FIRST.length]},"${LAST[i % LAST.length]}",+1555${String(i).padStart(7, '0')},"Company ${i % 5000}, Inc.",${PLANS[i % PLANS.length]},${i % 100},"vip,beta"\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

async function rawCopy(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(
    'create table raw_contacts (email text, first_name text, last_name text, phone text, company text, plan text, score text, tags text)',
  );
  const started = performance.now();
  await pipeline(
    createReadStream(file),
    client.query(copyFrom('COPY raw_contacts FROM STDIN (FORMAT csv, HEADER true)')),
  );
  const seconds = (performance.now() - started) / 1000;
  await client.end();
  return seconds;
}

/** The hand-written set-based import: the raw table from rawCopy into contacts, in one statement. */
async function plainSql(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const orgId = uuidv7();
  await client.query('insert into organizations (id, name) values ($1, $2)', [orgId, 'Plain']);
  const started = performance.now();
  await client.query(
    `insert into contacts (id, org_id, email, first_name, last_name, phone, tags, attributes, source)
     select ${UUID_V7_SQL}, $1, email, first_name, last_name, phone, string_to_array(tags, ','),
       jsonb_build_object('company', company, 'plan', plan, 'score', score), 'import'
     from raw_contacts`,
    [orgId],
  );
  const seconds = (performance.now() - started) / 1000;
  await client.end();
  return seconds;
}

async function emptyContacts(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('truncate contacts cascade');
  await client.query('checkpoint');
  await client.end();
}

// Time-ordered ids like Herald's, so the primary key sees the same insertion pattern.
const UUID_V7_SQL = `encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) placing substring(int8send(floor(extract(epoch from clock_timestamp()) * 1000)::bigint) from 3) from 1 for 6), 52, 1), 53, 1), 'hex')::uuid`;

async function heraldImport(config: Parameters<typeof openRuntime>[0]) {
  const runtime = await openRuntime(config);
  const services = createServices({
    ...runtime,
    rateLimiter: createMemoryRateLimiter(systemClock),
    clock: systemClock,
  });
  const orgId = uuidv7();
  await runtime.database.db.insert(organizations).values({ id: orgId, name: 'Bench' });
  const principal = {
    kind: 'user' as const,
    orgId,
    role: 'owner' as const,
    userId: null,
    apiKeyId: null,
  };
  const started = performance.now();
  const received = await services.imports.receive(createReadStream(file), 'bench.csv', () => false);
  const created = await services.imports.create(
    principal,
    received,
    { mode: 'upsert', tags: [], resubscribe: false },
    false,
  );
  await services.imports.run(created.id, orgId);
  const seconds = (performance.now() - started) / 1000;
  const view = await services.imports.get(principal, created.id);
  await runtime.queue.close();
  await runtime.database.close();
  return { seconds, view };
}

await generate();
const db = await freshDatabase('import');
try {
  const rawSeconds = await rawCopy(db.url);
  const database = await openDatabase({ url: db.url, poolSize: 2 });
  await runMigrations(database);
  await database.close();
  const plainSeconds = rawSeconds + (await plainSql(db.url));
  // Herald starts from the same empty table and a fresh checkpoint.
  await emptyContacts(db.url);
  const { seconds, view } = await heraldImport(db.config);
  const result = {
    bench: 'import',
    rows: ROWS,
    fileBytes: statSync(file).size,
    rawCopy: { seconds: +rawSeconds.toFixed(2), rowsPerSec: Math.round(ROWS / rawSeconds) },
    herald: {
      seconds: +seconds.toFixed(2),
      rowsPerSec: Math.round(ROWS / seconds),
      status: view.status,
      inserted: view.inserted,
      failed: view.failed,
    },
    plainSql: { seconds: +plainSeconds.toFixed(2), rowsPerSec: Math.round(ROWS / plainSeconds) },
    ratioToRawCopy: +(rawSeconds / seconds).toFixed(3),
    ratioToPlainSql: +(plainSeconds / seconds).toFixed(3),
    budget: { ratioToPlainSql: 0.8 },
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await db.drop();
}
