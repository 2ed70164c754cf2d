/**
 * npm run bench:import — imports a generated 1M-row contacts CSV into PostgreSQL through Herald's
 * import (parse, validate, map, COPY to staging, one-transaction upsert into an indexed contacts
 * table) and compares it with a raw `COPY … (FORMAT csv)` of the same file into a bare table,
 * measured in the same run. Prints JSON. ROWS=… to change the size.
 */
import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { v7 as uuidv7 } from 'uuid';
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
    ratioToRawCopy: +(rawSeconds / seconds).toFixed(3),
    budget: { rowsPerSec: 100_000, ratioToRawCopy: 0.3 },
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await db.drop();
}
