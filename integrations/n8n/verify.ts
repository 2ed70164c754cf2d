/**
 * Proves the workflows in this folder in a real n8n against a real Herald (docs/integrations/n8n.md):
 * imports them through n8n's REST API with fresh credentials, activates them and calls them
 * (correctly and badly signed job.failed events, the flow step), has Herald deliver a test event,
 * a real dead letter and a flow's webhook step to n8n, and runs the daily campaign once.
 *
 *   npm run build -w apps/api && npx tsx integrations/n8n/verify.ts
 *
 * N8N_URL       n8n to use (default http://127.0.0.1:5678); a fresh one gets an owner account
 * N8N_EMAIL, N8N_PASSWORD   that owner (default verify@herald.test / Verify-n8n-1)
 * HERALD_URL    a running Herald; unset = start apps/api/dist/main.js on HERALD_PORT (default 3999)
 *               with a temporary data directory and WEBHOOK_ALLOWED_HOSTS=127.0.0.1
 * N8N_KEEP=1    leave the workflows and credentials in n8n afterwards (they are replaced on the next run)
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import {
  createHeraldProcess,
  heraldClient,
  startAlertCatcher,
  type HeraldCall,
} from './verify/herald-process.js';
import {
  createN8nSession,
  prepareWorkflow,
  readBody,
  sleep,
  workflowName,
  type CredentialRefs,
  type N8nSession,
  type Workflow,
} from './verify/n8n-rest.js';

const N8N = (process.env.N8N_URL ?? 'http://127.0.0.1:5678').replace(/\/+$/, '');
/** n8n as Herald calls it: Herald's allow-list names 127.0.0.1. */
const N8N_FOR_HERALD = N8N.replace('localhost', '127.0.0.1');
const N8N_EMAIL = process.env.N8N_EMAIL ?? 'verify@herald.test';
const N8N_PASSWORD = process.env.N8N_PASSWORD ?? 'Verify-n8n-1';
const HERALD_PORT = Number(process.env.HERALD_PORT ?? 3999);
const CHANNEL_DOWN = 'channel-down';
/** The job id in the sample event of Herald's POST /webhooks/:id/test. */
const SAMPLE_JOB_ID = '00000000-0000-7000-8000-000000000000';
const FILES = ['job-failure-alert.json', 'daily-campaign.json', 'flow-webhook-step.json'];
const CREDENTIALS = ['Herald API key', 'Herald flow token'];

const results: { check: string; ok: boolean; detail: string }[] = [];
function check(name: string, ok: boolean, detail: unknown = '') {
  const text = typeof detail === 'string' ? detail : JSON.stringify(detail);
  results.push({ check: name, ok, detail: text });
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${text ? `  ${text}` : ''}`);
}

interface Context {
  n8n: N8nSession;
  heraldUrl: string;
  call: HeraldCall;
  /** The registered owner's access token (webhook endpoints need an admin). */
  admin: string;
  /** The editor API key n8n uses. */
  key: string;
  endpoint: { id: string; secret: string };
  catcher: Awaited<ReturnType<typeof startAlertCatcher>>;
  credentials: CredentialRefs;
  flowToken: string;
}

/** An organization with an API key, a segment, a template and a job.failed endpoint at n8n. */
async function setUpHerald(heraldUrl: string, call: HeraldCall) {
  const session = (await fetch(`${heraldUrl}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: `n8n-${randomBytes(4).toString('hex')}@herald.test`,
      password: 'Verify-herald-1',
      name: 'n8n verify',
      organizationName: 'n8n verify',
    }),
  }).then(readBody)) as { accessToken: string };
  const admin = session.accessToken;
  const { key } = (await call(admin, 'POST', '/api-keys', { name: 'n8n', role: 'editor' })) as {
    key: string;
  };
  await call(key, 'POST', '/contacts', { email: 'reader@example.com', tags: ['daily'] });
  const segment = await call(key, 'POST', '/segments', {
    name: 'Daily readers',
    definition: { tag: 'daily', op: 'has' },
  });
  const template = await call(key, 'POST', '/templates', {
    name: 'Daily digest',
    subject: 'Today at Herald',
    format: 'html',
    body: '<p>News of the day</p><p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p>',
  });
  const senders = (await call(key, 'GET', '/senders')) as { items: { id: string }[] };
  const endpoint = (await call(admin, 'POST', '/webhooks', {
    url: `${N8N_FOR_HERALD}/webhook/herald-job-failed`,
    description: 'n8n: alert on failed jobs',
    eventTypes: ['job.failed'],
  })) as { id: string; secret: string };
  check('Herald: API key, segment, template and webhook endpoint created', true, {
    herald: heraldUrl,
    endpoint: endpoint.id,
  });
  return {
    admin,
    key,
    endpoint,
    daily: {
      templateId: String(template.id),
      segmentId: String(segment.id),
      senderId: senders.items[0]!.id,
    },
  };
}

/** (a) job-failure-alert.json: signed, forged, stale, other, failing; then Herald's own test. */
async function checkJobFailureAlert(ctx: Context) {
  const { n8n, catcher, endpoint } = ctx;
  const alert = await n8n.importWorkflow(
    prepareWorkflow(
      'job-failure-alert.json',
      { webhookSecret: endpoint.secret, alertUrl: catcher.url },
      ctx.credentials,
    ),
    true,
  );
  check('n8n: job-failure-alert imported and active', true, { id: alert.id });
  const hook = `${N8N}/webhook/herald-job-failed`;
  const post = async (
    type: string,
    options: { secret?: string; ageSeconds?: number; error?: string; url?: string } = {},
  ) => {
    const id = `msg_${randomBytes(8).toString('hex')}`;
    const at = new Date(Date.now() - (options.ageSeconds ?? 0) * 1000);
    const body = JSON.stringify({
      type,
      timestamp: at.toISOString(),
      data: {
        jobId: id,
        name: 'imports.run',
        error: options.error ?? 'Error: verify.ts says hello',
      },
    });
    const res = await fetch(options.url ?? hook, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': new Webhook(options.secret ?? endpoint.secret).sign(id, at, body),
      },
      body,
    });
    return { status: res.status, body: await readBody(res), id };
  };

  const good = await post('job.failed');
  check(
    '(a) signed job.failed → 200 and an alert',
    good.status === 200 && catcher.alerts.some((a) => a.text.includes(good.id)),
    { status: good.status, body: good.body, alert: catcher.alerts.at(-1)?.text },
  );
  // Alerts are told apart by job id (the dead letter's alert may come in at any time).
  const alerted = (jobId: string) => catcher.alerts.some((a) => a.text.includes(jobId));
  const forged = await post('job.failed', {
    secret: `whsec_${randomBytes(32).toString('base64')}`,
  });
  check('(a) wrongly signed → 401, no alert', forged.status === 401 && !alerted(forged.id), forged);
  const stale = await post('job.failed', { ageSeconds: 6 * 60 });
  check(
    '(a) signed 6 minutes ago → 401, no alert',
    stale.status === 401 && !alerted(stale.id),
    stale,
  );
  const other = await post('contact.created');
  check('(a) signed contact.created → 200, ignored', other.status === 200 && !alerted(other.id), {
    status: other.status,
  });
  const channelDown = await post('job.failed', { error: CHANNEL_DOWN });
  check(
    '(a) alert channel down → 500, so Herald retries the delivery',
    channelDown.status === 500 && !alerted(channelDown.id),
    { status: channelDown.status, body: channelDown.body },
  );

  // Herald signs and delivers through its own webhook pipeline.
  const test = (await ctx.call(ctx.admin, 'POST', `/webhooks/${endpoint.id}/test`, {
    eventType: 'job.failed',
  })) as { attempt: { isSuccess: boolean; statusCode: number; responseBody: string } };
  check(
    '(a) Herald POST /webhooks/:id/test job.failed → n8n answers 200, alert sent',
    test.attempt.isSuccess && alerted(SAMPLE_JOB_ID),
    {
      attempt: test.attempt,
      alert: catcher.alerts.find((a) => a.text.includes(SAMPLE_JOB_ID))?.text,
    },
  );
  const executions = await n8n.executions(alert.id!, 6);
  check(
    '(a) n8n executions: all succeed but the one whose alert could not be sent',
    // Six requests so far (seven when the import's dead letter came in already).
    executions.length >= 6 &&
      executions.filter((e) => e.status === 'success').length === executions.length - 1 &&
      executions.filter((e) => e.status === 'error' && e.lastNode === 'Stop with the error')
        .length === 1,
    executions.map((e) => `${e.id}:${e.status}→${e.lastNode}`).join(' '),
  );

  // Fail closed: without a secret nothing is accepted, and Herald is told to retry. (A copy on
  // its own path, so the configured workflow keeps taking Herald's deliveries meanwhile.)
  const unconfigured = prepareWorkflow(
    'job-failure-alert.json',
    { alertUrl: catcher.url },
    ctx.credentials,
  );
  const trigger = unconfigured.nodes.find((n) => n.name === 'Herald webhook')!;
  trigger.parameters.path = 'herald-job-failed-unconfigured';
  trigger.webhookId = randomUUID();
  await n8n.importWorkflow(unconfigured, true);
  const noSecret = await post('job.failed', { url: `${hook}-unconfigured` });
  check(
    '(a) no secret configured → 500, no alert',
    noSecret.status === 500 && !alerted(noSecret.id),
    noSecret,
  );
}

/** (b) flow-webhook-step.json: called directly, then by a real Herald flow. */
async function checkFlowStep(ctx: Context) {
  const { call, key, flowToken } = ctx;
  await ctx.n8n.importWorkflow(
    prepareWorkflow('flow-webhook-step.json', {}, ctx.credentials),
    true,
  );
  const ask = (token?: string) =>
    fetch(`${N8N}/webhook/herald-score-contact`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { 'x-herald-token': token } : {}),
      },
      body: JSON.stringify({
        contact: { email: 'ada@acme.example', attributes: { orders: 4, lifetime_value: 750 } },
      }),
    }).then(async (res) => ({ status: res.status, body: await readBody(res) }));
  const scored = await ask(flowToken);
  check(
    '(b) flow step with the token → { score, segment }',
    scored.status === 200 && JSON.stringify(scored.body) === '{"score":66,"segment":"vip"}',
    scored,
  );
  const anonymous = await ask();
  check('(b) flow step without the token → 403', anonymous.status === 403, {
    status: anonymous.status,
  });

  const ada = (await call(key, 'POST', '/contacts', {
    email: 'ada@acme.example',
    attributes: { orders: 4, lifetime_value: 750 },
  })) as { id: string };
  const node = (id: string, type: string, y: number, config: object) => ({
    id,
    type,
    position: { x: 0, y },
    config,
  });
  const flow = (await call(key, 'POST', '/flows', {
    name: 'Score with n8n',
    definition: {
      reEntry: 'every_time',
      exitConditions: [],
      nodes: [
        node('trigger', 'trigger', 0, { type: 'manual' }),
        node('score', 'webhook', 100, {
          url: `${N8N_FOR_HERALD}/webhook/herald-score-contact`,
          method: 'POST',
          headers: { 'X-Herald-Token': flowToken },
          body: '{"contact": {{ contact | json }}}',
          responseMapping: { lead_score: 'score', lead_segment: 'segment' },
          onFailure: 'fail',
        }),
      ],
      edges: [{ id: 'e1', source: 'trigger', target: 'score' }],
    },
  })) as { id: string };
  await call(key, 'POST', `/flows/${flow.id}/activate`);
  const enrolled = (await call(key, 'POST', `/flows/${flow.id}/enroll`, {
    contactId: ada.id,
  })) as { runs: { id: string }[] };
  let run: { status: string; steps: { stepId: string; status: string; outcome: string }[] };
  for (let i = 0; ; i++) {
    run = (await call(key, 'GET', `/flow-runs/${enrolled.runs[0]!.id}`)) as typeof run;
    if (!['running', 'waiting'].includes(run.status) || i > 100) break;
    await sleep(200);
  }
  const contact = (await call(key, 'GET', `/contacts/${ada.id}`)) as {
    attributes: Record<string, unknown>;
  };
  check(
    '(b) Herald flow webhook step → n8n → contact attributes lead_score, lead_segment',
    run.status === 'completed' &&
      contact.attributes.lead_score === 66 &&
      contact.attributes.lead_segment === 'vip',
    {
      run: run.status,
      steps: run.steps.map((s) => `${s.stepId}:${s.status}:${s.outcome}`),
      attributes: contact.attributes,
    },
  );
}

/** (c) daily-campaign.json, run once by hand. */
async function checkDailyCampaign(ctx: Context, settings: Record<string, string>) {
  const daily = await ctx.n8n.importWorkflow(
    prepareWorkflow(
      'daily-campaign.json',
      { heraldUrl: ctx.heraldUrl, ...settings },
      ctx.credentials,
    ),
    true,
  );
  check('n8n: daily-campaign imported and active (schedule registered)', true, { id: daily.id });
  const full = (await ctx.n8n.call('GET', `/workflows/${daily.id}`)) as Workflow;
  await ctx.n8n.call('POST', `/workflows/${daily.id}/run`, {
    workflowData: full,
    triggerToStartFrom: { name: 'Every day at 09:00' },
  });
  const [run] = await ctx.n8n.executions(daily.id!, 1);
  const campaigns = (await ctx.call(ctx.key, 'GET', '/campaigns')) as {
    items: { name: string; status: string; sendAt: string }[];
  };
  check(
    '(c) manual run → a scheduled campaign in Herald',
    run?.status === 'success' &&
      campaigns.items.length === 1 &&
      campaigns.items[0]!.status === 'scheduled',
    {
      execution: run && { id: run.id, mode: run.mode, status: run.status, lastNode: run.lastNode },
      campaigns: campaigns.items.map(({ name, status, sendAt }) => ({ name, status, sendAt })),
    },
  );
}

/**
 * A real dead letter: an import uploaded while Herald runs without a worker loses its file, so
 * once the worker runs it fails all its attempts (10 s and 20 s apart) and Herald sends job.failed.
 */
async function loseAnImport(
  herald: ReturnType<typeof createHeraldProcess>,
  key: string,
): Promise<string> {
  const form = new FormData();
  form.append('options', JSON.stringify({ mode: 'upsert' }));
  form.append('file', new Blob(['email\nlost@example.com\n']), 'lost.csv');
  const uploaded = (await fetch(`${herald.url}/api/v1/imports`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}` },
    body: form,
  }).then(readBody)) as { id: string };
  await herald.stop();
  rmSync(join(herald.dataDir, 'uploads'), { recursive: true, force: true });
  await herald.start({ worker: true });
  return uploaded.id;
}

async function checkDeadLetter(ctx: Context, importId: string) {
  const isFromHerald = (a: { text: string }) =>
    a.text.includes('imports.run') &&
    !a.text.includes(SAMPLE_JOB_ID) &&
    !a.text.includes('verify.ts');
  for (let i = 0; i < 180 && !ctx.catcher.alerts.some(isFromHerald); i++) await sleep(500);
  const failedImport = (await ctx.call(ctx.key, 'GET', `/imports/${importId}`)) as {
    status: string;
  };
  const deliveries = (await ctx.call(
    ctx.admin,
    'GET',
    `/webhooks/${ctx.endpoint.id}/deliveries`,
  )) as { items: { eventType: string; status: string; lastStatusCode: number | null }[] };
  check(
    '(a) a real dead-lettered job (import without its file) → Herald webhook → n8n alert',
    ctx.catcher.alerts.some(isFromHerald) && failedImport.status === 'failed',
    {
      import: failedImport.status,
      alert: ctx.catcher.alerts.find(isFromHerald)?.text,
      deliveries: deliveries.items.map((d) => `${d.eventType}:${d.status}:${d.lastStatusCode}`),
    },
  );
}

async function main(herald: ReturnType<typeof createHeraldProcess> | undefined) {
  // Without a worker first, so an import can lose its file before it runs.
  if (herald) await herald.start({ worker: false });
  const heraldUrl = herald?.url ?? process.env.HERALD_URL!.replace(/\/+$/, '');
  const call = heraldClient(heraldUrl);
  const { admin, key, endpoint, daily } = await setUpHerald(heraldUrl, call);
  const lostImport = herald ? await loseAnImport(herald, key) : undefined;

  const n8n = createN8nSession(N8N);
  await n8n.signIn(N8N_EMAIL, N8N_PASSWORD);
  const workflowNames = FILES.map(workflowName);
  await n8n.removePrevious(workflowNames, CREDENTIALS);
  const flowToken = randomBytes(24).toString('base64url');
  const credentials = {
    'Herald API key': await n8n.headerCredential(
      'Herald API key',
      'Authorization',
      `Bearer ${key}`,
    ),
    'Herald flow token': await n8n.headerCredential(
      'Herald flow token',
      'X-Herald-Token',
      flowToken,
    ),
  };
  const catcher = await startAlertCatcher(CHANNEL_DOWN);
  const ctx: Context = {
    n8n,
    heraldUrl,
    call,
    admin,
    key,
    endpoint,
    catcher,
    credentials,
    flowToken,
  };
  try {
    await checkJobFailureAlert(ctx);
    await checkFlowStep(ctx);
    await checkDailyCampaign(ctx, daily);
    if (lostImport) await checkDeadLetter(ctx, lostImport);
  } finally {
    if (process.env.N8N_KEEP !== '1')
      await n8n
        .removePrevious(workflowNames, CREDENTIALS)
        .catch((error: unknown) => console.error('cleanup:', error));
    catcher.close();
  }
}

const herald = process.env.HERALD_URL ? undefined : createHeraldProcess(HERALD_PORT);
main(herald)
  .catch((error: unknown) => {
    check('verify.ts ran to the end', false, (error as Error).message);
  })
  .finally(async () => {
    await herald?.remove();
    const failed = results.filter((r) => !r.ok).length;
    console.log(JSON.stringify({ checks: results.length, failed }));
    process.exitCode = failed === 0 ? 0 : 1;
  });
