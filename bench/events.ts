/**
 * npm run bench:events — the Segment-compatible event API under load. Herald runs in-process
 * (the runtime and app of `herald serve`, without its job worker: nothing here makes jobs) on
 * PGlite in a temporary data dir, or on a fresh database of the PostgreSQL server in
 * DATABASE_URL when it is set. CLIENTS (default 8) concurrent HTTP clients post `/v1/batch`
 * requests of BATCH (default 100) track events with Basic write-key auth, like the Segment
 * SDKs. Every event names one of USERS (default 10,000) known contacts by userId, so each batch
 * resolves its contacts, inserts and emits `event.tracked`.
 *
 * Two Herald apps share the runtime and database, each with its own organization:
 *  - ingestOnly: EVENTS (default 50,000) events with nobody listening to domain events — the
 *    event API's own path (HTTP, auth, validation, contact resolution, insert);
 *  - shipped: FULL_EVENTS (default 10,000) events with every listener Herald registers (flow
 *    triggers, webhooks, metrics), which run inside the request after the commit.
 * References measured in the same run, on the same database and driver, with the same
 * concurrency and without HTTP:
 *  - perEventInsert: the plain approach, one INSERT … ON CONFLICT DO NOTHING per event;
 *  - multiRowInsert: the ceiling, one multi-row INSERT of BATCH rows with the contact already
 *    known (what ingestion does minus HTTP, auth, validation and contact resolution).
 * Prints JSON with events/s and the ratios. Budget: thousands of events/s.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import { buildApp } from '../apps/api/src/app.js';
import { loadConfig } from '../apps/api/src/config.js';
import type { Db } from '../apps/api/src/db/client.js';
import { events } from '../apps/api/src/db/schema/index.js';
import { rowsOf } from '../apps/api/src/modules/contacts/contacts.repo.js';
import { systemClock } from '../apps/api/src/platform/clock.js';
import type { DomainEvents } from '../apps/api/src/platform/domain-events.js';
import { openRuntime, type Runtime } from '../apps/api/src/server.js';
import { createServices } from '../apps/api/src/services.js';
import { freshDatabase, PLANS } from './support.js';

const EVENTS = Number(process.env.EVENTS ?? 50_000);
const FULL_EVENTS = Number(process.env.FULL_EVENTS ?? 10_000);
const BATCH = Number(process.env.BATCH ?? 100);
const CLIENTS = Number(process.env.CLIENTS ?? 8);
const USERS = Number(process.env.USERS ?? 10_000);
const REFERENCE_EVENTS = Number(process.env.REFERENCE_EVENTS ?? 20_000);

const NAMES = ['Product Viewed', 'Product Added', 'Checkout Started', 'Order Completed'];
const run = randomBytes(4).toString('hex');

function makeEvent(i: number, prefix: string) {
  return {
    type: 'track' as const,
    userId: `user-${(i * 7919) % USERS}`,
    event: NAMES[i % NAMES.length]!,
    messageId: `${run}-${prefix}-${i}`,
    timestamp: new Date(Date.now() - (i % 86_400) * 1000).toISOString(),
    properties: { plan: PLANS[i % PLANS.length], amount: (i % 500) + 0.99, sku: `SKU-${i % 300}` },
    context: { library: { name: 'bench', version: '1' }, ip: '203.0.113.7' },
  };
}

/** Runs `jobs` with `concurrency` workers; returns the wall time and each job's latency. */
async function runConcurrently(jobs: (() => Promise<void>)[], concurrency: number) {
  let next = 0;
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < jobs.length) {
        const job = jobs[next++]!;
        const t0 = performance.now();
        await job();
        latencies.push(performance.now() - t0);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);
  return { seconds: (performance.now() - started) / 1000, p50Ms: at(0.5), p99Ms: at(0.99) };
}

const round = (n: number) => Math.round(n * 100) / 100;

/** Domain events that reach nobody: listeners registered on it are never called. */
const silentDomainEvents: DomainEvents = { emit: async () => undefined, listen: () => undefined };

/** A Herald app on the shared runtime, with its own organization, write key and contacts. */
async function startApp(runtime: Runtime, db: Db, label: string, silent: boolean) {
  const services = createServices({
    ...runtime,
    clock: systemClock,
    ...(silent ? { domainEvents: silentDomainEvents } : {}),
  });
  let listenerMs = 0;
  if (!silent) {
    const emit = services.domainEvents.emit.bind(services.domainEvents);
    services.domainEvents.emit = async (orgId, type, data) => {
      const started = performance.now();
      await emit(orgId, type, data);
      listenerMs += performance.now() - started;
    };
  }
  const app = await buildApp({ ...runtime, services, logger: false });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const register = await fetch(`${base}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: `bench-${label}@example.com`,
      password: 'correct horse battery',
      name: 'Bench',
      organizationName: `Bench ${label}`,
    }),
  });
  const session = (await register.json()) as {
    accessToken: string;
    organization: { id: string };
  };
  const orgId = session.organization.id;
  const keyRes = await fetch(`${base}/api/v1/write-keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${session.accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Bench' }),
  });
  const { key } = (await keyRes.json()) as { key: string };
  await db.execute(sql`insert into contacts (id, org_id, email, external_id, source)
    select gen_random_uuid(), ${orgId}::uuid, 'user-' || n || '@example.com', 'user-' || n, 'bench'
    from generate_series(0, ${USERS - 1}::int) n`);
  return {
    orgId,
    listenerSeconds: () => round(listenerMs / 1000),
    close: async () => {
      await app.close();
      await services.close();
    },
    /** Posts `count` events in batches over CLIENTS connections; counts what was stored. */
    async load(count: number) {
      // Bodies are built before the clock starts: the client's JSON work is not Herald's.
      const bodies: string[] = [];
      for (let i = 0; i < count; i += BATCH) {
        const batch = Array.from({ length: Math.min(BATCH, count - i) }, (_, j) =>
          makeEvent(i + j, label),
        );
        bodies.push(JSON.stringify({ batch, sentAt: new Date().toISOString() }));
      }
      const authorization = `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
      let failed = 0;
      const timing = await runConcurrently(
        bodies.map((body) => async () => {
          const res = await fetch(`${base}/v1/batch`, {
            method: 'POST',
            headers: { authorization, 'content-type': 'application/json' },
            body,
          });
          const answer = (await res.json()) as { rejected?: unknown[] };
          if (res.status !== 200 || answer.rejected?.length) failed++;
        }),
        CLIENTS,
      );
      const [stored] = await db
        .select({ n: sql<number>`count(*)::int`, attached: sql<number>`count(contact_id)::int` })
        .from(events)
        .where(sql`${events.orgId} = ${orgId}::uuid`);
      return {
        events: count,
        eventsPerSecond: Math.round(count / timing.seconds),
        seconds: round(timing.seconds),
        batchP50Ms: timing.p50Ms,
        batchP99Ms: timing.p99Ms,
        failedRequests: failed,
        stored: stored!.n,
        attachedToContacts: stored!.attached,
      };
    },
  };
}

async function references(db: Db, orgId: string) {
  const refOrg = uuidv7();
  const contactIds = rowsOf<{ id: string }>(
    await db.execute(sql`select id from contacts where org_id = ${orgId}::uuid limit 1000`),
  );
  const row = (i: number, prefix: string) => {
    const e = makeEvent(i, prefix);
    return {
      id: uuidv7(),
      orgId: refOrg,
      contactId: contactIds[i % contactIds.length]!.id,
      type: 'track',
      name: e.event,
      messageId: e.messageId,
      userId: e.userId,
      anonymousId: null,
      properties: e.properties,
      context: e.context,
      occurredAt: new Date(e.timestamp),
    };
  };
  const perEvent = await runConcurrently(
    Array.from({ length: REFERENCE_EVENTS }, (_, i) => async () => {
      await db.insert(events).values(row(i, 'single')).onConflictDoNothing();
    }),
    CLIENTS,
  );
  const multiRow = await runConcurrently(
    Array.from({ length: Math.ceil(REFERENCE_EVENTS / BATCH) }, (_, b) => async () => {
      const rows = Array.from({ length: BATCH }, (_, j) => row(b * BATCH + j, 'multi'));
      await db.insert(events).values(rows).onConflictDoNothing();
    }),
    CLIENTS,
  );
  return {
    events: REFERENCE_EVENTS,
    perEventInsert: {
      eventsPerSecond: Math.round(REFERENCE_EVENTS / perEvent.seconds),
      p50Ms: perEvent.p50Ms,
      p99Ms: perEvent.p99Ms,
    },
    multiRowInsert: {
      eventsPerSecond: Math.round(REFERENCE_EVENTS / multiRow.seconds),
      batchP50Ms: multiRow.p50Ms,
      batchP99Ms: multiRow.p99Ms,
    },
  };
}

async function main() {
  const usePostgres = Boolean(process.env.DATABASE_URL);
  const pgDatabase = usePostgres ? await freshDatabase('events') : undefined;
  const dataDir = usePostgres ? undefined : mkdtempSync(join(tmpdir(), 'herald-bench-events-'));
  const config = loadConfig({
    LOG_LEVEL: 'warn',
    EVENTS_RATE_LIMIT_PER_SECOND: '0',
    ...(pgDatabase
      ? {
          DATABASE_URL: pgDatabase.url,
          JWT_SECRET: randomBytes(32).toString('hex'),
          ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        }
      : { HERALD_DATA_DIR: dataDir! }),
  });
  const runtime = await openRuntime(config);
  const db = runtime.database.db;
  const ingestOnly = await startApp(runtime, db, 'ingest', true);
  const shipped = await startApp(runtime, db, 'shipped', false);
  try {
    const lean = await ingestOnly.load(EVENTS);
    const full = await shipped.load(FULL_EVENTS);
    const reference = await references(db, ingestOnly.orgId);
    const ratios = (rate: number) => ({
      toPerEventInsert: round(rate / reference.perEventInsert.eventsPerSecond),
      toMultiRowInsert: round(rate / reference.multiRowInsert.eventsPerSecond),
    });
    console.log(
      JSON.stringify(
        {
          database: usePostgres ? 'postgresql' : 'pglite',
          batchSize: BATCH,
          clients: CLIENTS,
          knownContacts: USERS,
          ingestOnly: { ...lean, ratio: ratios(lean.eventsPerSecond) },
          shipped: {
            ...full,
            // Flow triggers, webhooks and metrics react to each event.tracked in the request.
            domainEventListenerSeconds: shipped.listenerSeconds(),
            ratio: ratios(full.eventsPerSecond),
          },
          reference,
          budget: { eventsPerSecond: 1000 },
        },
        null,
        2,
      ),
    );
  } finally {
    await ingestOnly.close();
    await shipped.close();
    await runtime.queue.close();
    await runtime.rateLimiter.close();
    await runtime.pubsub.close();
    await runtime.database.close();
    await pgDatabase?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
