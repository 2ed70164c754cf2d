import { createServer, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  startSmtpTestServer,
  type ReceivedMessage,
  type SmtpTestServer,
  type SmtpTestServerOptions,
} from '../../test/smtp-test-server.js';
import { createSmtpPool, type SmtpPool, type SmtpPoolOptions } from './smtp-client.js';

const open: { close(): Promise<void> }[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((thing) => thing.close()));
});

async function server(options?: SmtpTestServerOptions): Promise<SmtpTestServer> {
  const started = await startSmtpTestServer(options);
  open.push(started);
  return started;
}

function pool(target: SmtpTestServer, options: Partial<SmtpPoolOptions> = {}): SmtpPool {
  const created = createSmtpPool({
    host: target.host,
    port: target.port,
    tls: 'none',
    clientName: 'client.test',
    ...options,
  });
  open.push(created);
  return created;
}

const message = (id: string, body = `Hello ${id}`) =>
  Buffer.from(`Message-ID: <${id}@test>\r\nSubject: ${id}\r\n\r\n${body}\r\n`);

const send = (client: SmtpPool, to: string, body?: string) =>
  client.send({ from: 'sender@herald.test', to }, message(to, body));

const subjectOf = (received: ReceivedMessage) =>
  /Subject: (.*)\r\n/.exec(received.data.toString())![1];

const subjectsOf = (target: SmtpTestServer) => target.messages.map(subjectOf);

describe('SMTP pool: delivery', () => {
  it('pipelines concurrent messages and delivers each exactly once', async () => {
    const target = await server();
    const client = pool(target, { maxConnections: 2 });
    const recipients = Array.from({ length: 40 }, (_, i) => `user${i}@example.com`);

    const results = await Promise.all(recipients.map((to) => send(client, to)));

    expect(results.every((result) => result.outcome === 'sent')).toBe(true);
    expect(results[0]).toMatchObject({ code: 250, enhancedCode: '2.0.0', stage: 'message' });
    expect(subjectsOf(target).sort()).toEqual([...recipients].sort());
    for (const received of target.messages) expect(received.to).toEqual([subjectOf(received)]);
    expect(target.sessions.length).toBeLessThanOrEqual(2);
    expect(target.sessions.some((session) => session.pipelinedCommands > 0)).toBe(true);
    expect(target.violations).toEqual([]);
  });

  it('speaks in lock-step when the server does not offer PIPELINING', async () => {
    const target = await server({ pipelining: false });
    const client = pool(target, { maxConnections: 1 });
    target.addRule({ command: 'RCPT', match: 'nobody@', reply: '550 5.1.1 No such user' });

    const results = await Promise.all(
      ['a@example.com', 'nobody@example.com', 'b@example.com'].map((to) => send(client, to)),
    );

    expect(results.map((result) => result.outcome)).toEqual(['sent', 'failed', 'sent']);
    expect(subjectsOf(target)).toEqual(['a@example.com', 'b@example.com']);
    expect(target.violations).toEqual([]);
    expect(target.sessions[0]!.pipelinedCommands).toBe(0);
  });

  it('falls back to HELO when EHLO is refused', async () => {
    const target = await server({ refuseEhlo: true });
    const client = pool(target);

    expect((await send(client, 'a@example.com')).outcome).toBe('sent');
    expect(target.sessions[0]!.commands.slice(0, 2)).toEqual([
      'EHLO client.test',
      'HELO client.test',
    ]);
  });

  it('marks 8-bit messages BODY=8BITMIME when the server offers it', async () => {
    const target = await server();
    const client = pool(target, { maxConnections: 1 });

    await client.send({ from: 's@herald.test', to: 'a@example.com' }, message('a', 'Grüße'));
    await client.send({ from: 's@herald.test', to: 'b@example.com' }, message('b', 'plain'));

    expect(target.messages.map((received) => received.params)).toEqual([['BODY=8BITMIME'], []]);
    expect(target.messages[0]!.data.toString('utf8')).toContain('Grüße');
  });

  it('uses SMTPUTF8 for an international address when the server offers it', async () => {
    const target = await server({ smtpUtf8: true });
    const client = pool(target);

    const result = await send(client, 'jürgen@exämple.de');

    expect(result.outcome).toBe('sent');
    // The Subject carries the address too, so the body is 8-bit as well.
    expect(target.messages[0]).toMatchObject({
      to: ['jürgen@exämple.de'],
      params: ['SMTPUTF8', 'BODY=8BITMIME'],
    });
  });

  it('fails an international address without touching the session when SMTPUTF8 is missing', async () => {
    const target = await server();
    const client = pool(target, { maxConnections: 1 });

    const [international, plain] = await Promise.all([
      send(client, 'jürgen@exämple.de'),
      send(client, 'plain@example.com'),
    ]);

    expect(international).toMatchObject({ outcome: 'failed', code: null, stage: 'client' });
    expect(international.reply).toMatch(/SMTPUTF8/);
    expect(plain.outcome).toBe('sent');
    expect(target.sessions[0]!.commands.filter((line) => line.startsWith('MAIL'))).toHaveLength(1);
  });

  it('refuses an envelope that would inject commands, before queueing it', async () => {
    const target = await server();
    const client = pool(target);

    const result = await send(client, 'a@example.com>\r\nRCPT TO:<b@example.com');

    expect(result).toMatchObject({ outcome: 'failed', code: null, stage: 'client' });
    expect(target.sessions).toHaveLength(0);
  });

  it('refuses a message over the advertised SIZE', async () => {
    const target = await server({ size: 100 });
    const client = pool(target);

    const result = await send(client, 'a@example.com', 'x'.repeat(200));

    expect(result).toMatchObject({ outcome: 'failed', stage: 'client' });
    expect(result.reply).toMatch(/at most 100/);
  });
});

describe('SMTP pool: rejections', () => {
  it('retries a 4xx and fails a 5xx, keeping the server reply', async () => {
    const target = await server({
      rules: [
        { command: 'RCPT', match: 'greylisted@', reply: '450 4.7.1 Greylisted, try again later' },
        {
          command: 'RCPT',
          match: 'unknown@',
          reply: '550 5.1.1 <unknown@example.com>: Recipient address rejected',
        },
        { command: 'MAIL', match: 'blocked', reply: '554 5.7.1 Sender blocked' },
        { command: 'MESSAGE', match: 'spam@', reply: '554 5.7.1 Message rejected as spam' },
        { command: 'MESSAGE', match: 'busy@', reply: '451 4.3.0 Try again later' },
      ],
    });
    const client = pool(target, { maxConnections: 1 });

    const [greylisted, unknown, blocked, spam, busy, fine] = await Promise.all([
      send(client, 'greylisted@example.com'),
      send(client, 'unknown@example.com'),
      client.send({ from: 'blocked@herald.test', to: 'a@example.com' }, message('blocked')),
      send(client, 'spam@example.com'),
      send(client, 'busy@example.com'),
      send(client, 'fine@example.com'),
    ]);

    expect(greylisted).toEqual({
      outcome: 'retry',
      code: 450,
      enhancedCode: '4.7.1',
      reply: '450 4.7.1 Greylisted, try again later',
      stage: 'rcpt',
    });
    expect(unknown).toEqual({
      outcome: 'failed',
      code: 550,
      enhancedCode: '5.1.1',
      reply: '550 5.1.1 <unknown@example.com>: Recipient address rejected',
      stage: 'rcpt',
    });
    expect(blocked).toMatchObject({ outcome: 'failed', code: 554, stage: 'mail' });
    expect(spam).toMatchObject({ outcome: 'failed', code: 554, stage: 'message' });
    expect(busy).toMatchObject({ outcome: 'retry', code: 451, stage: 'message' });
    expect(fine.outcome).toBe('sent');
    expect(subjectsOf(target)).toEqual(['fine@example.com']);
    expect(target.sessions).toHaveLength(1);
  });

  it('resets after a rejected recipient so the next message on the same session succeeds', async () => {
    const target = await server({
      rules: [{ command: 'RCPT', match: 'unknown@', reply: '550 5.1.1 No such user' }],
    });
    const client = pool(target, { maxConnections: 1 });

    const rejected = await send(client, 'unknown@example.com');
    const accepted = await send(client, 'known@example.com');

    expect(rejected.outcome).toBe('failed');
    expect(accepted.outcome).toBe('sent');
    expect(target.sessions).toHaveLength(1);
    const commands = target.sessions[0]!.commands;
    expect(commands.indexOf('RSET')).toBeGreaterThan(commands.indexOf('DATA'));
    expect(commands.indexOf('RSET')).toBeLessThan(
      commands.lastIndexOf('MAIL FROM:<sender@herald.test>'),
    );
  });
});

describe('SMTP pool: failover', () => {
  it('retries what was in flight when the connection drops mid-DATA, then delivers the rest on a new one', async () => {
    const target = await server({
      rules: [{ command: 'MESSAGE', match: 'm3@', drop: true, times: 1 }],
    });
    const client = pool(target, { maxConnections: 1 });

    const results = await Promise.all(
      ['m1', 'm2', 'm3', 'm4', 'm5', 'm6'].map((id) => send(client, `${id}@example.com`)),
    );

    expect(results.map((result) => result.outcome)).toEqual([
      'sent',
      'sent',
      'retry',
      'retry',
      'sent',
      'sent',
    ]);
    expect(results[2]).toMatchObject({ code: null, stage: 'message' });
    expect(results[2]!.reply).toMatch(/closed/);
    expect(results[3]!.stage).toBe('mail');
    expect(subjectsOf(target)).toEqual([
      'm1@example.com',
      'm2@example.com',
      'm5@example.com',
      'm6@example.com',
    ]);
    expect(target.messages.map((received) => received.session)).toEqual([1, 1, 2, 2]);
  });

  it('treats a 421 as the end of the session: in-flight messages retry with it, the rest go on', async () => {
    const target = await server({
      rules: [
        {
          command: 'RCPT',
          match: 'second@',
          reply: '421 4.3.2 Service shutting down',
          disconnect: true,
          times: 1,
        },
      ],
    });
    const client = pool(target, { maxConnections: 1 });

    const [first, second, third] = await Promise.all([
      send(client, 'first@example.com'),
      send(client, 'second@example.com'),
      send(client, 'third@example.com'),
    ]);

    expect(first.outcome).toBe('sent');
    expect(second).toEqual({
      outcome: 'retry',
      code: 421,
      enhancedCode: '4.3.2',
      reply: '421 4.3.2 Service shutting down',
      stage: 'rcpt',
    });
    expect(third.outcome).toBe('sent');
    expect(target.sessions).toHaveLength(2);
  });

  it('gives up on a server that never greets', async () => {
    const target = await server({ rules: [{ command: 'CONNECT', hang: true }] });
    const client = pool(target, { greetingTimeoutMs: 150 });
    const started = Date.now();

    const result = await send(client, 'a@example.com');

    expect(result).toMatchObject({ outcome: 'retry', code: null, stage: 'greeting' });
    expect(result.reply).toMatch(/No reply to greeting within 150 ms/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('does not let a server that stops answering hold send() forever', async () => {
    const target = await server({ rules: [{ command: 'MESSAGE', hang: true }] });
    const client = pool(target, { dataTimeoutMs: 150 });

    const result = await send(client, 'a@example.com');

    expect(result).toMatchObject({ outcome: 'retry', code: null, stage: 'message' });
    expect(result.reply).toMatch(/No reply to the message within 150 ms/);
  });

  it('retries when the server cannot be reached', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const client = createSmtpPool({ host: '127.0.0.1', port, tls: 'none' });
    open.push(client);

    const results = await Promise.all([
      client.send({ from: 'a@herald.test', to: 'b@example.com' }, message('b')),
      client.send({ from: 'a@herald.test', to: 'c@example.com' }, message('c')),
    ]);

    for (const result of results) {
      expect(result).toMatchObject({ outcome: 'retry', code: null, stage: 'connect' });
      expect(result.reply).toMatch(/ECONNREFUSED/);
    }
  });
});

describe('SMTP pool: connections', () => {
  it('opens connections only as load needs them, up to maxConnections', async () => {
    const target = await server();
    const client = pool(target, { maxConnections: 3 });

    await send(client, 'alone@example.com');
    expect(target.sessions).toHaveLength(1);

    const burst = Array.from({ length: 30 }, (_, i) => send(client, `burst${i}@example.com`));
    expect((await Promise.all(burst)).every((result) => result.outcome === 'sent')).toBe(true);
    expect(target.sessions.length).toBeGreaterThan(1);
    expect(target.sessions.length).toBeLessThanOrEqual(3);
  });

  it('reconnects after maxMessagesPerConnection', async () => {
    const target = await server();
    const client = pool(target, { maxConnections: 1, maxMessagesPerConnection: 2 });

    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) => send(client, `r${i}@example.com`)),
    );

    expect(results.every((result) => result.outcome === 'sent')).toBe(true);
    expect(target.messages.map((received) => received.session)).toEqual([1, 1, 2, 2, 3]);
    expect(target.sessions[0]!.commands.at(-1)).toBe('QUIT');
  });

  it('closes a connection that stays idle', async () => {
    const target = await server();
    const client = pool(target, { idleTimeoutMs: 100 });

    await send(client, 'a@example.com');
    await target.waitFor(() => target.sessions[0]!.commands.at(-1) === 'QUIT');
  });

  it('close() abandons a session still being set up', async () => {
    const target = await server({ rules: [{ command: 'CONNECT', hang: true }] });
    const client = pool(target);

    const result = send(client, 'a@example.com');
    await target.waitFor(() => target.sessions.length === 1);
    await client.close();

    expect(await result).toMatchObject({ outcome: 'retry', stage: 'client' });
    await target.waitFor(() => target.openConnections === 0);
    expect(target.sessions).toHaveLength(1);
  });

  it('close() finishes what is on the wire, hands back the queue, and then refuses new work', async () => {
    const target = await server({ rules: [{ command: 'MESSAGE', delayMs: 200 }] });
    const client = pool(target, { maxConnections: 1 });

    const results = Array.from({ length: 6 }, (_, i) => send(client, `c${i}@example.com`));
    await target.waitFor(() => target.sessions[0]?.commands.includes('.') ?? false);
    const closing = client.close();
    expect(client.close()).toBe(closing);
    await closing;

    const settled = await Promise.all(results);
    const sent = settled.filter((result) => result.outcome === 'sent');
    expect(sent.length).toBeGreaterThanOrEqual(1);
    expect(sent.length).toBe(target.messages.length);
    for (const result of settled.filter((r) => r.outcome !== 'sent')) {
      expect(result).toMatchObject({ outcome: 'retry', stage: 'client' });
      expect(result.reply).toMatch(/closed before/);
    }
    expect(target.sessions[0]!.commands.at(-1)).toBe('QUIT');
    await expect(send(client, 'late@example.com')).rejects.toThrow(/closed/);
    await expect(client.verify()).rejects.toThrow(/closed/);
  });
});
