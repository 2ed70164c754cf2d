/**
 * npm run bench:api — the main REST endpoints under load (autocannon), on the built
 * `herald serve` running as its own process against PostgreSQL (DATABASE_URL, default the local
 * one) and Redis (REDIS_URL, default the local one), authenticated with an API key as an
 * integration would be. CONTACTS contacts (default 10,000) are seeded first.
 *
 * For each concurrency in CONCURRENCY (default "100,1000") and each scenario it prints req/s,
 * p50/p95/p99 latency and errors; SECONDS (default 10) per scenario. Reference in the same run:
 * `GET /health/live` on the same server at the same concurrency — the HTTP stack's own ceiling.
 * Budget (DESIGN.md §9): API reads p95 < 20 ms at 100 concurrent clients. Two readings: saturated
 * (every client sends its next request the moment it has an answer: p95 is then about
 * concurrency / throughput, so under 20 ms needs some 5,000 req/s from a 2-core box shared with
 * PostgreSQL and the load generator), and paced (100 clients with random think times offering
 * PACED_RATE requests per second in all, default 500: the latency a user sees at that load).
 *
 * Soak: SOAK_MINUTES=30 instead runs a mixed read/write load at 100 clients for that long and
 * samples the server's RSS every 15 s; it reports the growth between the first and the last
 * quarter of the run (a leak keeps growing; a bounded heap levels off). Prints JSON.
 *
 * SCENARIOS picks scenarios by name; SERVER_NODE_FLAGS passes node flags to the server (e.g.
 * `--cpu-prof`). A request unanswered for as long as the run (SECONDS - 1, at least 1 s) counts
 * as an error (a timeout), so a run that drowns the server cannot look fast.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import pg from 'pg';
import { freePort, freshDatabase, startHeraldServer, stopProcess } from './support.js';

const CONTACTS = Number(process.env.CONTACTS ?? 10_000);
const SECONDS = Number(process.env.SECONDS ?? 10);
const CONCURRENCY = (process.env.CONCURRENCY ?? '100,1000').split(',').map(Number);
const SOAK_MINUTES = Number(process.env.SOAK_MINUTES ?? 0);
const PACED_RATE = Number(process.env.PACED_RATE ?? 500);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

interface Scenario {
  name: string;
  kind: 'reference' | 'read' | 'write';
  method: 'GET' | 'POST' | 'PATCH';
  /** A fresh request per call: a different contact, a unique new address. */
  next: () => { path: string; body?: string };
  expect: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** One scenario at one concurrency; latencies are collected per response for exact p95. */
async function load(base: string, auth: string, scenario: Scenario, connections: number) {
  const latencies: number[] = [];
  let unexpected = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: base,
        connections,
        duration: SECONDS,
        timeout: Math.max(1, SECONDS - 1),
        headers: { authorization: auth, 'content-type': 'application/json' },
        requests: [
          {
            method: scenario.method,
            setupRequest: (request) => {
              const { path, body } = scenario.next();
              return { ...request, path, ...(body ? { body } : {}) };
            },
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      latencies.push(responseTime);
      if (statusCode !== scenario.expect) unexpected++;
    });
  });
  latencies.sort((a, b) => a - b);

  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: round(percentile(latencies, 50)),
    p95Ms: round(percentile(latencies, 95)),
    p99Ms: round(percentile(latencies, 99)),
    responses: latencies.length,
    errors: result.errors + result.timeouts + unexpected,
  };
}

/**
 * `clients` users, each with its own keep-alive connection, each sending its next request a
 * random (exponential) think time after its last answer, the think times chosen so that all of
 * them together offer about `rate` requests per second. Unlike autocannon's rate limit, which
 * releases each second's requests at once, arrivals are spread out as independent users' are.
 */
async function paced(
  base: string,
  auth: string,
  scenario: Scenario,
  clients: number,
  rate: number,
) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const latencies: number[] = [];
  let errors = 0;
  const deadline = performance.now() + SECONDS * 1000;
  const meanThinkMs = (clients / rate) * 1000;
  const once = (path: string, body?: string) =>
    new Promise<number>((resolve) => {
      const req = http.request(
        `${base}${path}`,
        {
          method: scenario.method,
          agent,
          headers: { authorization: auth, 'content-type': 'application/json' },
          timeout: SECONDS * 1000,
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', () => resolve(0));
      req.on('timeout', () => req.destroy());
      req.end(body);
    });
  // Never past the end of the run: a long think time ends with it.
  const think = (ms: number) => sleep(Math.min(ms, Math.max(0, deadline - performance.now())));
  const user = async () => {
    // Users start at random moments of the first think time, not all at once.
    await think(Math.random() * meanThinkMs);
    while (performance.now() < deadline) {
      const { path, body } = scenario.next();
      const started = performance.now();
      const status = await once(path, body);
      latencies.push(performance.now() - started);
      if (status !== scenario.expect) errors++;
      await think(-Math.log(1 - Math.random()) * meanThinkMs);
    }
  };
  const wall = performance.now();
  await Promise.all(Array.from({ length: clients }, user));
  const seconds = (performance.now() - wall) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    requestsPerSecond: Math.round(latencies.length / seconds),
    p50Ms: round(percentile(latencies, 50)),
    p95Ms: round(percentile(latencies, 95)),
    p99Ms: round(percentile(latencies, 99)),
    responses: latencies.length,
    errors,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Math.round(Number(/(\d+)/.exec(line ?? '')?.[1] ?? 0) / 1024);
}

async function main() {
  const database = await freshDatabase('api');
  const port = await freePort();
  const prefix = `herald-bench-${randomBytes(3).toString('hex')}`;
  const env = {
    ...process.env,
    DATABASE_URL: database.url,
    REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    JWT_SECRET: randomBytes(32).toString('hex'),
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'warn',
  };
  const server = await startHeraldServer(env);
  const base = `http://127.0.0.1:${port}`;
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const register = await fetch(`${base}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: 'bench@example.com',
        password: 'correct horse battery',
        name: 'Bench',
        organizationName: 'Bench Co',
      }),
    });
    const { accessToken } = (await register.json()) as { accessToken: string };
    const keyRes = await fetch(`${base}/api/v1/api-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bench', role: 'admin' }),
    });
    const { key } = (await keyRes.json()) as { key: string };
    const auth = `Bearer ${key}`;
    const me = (await (
      await fetch(`${base}/api/v1/me`, { headers: { authorization: auth } })
    ).json()) as { organization: { id: string } };
    await client.query(
      `insert into contacts (id, org_id, email, first_name, attributes)
       select gen_random_uuid(), $1, 'person' || n || '@example.com', 'Person',
              jsonb_build_object('plan', (array['free','pro','team'])[1 + n % 3])
       from generate_series(1, $2::int) n`,
      [me.organization.id, CONTACTS],
    );
    const ids = (
      await client.query<{ id: string }>('select id from contacts where org_id = $1', [
        me.organization.id,
      ])
    ).rows.map((r) => r.id);
    await client.query('analyze contacts');

    let n = 0;
    const anyId = () => ids[n++ % ids.length]!;
    const scenarios: Scenario[] = [
      {
        name: 'GET /health/live',
        kind: 'reference',
        method: 'GET',
        next: () => ({ path: '/health/live' }),
        expect: 200,
      },
      {
        name: 'GET /api/v1/contacts?limit=50',
        kind: 'read',
        method: 'GET',
        next: () => ({ path: '/api/v1/contacts?limit=50' }),
        expect: 200,
      },
      {
        name: 'GET /api/v1/contacts/:id',
        kind: 'read',
        method: 'GET',
        next: () => ({ path: `/api/v1/contacts/${anyId()}` }),
        expect: 200,
      },
      {
        name: 'GET /api/v1/campaigns',
        kind: 'read',
        method: 'GET',
        next: () => ({ path: '/api/v1/campaigns' }),
        expect: 200,
      },
      {
        name: 'POST /api/v1/contacts',
        kind: 'write',
        method: 'POST',
        next: () => ({
          path: '/api/v1/contacts',
          body: JSON.stringify({ email: `new${n++}-${prefix}@example.com`, firstName: 'New' }),
        }),
        expect: 201,
      },
      {
        name: 'PATCH /api/v1/contacts/:id',
        kind: 'write',
        method: 'PATCH',
        next: () => ({
          path: `/api/v1/contacts/${anyId()}`,
          body: JSON.stringify({ attributes: { score: n++ % 100 } }),
        }),
        expect: 200,
      },
    ];

    // SCENARIOS="contacts/:id,campaigns" runs only the scenarios whose names contain one of
    // these (the /health/live reference always runs).
    const wanted = (process.env.SCENARIOS ?? '').split(',').filter(Boolean);
    const picked = scenarios.filter(
      (s) =>
        s.kind === 'reference' || wanted.length === 0 || wanted.some((w) => s.name.includes(w)),
    );

    if (SOAK_MINUTES > 0) {
      // Reads and updates in turn, a few seconds each, for the whole soak.
      const soakScenarios = scenarios.filter((s) => s.kind !== 'reference' && s.expect === 200);
      const samples: { minute: number; rssMb: number }[] = [];
      const started = Date.now();
      const timer = setInterval(
        () =>
          samples.push({
            minute: round((Date.now() - started) / 60_000),
            rssMb: rssMb(server.pid!),
          }),
        15_000,
      );
      const results = [];
      while (Date.now() - started < SOAK_MINUTES * 60_000) {
        for (const s of soakScenarios) results.push(await load(base, auth, s, 100));
      }
      clearInterval(timer);
      const quarter = Math.max(1, Math.floor(samples.length / 4));
      const mean = (xs: { rssMb: number }[]) => xs.reduce((t, x) => t + x.rssMb, 0) / xs.length;
      const first = mean(samples.slice(0, quarter));
      const last = mean(samples.slice(-quarter));
      console.log(
        JSON.stringify(
          {
            mode: 'soak',
            minutes: SOAK_MINUTES,
            requests: results.reduce((t, r) => t + r.responses, 0),
            errors: results.reduce((t, r) => t + r.errors, 0),
            rss: {
              firstQuarterMb: Math.round(first),
              lastQuarterMb: Math.round(last),
              maxMb: Math.max(...samples.map((s) => s.rssMb)),
              growthPercent: round(((last - first) / first) * 100),
            },
            samples,
          },
          null,
          2,
        ),
      );
      return;
    }

    const runs: Record<string, unknown>[] = [];
    for (const connections of CONCURRENCY) {
      const byName: Record<string, Awaited<ReturnType<typeof load>>> = {};
      for (const s of picked) byName[s.name] = await load(base, auth, s, connections);
      const reference = byName['GET /health/live']!;
      runs.push({
        connections,
        scenarios: Object.fromEntries(
          picked.map((s) => [
            s.name,
            {
              ...byName[s.name],
              ratioToHealth: round(byName[s.name]!.requestsPerSecond / reference.requestsPerSecond),
            },
          ]),
        ),
        readsP95Ms: Math.max(
          ...picked.filter((s) => s.kind === 'read').map((s) => byName[s.name]!.p95Ms),
        ),
      });
    }
    // The same reads from 100 clients that each wait for their answer and send at most
    // PACED_RATE / 100 requests per second: latency at a stated load, not at saturation.
    const pacedResults: Record<string, Awaited<ReturnType<typeof paced>>> = {};
    for (const s of picked.filter((x) => x.kind !== 'write'))
      pacedResults[s.name] = await paced(base, auth, s, 100, PACED_RATE);
    const pacedReadsP95Ms = Math.max(
      ...picked.filter((s) => s.kind === 'read').map((s) => pacedResults[s.name]!.p95Ms),
    );
    const at100 = runs.find((r) => r.connections === 100) as { readsP95Ms: number } | undefined;
    console.log(
      JSON.stringify(
        {
          contacts: CONTACTS,
          seconds: SECONDS,
          serverRssMb: rssMb(server.pid!),
          runs,
          paced: {
            clients: 100,
            offeredRequestsPerSecond: PACED_RATE,
            scenarios: pacedResults,
          },
          budget: { readsP95MsAt100: 20 },
          withinBudget: {
            saturated: at100 ? at100.readsP95Ms < 20 : null,
            paced: pacedReadsP95Ms < 20,
          },
        },
        null,
        2,
      ),
    );
  } finally {
    await client.end();
    await stopProcess(server);
    await database.drop();
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  }
}

const round = (n: number) => Math.round(n * 100) / 100;

await main();
