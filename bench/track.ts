/**
 * npm run bench:track — the open pixel and the click redirect under load (autocannon), on the
 * built `herald serve` running as its own process against PostgreSQL (DATABASE_URL, default the
 * local one) and Redis (REDIS_URL, default the local one). A campaign is first sent to MESSAGES
 * contacts (default 2,000) through the built-in outbox, so every request carries a real signed
 * token of a different message. Reference in the same run: `GET /health/live` on the same
 * server, the HTTP stack's own ceiling. Afterwards it counts what was recorded: every
 * acknowledged hit must be in the database. CONNECTIONS=… (default 100), SECONDS=… (default 10).
 * Budget (DESIGN.md §9): ≥ 10k req/s with p99 < 25 ms. Prints JSON.
 */
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createTrackingTokens } from '../apps/api/src/modules/tracking/tokens.js';
import { freePort, freshDatabase, startHeraldServer, stopProcess } from './support.js';

const MESSAGES = Number(process.env.MESSAGES ?? 2_000);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 100);
const SECONDS = Number(process.env.SECONDS ?? 10);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

async function load(url: string, paths: string[], expectStatus: number) {
  let next = 0;
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: SECONDS,
    requests: [
      {
        method: 'GET',
        setupRequest: (request) => ({ ...request, path: paths[next++ % paths.length]! }),
      },
    ],
  });
  const expected = result.statusCodeStats?.[String(expectStatus) as '200']?.count ?? 0;
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    expectedStatus: expectStatus,
    answered: expected,
    errors: result.errors + result.timeouts + (result.requests.total - expected),
  };
}

async function main() {
  const database = await freshDatabase('track');
  const port = await freePort();
  const prefix = `herald-bench-${randomBytes(3).toString('hex')}`;
  const jwtSecret = randomBytes(32).toString('hex');
  const env = {
    ...process.env,
    DATABASE_URL: database.url,
    REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    JWT_SECRET: jwtSecret,
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'warn',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
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
    const call = async <T>(method: string, path: string, body?: object) => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${accessToken}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    };
    const me = await call<{ organization: { id: string } }>('GET', '/api/v1/me');
    const list = await call<{ id: string }>('POST', '/api/v1/lists', { name: 'Everyone' });
    await client.query(
      `insert into contacts (id, org_id, email, first_name)
       select gen_random_uuid(), $1, 'reader' || n || '@example.com', 'Reader'
       from generate_series(1, $2::int) n`,
      [me.organization.id, MESSAGES],
    );
    await client.query(
      `insert into list_members (list_id, contact_id, org_id)
       select $1, id, org_id from contacts where org_id = $2`,
      [list.id, me.organization.id],
    );
    const sender = await call<{ id: string }>('POST', '/api/v1/senders', {
      name: 'Outbox',
      fromEmail: 'news@example.com',
      provider: 'outbox',
    });
    const campaign = await call<{ id: string }>('POST', '/api/v1/campaigns', {
      name: 'Tracked',
      audience: { listIds: [list.id] },
      content: {
        subject: 'Hi',
        format: 'html',
        body: '<a href="https://example.com/a">A</a> <a href="https://example.com/b">B</a> <a href="{{ unsubscribe_url }}">Unsubscribe</a>',
      },
      senderIds: [sender.id],
      trackOpens: true,
      trackClicks: true,
    });
    await call('POST', `/api/v1/campaigns/${campaign.id}/send-now`);
    for (;;) {
      const c = await call<{ status: string }>('GET', `/api/v1/campaigns/${campaign.id}`);
      if (c.status === 'sent') break;
      if (c.status === 'failed') throw new Error('setup campaign failed');
      await new Promise((r) => setTimeout(r, 200));
    }
    const messageIds = (
      await client.query<{ id: string }>('select id from messages where campaign_id = $1', [
        campaign.id,
      ])
    ).rows.map((r) => r.id);
    const linkIds = (
      await client.query<{ id: string }>('select id from links where campaign_id = $1', [
        campaign.id,
      ])
    ).rows.map((r) => r.id);
    const tokens = createTrackingTokens(new TextEncoder().encode(jwtSecret));
    const opens = messageIds.map((id) => `/t/o/${tokens.sign('open', id)}`);
    const clicks = messageIds.flatMap((id) =>
      linkIds.map((link) => `/t/c/${tokens.sign('click', id, link)}`),
    );

    const reference = await load(base, ['/health/live'], 200);
    const open = await load(base, opens, 200);
    const click = await load(base, clicks, 302);
    // Writes are group-committed; give the last group its flush before counting.
    await new Promise((r) => setTimeout(r, 1_500));
    const { rows } = await client.query<{ type: string; n: string }>(
      `select type, count(*) as n from email_events where campaign_id = $1 group by type`,
      [campaign.id],
    );
    const recorded = Object.fromEntries(rows.map((r) => [r.type, Number(r.n)]));
    console.log(
      JSON.stringify(
        {
          connections: CONNECTIONS,
          seconds: SECONDS,
          messages: messageIds.length,
          healthLive: reference,
          open: {
            ...open,
            ratioToHealth: round(open.requestsPerSecond / reference.requestsPerSecond),
          },
          click: {
            ...click,
            ratioToHealth: round(click.requestsPerSecond / reference.requestsPerSecond),
          },
          recorded: { opens: recorded.open ?? 0, clicks: recorded.click ?? 0 },
          // autocannon stops counting at the deadline with requests still in flight, so the
          // server may have recorded up to CONNECTIONS more than were counted as answered.
          everyAcknowledgedHitRecorded:
            (recorded.open ?? 0) >= open.answered && (recorded.click ?? 0) >= click.answered,
          budget: { requestsPerSecond: 10_000, p99Ms: 25 },
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
