import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readBody, sleep } from './n8n-rest.js';

const MAIN = fileURLToPath(new URL('../../../apps/api/dist/main.js', import.meta.url));

/**
 * A Herald of this script's own (`apps/api/dist/main.js serve`, embedded), on a temporary data
 * directory that survives restarts, allowed to call webhooks on 127.0.0.1.
 */
export function createHeraldProcess(port: number) {
  const dataDir = mkdtempSync(join(tmpdir(), 'herald-n8n-'));
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;

  return {
    url,
    dataDir,

    async start(options: { worker: boolean }) {
      child = spawn(process.execPath, [MAIN, 'serve', ...(options.worker ? [] : ['--no-worker'])], {
        env: {
          ...process.env,
          HERALD_DATA_DIR: dataDir,
          PORT: String(port),
          HOST: '127.0.0.1',
          PUBLIC_URL: url,
          WEBHOOK_ALLOWED_HOSTS: '127.0.0.1,localhost',
          LOG_LEVEL: 'warn',
          DATABASE_URL: '',
          REDIS_URL: '',
        },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      // Minutes, not seconds: the first start migrates a fresh database, slow on a busy machine.
      for (let deadline = Date.now() + 300_000; Date.now() < deadline;) {
        if (child.exitCode !== null) throw new Error('Herald exited; is apps/api built?');
        const ready = await fetch(`${url}/health/ready`).catch(() => undefined);
        if (ready?.ok) return;
        await sleep(500);
      }
      throw new Error('Herald did not become ready');
    },

    async stop() {
      if (!child || child.exitCode !== null) return;
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },

    async remove() {
      await this.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Herald's REST API with a bearer token (an access token or an API key). */
export function heraldClient(base: string) {
  return async (token: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const payload = (await readBody(res)) as Record<string, unknown>;
    if (!res.ok)
      throw new Error(`Herald ${method} ${path}: ${res.status} ${JSON.stringify(payload)}`);
    return payload;
  };
}
export type HeraldCall = ReturnType<typeof heraldClient>;

/**
 * A Slack-compatible incoming webhook that keeps what it is sent. A text containing `downWord`
 * gets a 503, to play a chat service that is down.
 */
export function startAlertCatcher(downWord: string) {
  const alerts: { text: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const alert = JSON.parse(body) as { text: string };
      if (alert.text.includes(downWord)) return res.writeHead(503).end();
      alerts.push(alert);
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  return new Promise<{ url: string; alerts: typeof alerts; close: () => void }>((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`,
        alerts,
        close: () => server.close(),
      }),
    ),
  );
}
