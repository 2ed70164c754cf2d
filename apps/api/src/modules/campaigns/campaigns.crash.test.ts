import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import { contacts, listMembers, lists, messages } from '../../db/schema/index.js';
import { createTestApp, type TestApp } from '../../test/harness.js';
import { startSmtpTestServer, type SmtpTestServer } from '../../test/smtp-test-server.js';

/**
 * DESIGN.md §5.6: a worker killed mid-send loses no recipient. Separate `herald worker`
 * processes share one PostgreSQL and one Redis; one is SIGKILLed while the campaign is sending,
 * and a real SMTP server counts what arrived: everyone once, duplicates only from the batch
 * that was on the wire. (Scale-out shape only: processes cannot share a PGlite.)
 */

const MAIN = fileURLToPath(new URL('../../main.ts', import.meta.url));
const RECIPIENTS = 3_000;
const BATCH = 40;

function startWorker(env: Record<string, string>): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'worker'], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  }) as ChildProcess & { output: () => string };
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  child.output = () => output;
  return child;
}

const isScaleOut = Boolean(inject('databaseUrl') && inject('redisUrl'));

describe('campaign crash safety (scale-out)', () => {
  let t: TestApp;
  let server: SmtpTestServer;
  const workers: (ChildProcess & { output: () => string })[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    // Each message takes a few milliseconds at the server, so the campaign is still sending
    // when a worker is killed.
    server = await startSmtpTestServer({ rules: [{ command: 'MESSAGE', delayMs: 3 }] });
  });
  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
    await server.close();
    await t.close();
  });

  // Only the PostgreSQL + Redis run can start worker processes that share the app's state.
  if (isScaleOut)
    it('a SIGKILLed worker loses nobody: every recipient gets the message, duplicates bounded', async () => {
      const env = {
        ...t.workerEnv!,
        SEND_BATCH_SIZE: String(BATCH),
        SEND_LANES: '6',
        // Short leases so the dead worker's batch is taken over within the test.
        SEND_LEASE_MS: '4000',
        WORKER_CONCURRENCY: '3',
      };
      const s = await t.register();
      const orgId = s.organization.id;
      const listId = uuidv7();
      await t.database.db.insert(lists).values({ id: listId, orgId, name: 'Everyone' });
      await t.database.db.execute(sql`
        insert into ${contacts} (id, org_id, email, first_name)
        select gen_random_uuid(), ${orgId}::uuid, 'crash' || n || '@example.com', 'Reader ' || n
        from generate_series(1, ${RECIPIENTS}) n`);
      await t.database.db.execute(sql`
        insert into ${listMembers} (list_id, contact_id, org_id)
        select ${listId}::uuid, id, org_id from ${contacts} where org_id = ${orgId}::uuid`);
      const call = (method: 'POST' | 'GET', url: string, payload?: object) =>
        t.call(s.accessToken, { method, url, ...(payload ? { payload } : {}) });
      const sender = (
        await call('POST', '/api/v1/senders', {
          name: 'Local',
          fromEmail: 'news@crash.example',
          provider: 'smtp',
          smtp: { host: server.host, port: server.port, tls: 'none', auth: 'none' },
        })
      ).json() as { id: string };
      const campaign = (
        await call('POST', '/api/v1/campaigns', {
          name: 'Crash test',
          audience: { listIds: [listId] },
          content: {
            subject: 'Hello {{ firstName }}',
            format: 'html',
            body: '<p>Hi {{ firstName }}</p><a href="{{ unsubscribe_url }}">Unsubscribe</a>',
          },
          senderIds: [sender.id],
          trackOpens: false,
          trackClicks: false,
        })
      ).json() as { id: string };

      for (let i = 0; i < 3; i++) workers.push(startWorker(env));
      expect((await call('POST', `/api/v1/campaigns/${campaign.id}/send-now`)).statusCode).toBe(
        200,
      );

      const delivered = () => server.messages.filter((m) => m.data.includes(campaign.id)).length;
      await server.waitFor(() => delivered() >= RECIPIENTS / 4, 60_000);
      // Kill the worker that has sessions open to the server right now, mid-batch.
      const victim = workers[0]!;
      victim.kill('SIGKILL');
      const killedAt = delivered();

      const deadline = Date.now() + 90_000;
      let status = '';
      while (Date.now() < deadline) {
        const c = (await call('GET', `/api/v1/campaigns/${campaign.id}`)).json() as {
          status: string;
        };
        status = c.status;
        if (status === 'sent') break;
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(status, workers.map((w) => w.output()).join('\n---\n')).toBe('sent');
      expect(killedAt).toBeLessThan(RECIPIENTS);

      const perRecipient = new Map<string, number>();
      for (const m of server.messages.filter((x) => x.data.includes(campaign.id)))
        for (const to of m.to) perRecipient.set(to, (perRecipient.get(to) ?? 0) + 1);
      // Every recipient got the message…
      expect(perRecipient.size).toBe(RECIPIENTS);
      // …and only what the killed worker had on the wire may have arrived twice.
      const duplicates = [...perRecipient.values()].reduce((n, c) => n + (c - 1), 0);
      expect(duplicates).toBeLessThanOrEqual(BATCH * 3);

      const rows = await t.database.db
        .select({ status: messages.status, n: sql<number>`count(*)::int` })
        .from(messages)
        .where(eq(messages.campaignId, campaign.id))
        .groupBy(messages.status);
      expect(rows).toEqual([{ status: 'sent', n: RECIPIENTS }]);
      // The next test needs a queue nobody else works on.
      await Promise.all(
        workers.map(async (w) => {
          if (w.exitCode !== null || w.signalCode !== null) return;
          const exited = new Promise((r) => w.once('exit', r));
          w.kill('SIGKILL');
          await exited;
        }),
      );
    }, 180_000);

  it('a claimed batch whose worker never reports back is claimed again after its lease', async () => {
    // The same guarantee inside one process, on either database: a lease that runs out.
    const s = await t.register();
    const call = (method: 'POST' | 'GET', url: string, payload?: object) =>
      t.call(s.accessToken, { method, url, ...(payload ? { payload } : {}) });
    const list = (await call('POST', '/api/v1/lists', { name: 'L' })).json() as { id: string };
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push(
        (
          (await call('POST', '/api/v1/contacts', { email: `lease${i}@example.com` })).json() as {
            id: string;
          }
        ).id,
      );
    await call('POST', `/api/v1/lists/${list.id}/members`, { contactIds: ids });
    const senderId = ((await call('GET', '/api/v1/senders')).json() as { items: { id: string }[] })
      .items[0]!.id;
    const campaign = (
      await call('POST', '/api/v1/campaigns', {
        name: 'Lease',
        audience: { listIds: [list.id] },
        content: { subject: 'Hi', format: 'html', body: '<a href="{{ unsubscribe_url }}">u</a>' },
        senderIds: [senderId],
      })
    ).json() as { id: string };
    // Start without any worker: the snapshot only, then a "worker" claims 3 and dies.
    await call('POST', `/api/v1/campaigns/${campaign.id}/send-now`);
    await t.services.campaigns.start(campaign.id, null);
    const ledger = (await import('./ledger.repo.js')).createLedgerRepo(t.database.db);
    const claimed = await ledger.claim(campaign.id, 3, 300);
    expect(claimed).toHaveLength(3);
    await new Promise((r) => setTimeout(r, 400));

    await t.startWorker();
    const deadline = Date.now() + 20_000;
    for (;;) {
      const c = (await call('GET', `/api/v1/campaigns/${campaign.id}`)).json() as {
        status: string;
      };
      if (c.status === 'sent' || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const rows = await t.database.db
      .select({ status: messages.status, attempts: messages.attempts })
      .from(messages)
      .where(eq(messages.campaignId, campaign.id));
    expect(rows).toHaveLength(5);
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
    // The three taken over were tried twice: once by the "dead" worker, once for real.
    expect(rows.filter((r) => r.attempts === 2)).toHaveLength(3);
  });
});
