import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';

/** The CLI as an operator runs it: real processes, real signals. */

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function herald(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

async function waitReady(url: string, child: ChildProcess, timeoutMs = 60_000): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited early with ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/health/ready`);
      if (res.status === 200) return res;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('not ready in time');
}

describe('herald CLI', () => {
  it('serve: embedded mode comes up ready on a fresh data dir, and SIGTERM shuts it down cleanly', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'herald-cli-'));
    const port = await freePort();
    const proc = herald(['serve'], {
      HERALD_DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
    });
    const ready = await waitReady(`http://127.0.0.1:${port}`, proc.child);
    expect(await ready.json()).toMatchObject({
      status: 'ok',
      checks: { database: { status: 'ok' }, queue: { status: 'ok' } },
    });
    expect(statSync(join(dataDir, 'secrets.json')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'pglite')).isDirectory()).toBe(true);
    const register = await fetch(`http://127.0.0.1:${port}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: 'cli@example.com',
        password: 'long enough password',
        name: 'Cli',
        organizationName: 'Cli Org',
      }),
    });
    expect(register.status).toBe(201);
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
    expect(proc.output()).toContain('SIGTERM received');

    // Restart on the same data dir: the account (and the secrets that sign sessions) survived.
    const again = herald(['serve', '--no-worker'], {
      HERALD_DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
    });
    await waitReady(`http://127.0.0.1:${port}`, again.child);
    const login = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'cli@example.com', password: 'long enough password' }),
    });
    expect(login.status).toBe(200);
    again.child.kill('SIGINT');
    expect(await again.exited).toBe(0);

    // herald import, against the same data dir, with its progress report.
    const csv = join(dataDir, 'people.csv');
    writeFileSync(
      csv,
      'Email Address,First Name\nann@example.com,Ann\nbad-address,Bad\nbo@example.com,Bo\n',
    );
    const imported = herald(['import', csv, '--org', 'cli org', '--tags', 'cli'], {
      HERALD_DATA_DIR: dataDir,
    });
    expect(await imported.exited).toBe(0);
    expect(imported.output()).toContain('100%');
    expect(imported.output()).toContain(
      'completed: 2 inserted, 0 updated, 0 skipped, 0 duplicates merged, 1 rejected',
    );
    const unknownOrg = herald(['import', csv, '--org', 'nope'], { HERALD_DATA_DIR: dataDir });
    expect(await unknownOrg.exited).toBe(1);
    expect(unknownOrg.output()).toContain('no organization matches "nope"');
  }, 180_000);

  it('migrate applies migrations and exits 0', async () => {
    const proc = herald(['migrate'], {
      HERALD_DATA_DIR: mkdtempSync(join(tmpdir(), 'herald-migrate-')),
    });
    expect(await proc.exited).toBe(0);
    expect(proc.output()).toContain('migrations applied');
  }, 60_000);

  it('refuses to start in scale-out mode without secrets, naming every problem', async () => {
    const proc = herald(['serve'], {
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
      PORT: 'x',
    });
    expect(await proc.exited).toBe(1);
    expect(proc.output()).toContain('JWT_SECRET');
    expect(proc.output()).toContain('ENCRYPTION_KEY');
    expect(proc.output()).toContain('PORT');
  }, 30_000);

  it('an unknown command prints usage and exits 1', async () => {
    const proc = herald(['frobnicate'], {});
    expect(await proc.exited).toBe(1);
    expect(proc.output()).toContain('Usage: herald');
  }, 30_000);

  const databaseUrl = inject('databaseUrl');
  const redisUrl = inject('redisUrl');
  // Defined only when the run has PostgreSQL; the embedded run has no server to point at.
  if (databaseUrl)
    it('scale-out: serve --no-worker and worker share PostgreSQL (and Redis when set)', async () => {
      const port = await freePort();
      const env = {
        DATABASE_URL: databaseUrl,
        ...(redisUrl
          ? { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: `${inject('redisPrefix')}-cli` }
          : {}),
        JWT_SECRET: randomBytes(32).toString('hex'),
        ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        PORT: String(port),
        HOST: '127.0.0.1',
      };
      const api = herald(['serve', '--no-worker'], env);
      const worker = herald(['worker'], env);
      const ready = await waitReady(`http://127.0.0.1:${port}`, api.child);
      const body = (await ready.json()) as { checks: Record<string, unknown> };
      if (redisUrl) expect(body.checks).toHaveProperty('redis');
      worker.child.kill('SIGTERM');
      api.child.kill('SIGTERM');
      expect(await worker.exited).toBe(0);
      expect(await api.exited).toBe(0);
    }, 120_000);
});
