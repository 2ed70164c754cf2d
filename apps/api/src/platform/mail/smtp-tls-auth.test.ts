import { afterEach, describe, expect, it } from 'vitest';
import {
  startSmtpTestServer,
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

function pool(target: SmtpTestServer, options: Partial<SmtpPoolOptions>): SmtpPool {
  const created = createSmtpPool({
    host: target.host,
    port: target.port,
    tls: 'none',
    tlsOptions: { ca: target.certificate },
    ...options,
  });
  open.push(created);
  return created;
}

const send = (client: SmtpPool, to = 'someone@example.com') =>
  client.send(
    { from: 'sender@herald.test', to },
    Buffer.from(`Subject: secure\r\n\r\nHello ${to}\r\n`),
  );

const users = [
  { username: 'herald', password: 's3cret' },
  { username: 'oauth@herald.test', accessToken: 'ya29.valid-token' },
];

describe('SMTP pool: TLS', () => {
  it('upgrades with STARTTLS and asks EHLO again', async () => {
    const target = await server({ tls: 'starttls' });
    const client = pool(target, { tls: 'starttls' });

    expect((await send(client)).outcome).toBe('sent');
    expect(target.messages[0]!.isSecure).toBe(true);
    const commands = target.sessions[0]!.commands;
    expect(commands.slice(0, 3).map((line) => line.split(' ')[0])).toEqual([
      'EHLO',
      'STARTTLS',
      'EHLO',
    ]);
  });

  it('fails verify at the starttls step and retries messages when STARTTLS is required but missing', async () => {
    const target = await server();
    const client = pool(target, { tls: 'starttls' });

    const report = await client.verify();
    const result = await send(client);

    expect(report.ok).toBe(false);
    expect(report.steps.map((step) => [step.step, step.ok])).toEqual([
      ['connect', true],
      ['greeting', true],
      ['ehlo', true],
      ['starttls', false],
    ]);
    expect(report.steps.at(-1)!.detail).toMatch(/does not offer it/);
    expect(result).toMatchObject({ outcome: 'retry', code: null, stage: 'starttls' });
    expect(result.reply).toMatch(/STARTTLS is required/);
    expect(target.messages).toHaveLength(0);
  });

  it('uses STARTTLS opportunistically: upgrades when offered, stays in clear text when not', async () => {
    const offering = await server({ tls: 'starttls' });
    const plain = await server();

    expect((await send(pool(offering, { tls: 'starttls-opportunistic' }))).outcome).toBe('sent');
    expect((await send(pool(plain, { tls: 'starttls-opportunistic' }))).outcome).toBe('sent');

    expect(offering.messages[0]!.isSecure).toBe(true);
    expect(plain.messages[0]!.isSecure).toBe(false);
  });

  it('speaks implicit TLS', async () => {
    const target = await server({ tls: 'implicit' });
    const client = pool(target, { tls: 'implicit' });

    const report = await client.verify();
    expect(report.steps[0]!.detail).toMatch(/TLSv1\.3/);
    expect((await send(client)).outcome).toBe('sent');
    expect(target.messages[0]!.isSecure).toBe(true);
  });

  it('refuses replies injected in clear text after STARTTLS', async () => {
    const target = await server({
      tls: 'starttls',
      rules: [{ command: 'STARTTLS', reply: '220 2.0.0 Ready\n250 2.0.0 injected' }],
    });
    const client = pool(target, { tls: 'starttls' });

    const result = await send(client);

    expect(result).toMatchObject({ outcome: 'retry', code: null, stage: 'starttls' });
    expect(result.reply).toMatch(/sent data after its STARTTLS reply/);
    expect(target.messages).toHaveLength(0);
  });

  it('refuses a certificate it cannot verify', async () => {
    const target = await server({ tls: 'starttls' });
    const client = createSmtpPool({ host: target.host, port: target.port, tls: 'starttls' });
    open.push(client);

    const result = await send(client);

    expect(result).toMatchObject({ outcome: 'retry', code: null, stage: 'starttls' });
    expect(result.reply).toMatch(/self-signed certificate/);
    expect(target.messages).toHaveLength(0);
  });
});

describe('SMTP pool: AUTH', () => {
  it.each([
    ['plain', { method: 'plain', username: 'herald', password: 's3cret' }],
    ['login', { method: 'login', username: 'herald', password: 's3cret' }],
    [
      'xoauth2',
      { method: 'xoauth2', username: 'oauth@herald.test', accessToken: 'ya29.valid-token' },
    ],
  ] as const)('authenticates with %s', async (_name, auth) => {
    const target = await server({ authMechanisms: ['PLAIN', 'LOGIN', 'XOAUTH2'], users });
    const client = pool(target, { auth });

    expect((await send(client)).outcome).toBe('sent');
    expect(target.messages[0]!.user).toBe(auth.username);
  });

  it.each([
    ['plain', { method: 'plain', username: 'herald', password: 'wrong' }],
    ['login', { method: 'login', username: 'herald', password: 'wrong' }],
  ] as const)(
    'hands a rejected %s login back as retry with the server reply',
    async (_name, auth) => {
      const target = await server({ authMechanisms: ['PLAIN', 'LOGIN'], users });
      const client = pool(target, { auth });

      const results = await Promise.all([
        send(client, 'a@example.com'),
        send(client, 'b@example.com'),
      ]);

      for (const result of results) {
        expect(result).toEqual({
          outcome: 'retry',
          code: 535,
          enhancedCode: '5.7.8',
          reply: '535 5.7.8 Authentication credentials invalid',
          stage: 'auth',
        });
      }
      expect(target.messages).toHaveLength(0);
      // One failed login answers the whole queue; the pool does not hammer the server.
      expect(target.sessions).toHaveLength(1);
    },
  );

  it('reads the XOAUTH2 error challenge and answers it with an empty line', async () => {
    const target = await server({ authMechanisms: ['XOAUTH2'], users });
    const client = pool(target, {
      auth: { method: 'xoauth2', username: 'oauth@herald.test', accessToken: 'expired' },
    });

    const result = await send(client);

    expect(result).toMatchObject({
      outcome: 'retry',
      code: 535,
      enhancedCode: '5.7.8',
      stage: 'auth',
    });
    expect(result.reply).toMatch(/^535 5\.7\.8 .*"status":"401"/);
    const commands = target.sessions[0]!.commands;
    expect(commands[commands.findIndex((line) => line.startsWith('AUTH XOAUTH2')) + 1]).toBe('');
  });

  it('needs the secret its method uses', async () => {
    const target = await server({ authMechanisms: ['PLAIN'], users });
    const client = pool(target, { auth: { method: 'plain', username: 'herald' } });

    const result = await send(client);

    expect(result).toMatchObject({ outcome: 'retry', code: null, stage: 'auth' });
    expect(result.reply).toMatch(/needs a password/);
  });
});

describe('SMTP pool: verify()', () => {
  it('reports every step of a full session and the capabilities', async () => {
    const target = await server({ tls: 'starttls', authMechanisms: ['PLAIN', 'LOGIN'], users });
    const client = pool(target, {
      tls: 'starttls',
      auth: { method: 'login', username: 'herald', password: 's3cret' },
    });

    const report = await client.verify();

    expect(report.ok).toBe(true);
    expect(report.steps.map((step) => step.step)).toEqual([
      'connect',
      'greeting',
      'ehlo',
      'starttls',
      'auth',
    ]);
    expect(report.steps.every((step) => step.ok && step.ms >= 0)).toBe(true);
    expect(report.steps[1]!.detail).toBe('220 localhost ESMTP test server');
    expect(report.steps[3]!.detail).toMatch(/^TLSv1\.[23] /);
    expect(report.steps[4]!.detail).toBe('235 2.7.0 Authentication successful');
    expect(report.capabilities).toEqual(
      expect.arrayContaining(['PIPELINING', '8BITMIME', 'AUTH PLAIN LOGIN']),
    );
    expect(report.capabilities).not.toContain('STARTTLS');
    await target.waitFor(() => target.sessions[0]!.commands.at(-1) === 'QUIT');
    expect(target.sessions[0]!.user).toBe('herald');
  });

  it('stops at the failing step', async () => {
    const target = await server({ authMechanisms: ['PLAIN'], users });
    const client = pool(target, {
      auth: { method: 'plain', username: 'herald', password: 'nope' },
    });

    const report = await client.verify();

    expect(report.ok).toBe(false);
    expect(report.steps.map((step) => [step.step, step.ok])).toEqual([
      ['connect', true],
      ['greeting', true],
      ['ehlo', true],
      ['auth', false],
    ]);
    expect(report.steps[3]!.detail).toMatch(/535 5\.7\.8/);
  });

  it('reports a refused greeting', async () => {
    const target = await server({
      rules: [
        { command: 'CONNECT', reply: '554 5.3.2 Not accepting connections', disconnect: true },
      ],
    });
    const client = pool(target, {});

    const report = await client.verify();

    expect(report).toMatchObject({ ok: false, capabilities: [] });
    expect(report.steps.at(-1)).toMatchObject({ step: 'greeting', ok: false });
    expect(report.steps.at(-1)!.detail).toMatch(/554 5\.3\.2/);
  });
});
