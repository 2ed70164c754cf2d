import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestApp, type TestApp } from './test/harness.js';
import { startSmtpTestServer, type SmtpTestServer } from './test/smtp-test-server.js';

/**
 * The shapes as an operator runs them, as separate `herald` processes (DESIGN.md §1).
 * Scale-out: two `serve --no-worker` API processes and three `worker` processes on one
 * PostgreSQL and Redis; a campaign and a flow go through them while one API process is stopped,
 * and a real SMTP server counts that every recipient got exactly one message.
 * Embedded: one `serve` process with its data dir keeps everything across a restart.
 */

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const isScaleOut = Boolean(inject('databaseUrl') && inject('redisUrl'));

interface HeraldProcess {
  child: ChildProcess;
  output: () => string;
  url?: string;
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/** Starts `herald <args>` and resolves once it says it is ready. */
async function startHerald(
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
): Promise<HeraldProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (ready.test(output)) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`herald ${args[0]} exited (${code}): ${output}`)),
    );
  });
  return { child, output: () => output };
}

async function startApi(env: Record<string, string>, extra: string[] = []) {
  const port = await freePort();
  const p = await startHerald(
    ['serve', ...extra],
    { ...env, HOST: '127.0.0.1', PORT: String(port) },
    /herald: serving/,
  );
  return { ...p, url: `http://127.0.0.1:${port}` };
}

async function stop(p: HeraldProcess, signal: NodeJS.Signals = 'SIGTERM') {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  const exited = once(p.child, 'exit');
  p.child.kill(signal);
  await exited;
}

/** A client of one API process's HTTP port, as a browser or integration would be. */
function client(base: string, token?: string) {
  return async <T>(
    method: string,
    path: string,
    body?: object,
  ): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  };
}

describe('deployment shapes as separate processes', () => {
  let t: TestApp;
  let smtp: SmtpTestServer;
  const processes: HeraldProcess[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    smtp = await startSmtpTestServer();
  });
  afterAll(async () => {
    await Promise.all(processes.map((p) => stop(p, 'SIGKILL')));
    await smtp.close();
    await t.close();
  });

  if (isScaleOut)
    it('two API and three worker processes send a campaign and a flow to everyone exactly once while one API process stops', async () => {
      const env = { ...t.workerEnv!, SEND_BATCH_SIZE: '50', WORKER_CONCURRENCY: '3' };
      const [apiA, apiB] = await Promise.all([
        startApi(env, ['--no-worker']),
        startApi(env, ['--no-worker']),
      ]);
      processes.push(apiA, apiB);
      const workers = await Promise.all(
        [0, 1, 2].map(() => startHerald(['worker'], env, /worker started/)),
      );
      processes.push(...workers);

      const anonymous = client(apiA.url);
      const registered = await anonymous<{ accessToken: string; organization: { id: string } }>(
        'POST',
        '/api/v1/auth/register',
        {
          email: 'operator@scale.example',
          password: 'correct horse battery',
          name: 'Operator',
          organizationName: 'Scale Co',
        },
      );
      expect(registered.status).toBe(201);
      const { accessToken } = registered.body;
      const orgId = registered.body.organization.id;
      const a = client(apiA.url, accessToken);
      const b = client(apiB.url, accessToken);

      const RECIPIENTS = 600;
      const list = await a<{ id: string }>('POST', '/api/v1/lists', { name: 'Everyone' });
      await t.database.db.execute(sql`
        insert into contacts (id, org_id, email, first_name)
        select gen_random_uuid(), ${orgId}::uuid, 'scale' || n || '@example.com', 'Reader'
        from generate_series(1, ${RECIPIENTS}) n`);
      await t.database.db.execute(sql`
        insert into list_members (list_id, contact_id, org_id)
        select ${list.body.id}::uuid, id, org_id from contacts where org_id = ${orgId}::uuid`);
      const sender = await a<{ id: string }>('POST', '/api/v1/senders', {
        name: 'Local',
        fromEmail: 'news@scale.example',
        provider: 'smtp',
        smtp: { host: smtp.host, port: smtp.port, tls: 'none', auth: 'none' },
      });
      expect(sender.status).toBe(201);
      const campaign = await a<{ id: string }>('POST', '/api/v1/campaigns', {
        name: 'Scale-out',
        audience: { listIds: [list.body.id] },
        content: {
          subject: 'Hello {{ firstName }}',
          format: 'html',
          body: '<p>Hi</p><a href="https://example.com/x">x</a><a href="{{ unsubscribe_url }}">u</a>',
        },
        senderIds: [sender.body.id],
      });
      expect((await a('POST', `/api/v1/campaigns/${campaign.body.id}/send-now`)).status).toBe(200);

      // One API process goes away mid-campaign (a rolling upgrade); the other keeps serving.
      const ofCampaign = () => smtp.messages.filter((m) => m.data.includes(campaign.body.id));
      await smtp.waitFor(() => ofCampaign().length >= 50, 60_000);
      await stop(apiA);
      expect(apiA.child.exitCode).toBe(0);
      expect((await a('GET', '/health/live').catch(() => ({ status: 0 }))).status).toBe(0);

      const deadline = Date.now() + 90_000;
      let status = '';
      while (Date.now() < deadline) {
        const c = await b<{ status: string }>('GET', `/api/v1/campaigns/${campaign.body.id}`);
        expect(c.status).toBe(200);
        status = c.body.status;
        if (status === 'sent') break;
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(status, workers.map((w) => w.output()).join('\n---\n')).toBe('sent');
      const perRecipient = new Map<string, number>();
      for (const m of ofCampaign())
        for (const to of m.to) perRecipient.set(to, (perRecipient.get(to) ?? 0) + 1);
      expect(perRecipient.size).toBe(RECIPIENTS);
      expect([...perRecipient.values()].every((n) => n === 1)).toBe(true);
      // The ledger agrees with what the server received.
      const stats = await b<{ sent: number }>('GET', `/api/v1/campaigns/${campaign.body.id}/stats`);
      expect(stats.body.sent).toBe(RECIPIENTS);

      // A flow through the same processes: contacts created on the remaining API process are
      // enrolled there and their steps run on the workers; each gets its welcome mail once.
      const template = await b<{ id: string }>('POST', '/api/v1/templates', {
        name: 'Welcome',
        subject: 'Welcome {{ firstName }}',
        format: 'html',
        body: '<p>Hi {{ firstName }}</p><a href="{{ unsubscribe_url }}">u</a>',
      });
      expect(template.status).toBe(201);
      const flow = await b<{ id: string }>('POST', '/api/v1/flows', {
        name: 'Welcome',
        definition: {
          reEntry: 'once',
          nodes: [
            {
              id: 'trigger',
              type: 'trigger',
              position: { x: 0, y: 0 },
              config: { type: 'contact_created' },
            },
            {
              id: 'welcome',
              type: 'send_email',
              position: { x: 0, y: 120 },
              config: { templateId: template.body.id, senderId: sender.body.id },
            },
          ],
          edges: [{ id: 'e1', source: 'trigger', target: 'welcome' }],
        },
      });
      expect(flow.status).toBe(201);
      expect((await b('POST', `/api/v1/flows/${flow.body.id}/activate`)).status).toBe(200);
      const NEWCOMERS = 20;
      for (let i = 0; i < NEWCOMERS; i++) {
        const created = await b('POST', '/api/v1/contacts', {
          email: `newcomer${i}@example.com`,
          firstName: 'New',
        });
        expect(created.status).toBe(201);
      }
      const welcomes = () => smtp.messages.filter((m) => m.data.includes('Welcome New'));
      await smtp.waitFor(() => welcomes().length >= NEWCOMERS, 60_000);
      await new Promise((r) => setTimeout(r, 1_000));
      const perNewcomer = new Map<string, number>();
      for (const m of welcomes())
        for (const to of m.to) perNewcomer.set(to, (perNewcomer.get(to) ?? 0) + 1);
      expect(perNewcomer.size).toBe(NEWCOMERS);
      expect([...perNewcomer.values()].every((n) => n === 1)).toBe(true);
      const flowStats = await b<{ runs: { completed: number } }>(
        'GET',
        `/api/v1/flows/${flow.body.id}/stats`,
      );
      expect(flowStats.body.runs.completed).toBe(NEWCOMERS);
    }, 240_000);

  if (!isScaleOut)
    it('one embedded process serves, works and keeps its data in its data dir across a restart', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'herald-embedded-'));
      try {
        const env = { HERALD_DATA_DIR: dataDir };
        const first = await startApi(env);
        processes.push(first);
        const anonymous = client(first.url);
        const registered = await anonymous<{ accessToken: string }>(
          'POST',
          '/api/v1/auth/register',
          {
            email: 'owner@embedded.example',
            password: 'correct horse battery',
            name: 'Owner',
            organizationName: 'Embedded Co',
          },
        );
        expect(registered.status).toBe(201);
        const api = client(first.url, registered.body.accessToken);
        const contact = await api<{ id: string }>('POST', '/api/v1/contacts', {
          email: 'kept@embedded.example',
        });
        expect(contact.status).toBe(201);
        await stop(first);
        expect(first.child.exitCode).toBe(0);

        const second = await startApi(env);
        processes.push(second);
        const login = await client(second.url)<{ accessToken: string }>(
          'POST',
          '/api/v1/auth/login',
          {
            email: 'owner@embedded.example',
            password: 'correct horse battery',
          },
        );
        expect(login.status).toBe(200);
        const again = await client(second.url, login.body.accessToken)<{ email: string }>(
          'GET',
          `/api/v1/contacts/${contact.body.id}`,
        );
        expect(again.body.email).toBe('kept@embedded.example');
        await stop(second);
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    }, 120_000);
});
