import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSmtpPool, type SmtpPool } from './smtp-client.js';

/**
 * Against Postfix's smtp-sink: a real, independent SMTP implementation that dumps every
 * message it accepts to its own file, so the test can see what actually arrived.
 */

interface Sink {
  port: number;
  dir: string;
  /** The dumped messages once `count` have arrived. */
  collect(count: number): Promise<string[]>;
  stop(): Promise<void>;
}

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

async function isListening(port: number): Promise<boolean> {
  const socket = connect(port, '127.0.0.1');
  try {
    await once(socket, 'connect');
    return true;
  } catch {
    return false;
  } finally {
    socket.destroy();
  }
}

async function startSink(flags: string[] = []): Promise<Sink> {
  const dir = await mkdtemp(join(tmpdir(), 'herald-smtp-sink-'));
  const port = await freePort();
  // smtp-sink refuses to run as root unless told which user to become.
  const asUser = process.getuid?.() === 0 ? ['-u', 'root'] : [];
  const child: ChildProcess = spawn(
    '/usr/sbin/smtp-sink',
    [...asUser, ...flags, '-d', `${dir}/%s.`, `127.0.0.1:${port}`, '256'],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const exited = once(child, 'exit');
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill();
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  cleanups.push(stop);
  const deadline = Date.now() + 3_000;
  while (!(await isListening(port))) {
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error('smtp-sink did not start');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return {
    port,
    dir,
    async collect(count) {
      // Each dump file is complete once smtp-sink has replied to its final '.', which send()
      // has already awaited; the directory only needs reading.
      const files = await readdir(dir);
      expect(files).toHaveLength(count);
      return Promise.all(files.map((file) => readFile(join(dir, file), 'latin1')));
    },
    stop,
  };
}

function pool(sink: Sink, maxConnections: number): SmtpPool {
  const created = createSmtpPool({
    host: '127.0.0.1',
    port: sink.port,
    tls: 'none',
    clientName: 'herald.test',
    maxConnections,
  });
  cleanups.push(() => created.close());
  return created;
}

/** Message i: every kind of line that needs care on the wire, in turn. */
function message(i: number): Buffer {
  const lf = i % 3 === 0;
  const eol = lf ? '\n' : '\r\n';
  const lines = [
    `Message-ID: <${i}@herald.test>`,
    `Subject: message ${i}`,
    'MIME-Version: 1.0',
    `Content-Type: text/plain; charset=${i % 2 === 0 ? 'utf-8' : 'us-ascii'}`,
    '',
    '.a line that starts with a dot',
    '.',
    '..two dots',
    `${'long line '.repeat(150)}end`,
    i % 2 === 0 ? `Grüße aus Köln, Nachricht ${i}` : `plain text ${i}`,
    '',
    'last line',
  ];
  // Some messages end without a final line break.
  return Buffer.from(lines.join(eol) + (i % 5 === 0 ? '' : eol), 'utf8');
}

/** What smtp-sink writes for a message: LF line ends, after its own trace headers. */
function expectedDump(i: number): string {
  const text = message(i).toString('latin1').replace(/\r\n/g, '\n');
  return text.endsWith('\n') ? text : `${text}\n`;
}

interface Dump {
  id: number;
  mailArgs: string;
  rcptArgs: string;
  content: string;
}

function parseDump(dump: string): Dump {
  const start = dump.indexOf('Message-ID: <');
  const header = dump.slice(0, start);
  return {
    id: Number(/^Message-ID: <(\d+)@/.exec(dump.slice(start))![1]),
    mailArgs: /^X-Mail-Args: (.*)$/m.exec(header)![1]!,
    rcptArgs: /^X-Rcpt-Args: (.*)$/m.exec(header)![1]!,
    // smtp-sink ends each dump with an empty line of its own.
    content: dump.slice(start, -1),
  };
}

async function sendAll(client: SmtpPool, count: number) {
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      client.send({ from: 'bulk@herald.test', to: `rcpt${i}@example.com` }, message(i)),
    ),
  );
}

describe('SMTP pool against smtp-sink', () => {
  it('delivers 2,000 concurrent messages exactly once, intact', async () => {
    const sink = await startSink();
    const client = pool(sink, 6);

    const results = await sendAll(client, 2_000);

    expect(results.filter((result) => result.outcome !== 'sent')).toEqual([]);
    const dumps = (await sink.collect(2_000)).map(parseDump);
    expect(new Set(dumps.map((dump) => dump.id)).size).toBe(2_000);
    for (const dump of dumps) {
      expect(dump.content).toBe(expectedDump(dump.id));
      expect(dump.rcptArgs).toBe(`<rcpt${dump.id}@example.com>`);
      expect(dump.mailArgs).toBe(
        dump.id % 2 === 0 ? '<bulk@herald.test> BODY=8BITMIME' : '<bulk@herald.test>',
      );
    }
  });

  it('delivers in lock-step when smtp-sink offers neither PIPELINING nor 8BITMIME', async () => {
    const sink = await startSink(['-p', '-8']);
    const client = pool(sink, 3);

    const results = await sendAll(client, 200);

    expect(results.every((result) => result.outcome === 'sent')).toBe(true);
    const dumps = (await sink.collect(200)).map(parseDump);
    for (const dump of dumps) {
      expect(dump.content).toBe(expectedDump(dump.id));
      expect(dump.mailArgs).toBe('<bulk@herald.test>');
    }
  });

  it('falls back to HELO with a server that does not speak ESMTP', async () => {
    const sink = await startSink(['-e']);
    const client = pool(sink, 2);

    const results = await sendAll(client, 20);

    expect(results.every((result) => result.outcome === 'sent')).toBe(true);
    const dumps = await sink.collect(20);
    expect(dumps[0]).toMatch(/^X-Client-Proto: SMTP$/m);
  });

  it('classifies smtp-sink hard and soft rejections', async () => {
    const hard = await startSink(['-f', 'RCPT']);
    const soft = await startSink(['-r', 'DATA']);
    const hardClient = pool(hard, 1);
    const softClient = pool(soft, 1);

    const [rejected, deferred] = await Promise.all([
      hardClient.send({ from: 'a@herald.test', to: 'b@example.com' }, message(1)),
      softClient.send({ from: 'a@herald.test', to: 'b@example.com' }, message(1)),
    ]);

    expect(rejected).toMatchObject({ outcome: 'failed', code: 500, stage: 'rcpt' });
    expect(deferred).toMatchObject({ outcome: 'retry', code: 450, stage: 'data' });
    // smtp-sink opens its dump at MAIL and drops it at RSET, which close() waits for.
    await Promise.all([hardClient.close(), softClient.close()]);
    expect((await readdir(hard.dir)).length + (await readdir(soft.dir)).length).toBe(0);
  });
});
