/**
 * npm run bench:send — a whole campaign end to end on the scale-out shape: CONTACTS contacts
 * (default 100,000), a personalised ~2 KB HTML template with 5 links, open and click tracking
 * and UTM on, sent by WORKERS separate `herald worker` processes (default 1) through Herald's
 * pooled pipelining SMTP client to a local Postfix smtp-sink. The clock runs from send-now
 * (audience snapshot included) until the campaign reports `sent`.
 *
 * Reference, same run, same sink: the raw SMTP ceiling of Postfix's `smtp-source -d -s 20`
 * sending as many messages of Herald's mean size (measured before and after Herald; the mean
 * is used). Budget (DESIGN.md §9): Herald ≥ 0.4× the ceiling. Also prints the worker's peak RSS
 * (VmHWM). Needs PostgreSQL (DATABASE_URL, default the local one) and Redis (REDIS_URL, default
 * the local one); everything it creates is dropped at the end. Prints JSON.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { openSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import { loadConfig } from '../apps/api/src/config.js';
import { startHerald } from '../apps/api/src/server.js';
import { WORKER_NODE_OPTIONS } from '../apps/api/src/platform/worker-heap.js';
import { FIRST, LAST, PLANS, freePort, freshDatabase, smtpSource, startSink } from './support.js';

const CONTACTS = Number(process.env.CONTACTS ?? 100_000);
const WORKERS = Number(process.env.WORKERS ?? 1);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
// The built worker, as production runs it (npm run bench:send builds it first).
const MAIN = fileURLToPath(new URL('../apps/api/dist/main.js', import.meta.url));

/** About 2 KB of HTML: a greeting, an offer, five links, the footer with unsubscribe. */
const BODY = `<!doctype html><html><body style="font-family:Arial,sans-serif;color:#222">
<h1>Hello {{ firstName | default: "there" }},</h1>
<p>Thanks for being on the {{ contact.attributes.plan | default: "free" }} plan at
{{ contact.attributes.company | default: "your company" }}. Spring is here and so is our biggest
release of the year: faster dashboards, smarter segments and a new automation builder that your
team will actually enjoy using. Here is what is new for you this month.</p>
<ul>
<li><a href="https://example.com/features?ref=newsletter">See every new feature</a></li>
<li><a href="https://example.com/pricing">Compare plans and prices</a></li>
<li><a href="https://example.com/blog/spring-release">Read the release notes</a></li>
<li><a href="https://example.com/webinar/register">Join the live webinar on Thursday</a></li>
</ul>
<p>Customers on the {{ contact.attributes.plan | default: "free" }} plan get 20% off an upgrade
until the end of the month. Reply to this email if you have questions — a real person reads every
reply, usually within a day. We would love to hear what you are building.</p>
<p style="text-align:center"><a href="https://example.com/upgrade?plan={{ contact.attributes.plan }}"
style="background:#4f46e5;color:#fff;padding:12px 20px;border-radius:6px;text-decoration:none">
Upgrade now</a></p>
<p style="font-size:12px;color:#777">You receive this because you signed up at example.com.
{{ organization.name }}, 1 Market Street, Springfield.
<a href="{{ unsubscribe_url }}">Unsubscribe</a> · <a href="{{ view_in_browser_url }}">View in
your browser</a></p>
</body></html>`;

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of stat(5), counted from after the command name.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Peak resident set of a process, from the kernel's high-water mark (bytes). */
function peakRss(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmHWM:'));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? 0) * 1024;
}

function startWorker(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  // PROFILE_DIR=… writes a CPU profile of each worker there (on its graceful exit).
  const profile = process.env.PROFILE_DIR
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.PROFILE_DIR}`]
    : [];
  // Workers run with the heap settings deployments give them, unless WORKER_NODE_FLAGS=… says
  // otherwise (e.g. "--trace-gc", or "" for V8's defaults); with WORKER_STDOUT=file their
  // stdout (where --trace-gc writes) goes there.
  const flags = (process.env.WORKER_NODE_FLAGS ?? WORKER_NODE_OPTIONS).split(' ').filter(Boolean);
  const stdout = process.env.WORKER_STDOUT ? openSync(process.env.WORKER_STDOUT, 'a') : 'ignore';
  const child = spawn(process.execPath, [...profile, ...flags, MAIN, 'worker'], {
    env,
    stdio: ['ignore', stdout, 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      if (err.includes('worker started')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`worker exited with ${code}: ${err}`)));
  });
}

async function main() {
  const sinkPort = await freePort();
  const sink = await startSink(sinkPort);
  const database = await freshDatabase('send');
  const prefix = `herald-bench-${randomBytes(3).toString('hex')}`;
  const env = {
    DATABASE_URL: database.url,
    REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    JWT_SECRET: randomBytes(32).toString('hex'),
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'silent',
    PUBLIC_URL: 'https://mail.example.com',
  };
  // The API in this process (no worker); the sending happens in the worker processes only.
  const api = await startHerald(loadConfig({ ...env, HOST: '127.0.0.1', PORT: '0' }), {
    worker: false,
    logger: false,
  });
  const workers: ChildProcess[] = [];
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const app = api.app!;
    const register = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: {
        email: 'bench@example.com',
        password: 'correct horse battery',
        name: 'Bench',
        organizationName: 'Bench Co',
      },
    });
    const token = (register.json() as { accessToken: string }).accessToken;
    const call = async <T>(method: 'GET' | 'POST', url: string, payload?: object) => {
      const res = await app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${token}` },
        ...(payload ? { payload } : {}),
      });
      if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
      return res.json() as T;
    };
    const org = await call<{ organization: { id: string } }>('GET', '/api/v1/me');
    const orgId = org.organization.id;
    const list = await call<{ id: string }>('POST', '/api/v1/lists', { name: 'Everyone' });
    await client.query(
      `insert into contacts (id, org_id, email, first_name, last_name, attributes)
       select gen_random_uuid(), $1, 'reader' || n || '@example' || (n % 97) || '.com',
         ($2::text[])[1 + n % $3], ($4::text[])[1 + n % $5],
         jsonb_build_object('plan', ($6::text[])[1 + n % $7], 'company', 'Company ' || (n % 5000))
       from generate_series(1, $8::int) n`,
      [orgId, FIRST, FIRST.length, LAST, LAST.length, PLANS, PLANS.length, CONTACTS],
    );
    await client.query(
      `insert into list_members (list_id, contact_id, org_id)
       select $1, id, org_id from contacts where org_id = $2`,
      [list.id, orgId],
    );
    await client.query('analyze');
    const sender = await call<{ id: string }>('POST', '/api/v1/senders', {
      name: 'Local sink',
      fromEmail: 'news@example.com',
      fromName: 'Bench Co',
      provider: 'smtp',
      smtp: { host: '127.0.0.1', port: sinkPort, tls: 'none', auth: 'none' },
    });
    const template = await call<{ id: string }>('POST', '/api/v1/templates', {
      name: 'Spring release',
      subject: '{{ firstName | default: "Hi" }}, the spring release is here',
      preheader: 'Faster dashboards, smarter segments',
      format: 'html',
      body: BODY,
    });
    const campaign = await call<{ id: string }>('POST', '/api/v1/campaigns', {
      name: 'Spring release',
      audience: { listIds: [list.id] },
      templateId: template.id,
      senderIds: [sender.id],
      trackOpens: true,
      trackClicks: true,
      utm: { source: 'herald', medium: 'email', campaign: 'spring' },
    });

    // Herald's mean message size, from one rendered message: the test preview renders what the
    // worker renders (subject, HTML with tracked links, text part). Asked before sending: a
    // 1M-recipient campaign outlasts the access token.
    const sample = await call<{ html: string; text: string; subject: string }>(
      'POST',
      `/api/v1/templates/${template.id}/preview`,
      {},
    );
    const bytes = Math.round(
      (Buffer.byteLength(sample.html) + Buffer.byteLength(sample.text ?? '')) * 1.05 + 900,
    );

    for (let i = 0; i < WORKERS; i++) workers.push(await startWorker({ ...process.env, ...env }));

    const cpuBefore = workers.map((w) => cpuSeconds(w.pid!));
    const started = performance.now();
    await call('POST', `/api/v1/campaigns/${campaign.id}/send-now`);
    let status = '';
    while (status !== 'sent') {
      await new Promise((r) => setTimeout(r, 100));
      const { rows } = await client.query<{ status: string }>(
        'select status from campaigns where id = $1',
        [campaign.id],
      );
      status = rows[0]!.status;
      if (status === 'failed' || status === 'cancelled') throw new Error(`campaign ${status}`);
    }
    const seconds = (performance.now() - started) / 1000;
    const rss = workers.map((w) => peakRss(w.pid!));
    const cpu = workers.map((w, i) => cpuSeconds(w.pid!) - cpuBefore[i]!);

    const { rows: counts } = await client.query<{ sent: string; other: string }>(
      `select count(*) filter (where status = 'sent') as sent,
              count(*) filter (where status <> 'sent') as other
       from messages where campaign_id = $1`,
      [campaign.id],
    );
    const sent = Number(counts[0]!.sent);
    if (sent !== CONTACTS || Number(counts[0]!.other) !== 0)
      throw new Error(`expected ${CONTACTS} sent, got ${JSON.stringify(counts[0])}`);
    const ceilingRuns = [await smtpSource(sinkPort, CONTACTS, bytes)];
    ceilingRuns.unshift(await smtpSource(sinkPort, CONTACTS, bytes));
    const ceilingSeconds = ceilingRuns.reduce((a, b) => a + b) / ceilingRuns.length;
    const rate = CONTACTS / seconds;
    const ceiling = CONTACTS / ceilingSeconds;
    console.log(
      JSON.stringify(
        {
          contacts: CONTACTS,
          workers: WORKERS,
          approxMessageBytes: bytes,
          herald: {
            seconds: round(seconds),
            messagesPerSecond: Math.round(rate),
            workerPeakRssMb: rss.map((b) => Math.round(b / 1048576)),
            workerNodeFlags: process.env.WORKER_NODE_FLAGS ?? WORKER_NODE_OPTIONS,
            workerCpuSeconds: cpu.map(round),
            workerCpuMicrosPerMessage: Math.round(
              (cpu.reduce((a, b) => a + b, 0) * 1e6) / CONTACTS,
            ),
          },
          smtpSource: {
            seconds: ceilingRuns.map(round),
            messagesPerSecond: Math.round(ceiling),
          },
          ratio: round(rate / ceiling),
          budget: { ratio: 0.4, workerPeakRssMb: 250 },
          withinBudget: {
            ratio: rate / ceiling >= 0.4,
            workerPeakRss: rss.every((b) => b / 1048576 <= 250),
          },
        },
        null,
        2,
      ),
    );
  } finally {
    await Promise.all(
      workers.map(async (w) => {
        if (w.exitCode !== null || w.signalCode !== null) return;
        const exited = new Promise((r) => w.once('exit', r));
        w.kill('SIGTERM');
        const timer = setTimeout(() => w.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }),
    );
    await client.end();
    await api.close();
    sink.kill();
    await database.drop();
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  }
}

const round = (n: number) => Math.round(n * 100) / 100;

await main();
