import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../config.js';
import { startHerald, type RunningHerald } from '../../server.js';
import { startSmtpTestServer, type SmtpTestServer } from '../../test/smtp-test-server.js';

/**
 * A campaign survives its database and its Redis restarting under it: sending stops while they
 * are gone and carries on after, and every recipient gets the message. Private servers on spare
 * ports (initdb/pg_ctl and redis-server from the machine's packages), so restarting them
 * disturbs nothing else. In the embedded shape the database lives in the process, so the
 * restart there is Herald's own: stopped mid-campaign and started again on the same data dir.
 */

const RECIPIENTS = 400;
const PG_BIN = (() => {
  const root = '/usr/lib/postgresql';
  const version = existsSync(root) ? readdirSync(root).sort().at(-1) : undefined;
  return version ? join(root, version, 'bin') : '';
})();

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** pg_ctl refuses to run as root: run it as the postgres system user when we are root. */
function asPostgres(binary: string, args: string[]) {
  const isRoot = process.getuid?.() === 0;
  execFileSync(
    isRoot ? 'runuser' : join(PG_BIN, binary),
    isRoot ? ['-u', 'postgres', '--', join(PG_BIN, binary), ...args] : args,
    {
      stdio: 'pipe',
      timeout: 60_000,
    },
  );
}

const isScaleOut = Boolean(inject('databaseUrl') && inject('redisUrl'));

/** Registers an owner and starts a campaign to `count` new contacts through `smtp`. */
async function launchCampaign(
  app: NonNullable<RunningHerald['app']>,
  smtp: SmtpTestServer,
  count: number,
) {
  const register = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/register',
    payload: {
      email: 'owner@restart.example',
      password: 'correct horse battery',
      name: 'Owner',
      organizationName: 'Restart',
    },
  });
  const token = (register.json() as { accessToken: string }).accessToken;
  const call = (method: 'GET' | 'POST', url: string, payload?: object) =>
    app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload ? { payload } : {}),
    });
  const list = (await call('POST', '/api/v1/lists', { name: 'All' })).json() as { id: string };
  const ids: string[] = [];
  for (let i = 0; i < count; i += 100) {
    const batch = await Promise.all(
      Array.from({ length: 100 }, (_, j) =>
        call('POST', '/api/v1/contacts', { email: `r${i + j}@example.com` }),
      ),
    );
    ids.push(...batch.map((r) => (r.json() as { id: string }).id));
  }
  for (let i = 0; i < ids.length; i += 1000)
    await call('POST', `/api/v1/lists/${list.id}/members`, { contactIds: ids.slice(i, i + 1000) });
  const sender = (
    await call('POST', '/api/v1/senders', {
      name: 'Local',
      fromEmail: 'news@restart.example',
      provider: 'smtp',
      smtp: { host: smtp.host, port: smtp.port, tls: 'none', auth: 'none' },
    })
  ).json() as { id: string };
  const campaign = (
    await call('POST', '/api/v1/campaigns', {
      name: 'Restarts',
      audience: { listIds: [list.id] },
      content: { subject: 'Hi', format: 'html', body: '<a href="{{ unsubscribe_url }}">u</a>' },
      senderIds: [sender.id],
    })
  ).json() as { id: string };
  expect((await call('POST', `/api/v1/campaigns/${campaign.id}/send-now`)).statusCode).toBe(200);
  return { token, campaignId: campaign.id };
}

/** Polls the campaign through whichever app is current until it reports `sent`. */
async function waitUntilSent(
  app: () => NonNullable<RunningHerald['app']>,
  token: string,
  campaignId: string,
) {
  const deadline = Date.now() + 120_000;
  let status = '';
  while (Date.now() < deadline) {
    const res = await app()
      .inject({
        method: 'GET',
        url: `/api/v1/campaigns/${campaignId}`,
        headers: { authorization: `Bearer ${token}` },
      })
      .catch(() => null);
    status = res && res.statusCode === 200 ? (res.json() as { status: string }).status : status;
    if (status === 'sent') break;
    await new Promise((r) => setTimeout(r, 500));
  }
  return status;
}

if (!isScaleOut)
  describe('embedded Herald restarted in the middle of a campaign', () => {
    let dir: string;
    let smtp: SmtpTestServer;
    let herald: RunningHerald | undefined;
    const config = () =>
      loadConfig({
        JWT_SECRET: 'restart-test-jwt-secret-0123456789abcdef',
        ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'silent',
        SEND_BATCH_SIZE: '20',
        SEND_LANES: '2',
        HERALD_DATA_DIR: join(dir, 'data'),
        SHUTDOWN_TIMEOUT_MS: '5000',
      });

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'herald-restart-embedded-'));
      smtp = await startSmtpTestServer({ rules: [{ command: 'MESSAGE', delayMs: 10 }] });
    });
    afterAll(async () => {
      await herald?.close().catch(() => undefined);
      await smtp?.close();
      rmSync(dir, { recursive: true, force: true });
    }, 60_000);

    it('carries on from the ledger after the restart: everyone gets the message once', async () => {
      herald = await startHerald(config(), { logger: false });
      const { token, campaignId } = await launchCampaign(herald.app!, smtp, RECIPIENTS);
      const delivered = () => smtp.messages.filter((m) => m.data.includes(campaignId));

      await smtp.waitFor(() => delivered().length >= RECIPIENTS / 4, 60_000);
      await herald.close();
      herald = undefined;
      const beforeRestart = delivered().length;
      expect(beforeRestart).toBeLessThan(RECIPIENTS);
      await new Promise((r) => setTimeout(r, 500));
      // Stopped means stopped: nothing goes out while Herald is down.
      expect(delivered().length).toBe(beforeRestart);

      herald = await startHerald(config(), { logger: false });
      expect(await waitUntilSent(() => herald!.app!, token, campaignId)).toBe('sent');
      const recipients = delivered().flatMap((m) => m.to);
      expect(new Set(recipients).size).toBe(RECIPIENTS);
      // A graceful stop records the batches on the wire before it exits.
      expect(recipients.length).toBe(RECIPIENTS);
    }, 300_000);
  });

if (isScaleOut)
  describe('campaign across PostgreSQL and Redis restarts', () => {
    let dir: string;
    let pgPort: number;
    let redisPort: number;
    let redis: ChildProcess | undefined;
    let herald: RunningHerald | undefined;
    let smtp: SmtpTestServer;

    const pgCtl = (action: 'start' | 'stop') =>
      asPostgres('pg_ctl', [
        '-D',
        join(dir, 'pg'),
        '-w',
        '-m',
        'fast',
        // Its own log file: with the output on our pipe, pg_ctl's child would keep it open.
        '-l',
        join(dir, 'pg.log'),
        '-o',
        `-p ${pgPort} -c listen_addresses=127.0.0.1 -k ${dir}`,
        action,
      ]);
    const startRedis = () => {
      redis = spawn(
        'redis-server',
        [
          '--port',
          String(redisPort),
          '--bind',
          '127.0.0.1',
          '--dir',
          join(dir, 'redis'),
          '--appendonly',
          'yes',
          '--appendfsync',
          'always',
          '--save',
          '',
        ],
        { stdio: 'ignore' },
      );
    };
    const stopRedis = async () => {
      const r = redis;
      if (!r || r.exitCode !== null) return;
      const exited = new Promise((resolve) => r.on('exit', resolve));
      r.kill('SIGTERM');
      await exited;
    };

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'herald-restart-'));
      chmodSync(dir, 0o777);
      const pgDir = join(dir, 'pg');
      execFileSync('mkdir', ['-p', pgDir, join(dir, 'redis')]);
      if (process.getuid?.() === 0)
        chownSync(
          pgDir,
          Number(execFileSync('id', ['-u', 'postgres']).toString()),
          Number(execFileSync('id', ['-g', 'postgres']).toString()),
        );
      asPostgres('initdb', ['-D', pgDir, '-A', 'trust', '-U', 'postgres']);
      [pgPort, redisPort] = [await freePort(), await freePort()];
      pgCtl('start');
      startRedis();
      smtp = await startSmtpTestServer({ rules: [{ command: 'MESSAGE', delayMs: 10 }] });
      const config = loadConfig({
        DATABASE_URL: `postgres://postgres@127.0.0.1:${pgPort}/postgres`,
        REDIS_URL: `redis://127.0.0.1:${redisPort}`,
        JWT_SECRET: randomBytes(32).toString('hex'),
        ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'silent',
        SEND_BATCH_SIZE: '20',
        SEND_LANES: '2',
        SEND_LEASE_MS: '3000',
        SEND_RETRY_BASE_MS: '500',
        HERALD_DATA_DIR: join(dir, 'data'),
        SHUTDOWN_TIMEOUT_MS: '2000',
      });
      // Redis may still be starting; startHerald's clients retry until it answers.
      await new Promise((r) => setTimeout(r, 300));
      herald = await startHerald(config, { logger: false });
    }, 120_000);

    afterAll(async () => {
      await herald?.close().catch(() => undefined);
      await smtp?.close();
      await stopRedis();
      try {
        pgCtl('stop');
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    }, 120_000);

    it('pauses while the servers are gone and sends to everyone after they are back', async () => {
      const app = herald!.app!;
      const { token, campaignId } = await launchCampaign(app, smtp, RECIPIENTS);
      const campaign = { id: campaignId };
      const delivered = () => smtp.messages.filter((m) => m.data.includes(campaign.id)).length;

      await smtp.waitFor(() => delivered() >= RECIPIENTS / 5, 60_000);
      pgCtl('stop');
      await new Promise((r) => setTimeout(r, 1_500));
      // Nothing can be claimed or recorded while the database is gone.
      const during = delivered();
      await new Promise((r) => setTimeout(r, 1_500));
      expect(delivered() - during).toBeLessThanOrEqual(40);
      pgCtl('start');

      await smtp.waitFor(() => delivered() >= (RECIPIENTS * 3) / 5, 90_000);
      await stopRedis();
      await new Promise((r) => setTimeout(r, 1_500));
      startRedis();

      const status = await waitUntilSent(() => app, token, campaignId);
      expect(status).toBe('sent');
      const recipients = new Set(
        smtp.messages.filter((m) => m.data.includes(campaign.id)).flatMap((m) => m.to),
      );
      expect(recipients.size).toBe(RECIPIENTS);
    }, 300_000);
  });
