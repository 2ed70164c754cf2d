/**
 * npm run bench:segment — segment count latency over 1M contacts of one organization on
 * PostgreSQL (budget: ≤ 300 ms for a 3-condition segment), next to the plain
 * `count(*)` of that organization's contacts measured in the same run. Prints JSON.
 * CONTACTS=… to change the size.
 */
import { sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import { organizations } from '../apps/api/src/db/schema/index.js';
import { systemClock } from '../apps/api/src/platform/clock.js';
import { createMemoryRateLimiter } from '../apps/api/src/platform/ratelimit/memory.js';
import { openRuntime } from '../apps/api/src/server.js';
import { createServices } from '../apps/api/src/services.js';
import { freshDatabase } from './support.js';

const CONTACTS = Number(process.env.CONTACTS ?? 1_000_000);
const RUNS = 15;

const SEGMENTS = {
  threeConditions: {
    all: [
      { field: 'status', op: 'eq', value: 'subscribed' },
      { attribute: 'plan', op: 'eq', value: 'team' },
      { tag: 'vip', op: 'has' },
    ],
  },
  typedRangeAndText: {
    all: [
      { attribute: 'score', op: 'between', value: [10, 40] },
      { field: 'email', op: 'ends_with', value: '@example7.com' },
      { not: { field: 'createdAt', op: 'within_last', value: 30 } },
    ],
  },
  anyOfThree: {
    any: [
      { tag: 'beta', op: 'has' },
      { attribute: 'plan', op: 'eq', value: 'enterprise' },
      { field: 'firstName', op: 'starts_with', value: 'gr' },
    ],
  },
};

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return +sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!.toFixed(1);
};

async function time(fn: () => Promise<unknown>) {
  await fn();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await fn();
    samples.push(performance.now() - started);
  }
  return { p50Ms: percentile(samples, 50), p95Ms: percentile(samples, 95) };
}

const db = await freshDatabase('segment');
try {
  const runtime = await openRuntime(db.config);
  const services = createServices({
    ...runtime,
    rateLimiter: createMemoryRateLimiter(systemClock),
    clock: systemClock,
  });
  const orgId = uuidv7();
  const noiseOrg = uuidv7();
  const d = runtime.database.db;
  await d.insert(organizations).values([
    { id: orgId, name: 'Bench' },
    { id: noiseOrg, name: 'Noise' },
  ]);
  await d.execute(
    sql`insert into fields (id, org_id, key, label, type) values (${uuidv7()}, ${orgId}, 'score', 'Score', 'number')`,
  );
  // Bulk-load with set-based SQL; a tenth as many rows for a second organization, so the
  // org filter matters as it would in a shared database.
  for (const [org, n] of [
    [orgId, CONTACTS],
    [noiseOrg, Math.floor(CONTACTS / 10)],
  ] as const) {
    await d.execute(sql`
      insert into contacts (id, org_id, email, first_name, status, tags, attributes, created_at, updated_at)
      select gen_random_uuid(), ${org}, 'user' || i || '@example' || (i % 97) || '.com',
             (array['Ana','Bob','Grace','Hiro','Ines'])[1 + i % 5],
             (array['subscribed','subscribed','subscribed','unsubscribed','bounced'])[1 + i % 5]::contact_status,
             case when i % 10 = 0 then array['vip'] when i % 7 = 0 then array['beta'] else '{}' end,
             jsonb_build_object('plan', (array['free','pro','team','enterprise'])[1 + i % 4], 'score', i % 100),
             now() - make_interval(days => i % 400), now()
      from generate_series(1, ${n}::int) as i`);
  }
  await d.execute(sql`analyze contacts`);
  const principal = {
    kind: 'user' as const,
    orgId,
    role: 'owner' as const,
    userId: null,
    apiKeyId: null,
  };

  const reference = await time(() =>
    d.execute(sql`select count(*) from contacts where org_id = ${orgId}`),
  );
  const results: Record<string, unknown> = {};
  for (const [name, definition] of Object.entries(SEGMENTS)) {
    const count = (await services.segments.preview(principal, definition)).count;
    const where = await services.segments.compileFor(orgId, definition);
    const { count: _c, ...timing } = {
      count,
      ...(await time(() =>
        d.execute(sql`select count(*) from contacts where org_id = ${orgId} and ${where}`),
      )),
    };
    results[name] = { count, ...timing };
  }
  process.stdout.write(
    `${JSON.stringify({ bench: 'segment', contacts: CONTACTS, runs: RUNS, plainOrgCount: reference, segments: results, budgetMs: 300 })}\n`,
  );
  await runtime.queue.close();
  await runtime.database.close();
} finally {
  await db.drop();
}
