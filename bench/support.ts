import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect, createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { loadConfig } from '../apps/api/src/config.js';

/** A fresh database on the server in DATABASE_URL (default: the local one), dropped by `drop`. */
export async function freshDatabase(label: string) {
  const base = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `herald_bench_${label}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  const config = loadConfig({
    DATABASE_URL: url.toString(),
    JWT_SECRET: randomBytes(32).toString('hex'),
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    UPLOAD_DIR: `/tmp/${name}-uploads`,
    LOG_LEVEL: 'silent',
    ...(process.env.IMPORT_CHUNK_ROWS ? { IMPORT_CHUNK_ROWS: process.env.IMPORT_CHUNK_ROWS } : {}),
  });
  return {
    url: url.toString(),
    config,
    async drop() {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export const FIRST = [
  'Ana',
  'Bob',
  'Chloé',
  'Dmitri',
  'Eve',
  'Farid',
  'Grace',
  'Hiro',
  'Ines',
  'Jamal',
];
export const LAST = [
  'Müller',
  'Smith',
  "O'Neil",
  'García',
  'Nguyen',
  'Kowalski',
  'Rossi',
  'Haddad',
];
export const PLANS = ['free', 'pro', 'team', 'enterprise'];

export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Postfix's smtp-sink on `port`: accepts every message and throws it away. */
export async function startSink(port: number) {
  // smtp-sink refuses to run as root unless told which user to become.
  const asUser = process.getuid?.() === 0 ? ['-u', 'root'] : [];
  const sink = spawn('/usr/sbin/smtp-sink', [...asUser, `127.0.0.1:${port}`, '1000'], {
    stdio: 'ignore',
  });
  for (let tries = 0; ; tries++) {
    const socket = connect(port, '127.0.0.1');
    try {
      await once(socket, 'connect');
      return sink;
    } catch (error) {
      if (tries > 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      socket.destroy();
    }
  }
}

/**
 * The raw SMTP ceiling: Postfix's own `smtp-source` (C) sending `messages` of `bytes` over 20
 * sessions, reusing each connection (-d), to the sink on `port`. Resolves with the seconds taken.
 */
export async function smtpSource(port: number, messages: number, bytes: number): Promise<number> {
  const started = performance.now();
  const source = spawn(
    '/usr/sbin/smtp-source',
    ['-d', '-s', '20', '-m', String(messages), '-l', String(bytes), `127.0.0.1:${port}`],
    { stdio: 'ignore' },
  );
  const [code] = (await once(source, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`smtp-source exited with ${String(code)}`);
  return (performance.now() - started) / 1000;
}

/** The built server (the bench scripts build it first), run as production runs it. */
const MAIN = fileURLToPath(new URL('../apps/api/dist/main.js', import.meta.url));

/** Starts `herald serve` as its own process; resolves once it listens. */
export function startHeraldServer(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  // SERVER_NODE_FLAGS: e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the server.
  const flags = (process.env.SERVER_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...flags, MAIN, 'serve'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (/herald: serving/.test(out)) resolve(child);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`herald exited with ${code}: ${out}`)));
  });
}

/** SIGTERM, then wait for the process to finish its graceful shutdown. */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}
