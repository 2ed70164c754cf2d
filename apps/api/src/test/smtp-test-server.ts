import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';

/**
 * A scripted SMTP server for tests: it records what it receives and can be told, per command or
 * per recipient, to answer 4xx/5xx, wait, hang, or drop the connection. Replies are written one
 * by one, in order, like a real server; the reader sees exactly what the client put on the wire,
 * so a test can assert pipelining and lock-step behaviour as well as content.
 */

export type SmtpTestCommand =
  | 'CONNECT'
  | 'EHLO'
  | 'HELO'
  | 'STARTTLS'
  | 'AUTH'
  | 'MAIL'
  | 'RCPT'
  | 'DATA'
  /** The end of a message's data (the final '.'). */
  | 'MESSAGE'
  | 'RSET'
  | 'NOOP'
  | 'QUIT';

export interface SmtpTestRule {
  command: SmtpTestCommand;
  /**
   * Only when this text is in the command's argument (MAIL, RCPT), or for DATA and MESSAGE in
   * one of the transaction's recipients. (Default: every time)
   */
  match?: string;
  /** Answer this instead of the normal reply; '\n' separates the lines of a multi-line reply. */
  reply?: string;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Close the connection right after the reply (what a server does after a 421). */
  disconnect?: boolean;
  /** Close the connection without answering. */
  drop?: boolean;
  /** Never answer; the client has to time out. */
  hang?: boolean;
  /** Applies this many times, then is spent. (Default: every time) */
  times?: number;
}

export interface SmtpTestUser {
  username: string;
  password?: string;
  accessToken?: string;
}

export interface SmtpTestServerOptions {
  /** `starttls` offers STARTTLS; `implicit` speaks TLS from the first byte. (Default: 'none') */
  tls?: 'none' | 'starttls' | 'implicit';
  /** (Default: true) */
  pipelining?: boolean;
  /** (Default: true) */
  eightBitMime?: boolean;
  /** (Default: false) */
  smtpUtf8?: boolean;
  /** Answer EHLO with 502 so the client must fall back to HELO. (Default: false) */
  refuseEhlo?: boolean;
  /** Offered AUTH mechanisms. (Default: none) */
  authMechanisms?: ('PLAIN' | 'LOGIN' | 'XOAUTH2')[];
  /** Accounts AUTH accepts. */
  users?: SmtpTestUser[];
  /** Announce a SIZE limit. */
  size?: number;
  rules?: SmtpTestRule[];
}

export interface ReceivedMessage {
  from: string;
  /** MAIL parameters such as BODY=8BITMIME. */
  params: string[];
  to: string[];
  /** The message as received, dot-unstuffed, without the terminating '.' line. */
  data: Buffer;
  session: number;
  isSecure: boolean;
  user: string | null;
}

export interface SmtpTestSession {
  id: number;
  /** Every command line in order, AUTH exchanges included; '.' marks the end of each message. */
  commands: string[];
  isSecure: boolean;
  user: string | null;
  /** Commands that already had more input queued behind them when read (the client pipelined). */
  pipelinedCommands: number;
}

export interface SmtpTestServer {
  readonly host: string;
  readonly port: number;
  /** PEM of the server's self-signed certificate: pass it as `tlsOptions.ca`. */
  readonly certificate: string;
  readonly messages: ReceivedMessage[];
  readonly sessions: SmtpTestSession[];
  /** RFC breaches seen (commands before a reply without PIPELINING, data before the 354). */
  readonly violations: string[];
  /** Client connections currently open. */
  readonly openConnections: number;
  addRule(rule: SmtpTestRule): void;
  /** Resolves once `predicate` holds, re-checked after every command and connection event. */
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

let certificate: { key: string; cert: string } | undefined;

/** A self-signed certificate for localhost and 127.0.0.1, made once per process. */
export function testCertificate(): { key: string; cert: string } {
  if (certificate) return certificate;
  const dir = mkdtempSync(join(tmpdir(), 'herald-smtp-cert-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '2',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    certificate = {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    };
    return certificate;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const CRLF_DOT_CRLF = Buffer.from('\r\n.\r\n');

/** Reads lines and DATA blocks from a socket that may be swapped for a TLS one mid-session. */
class SessionReader {
  private buffer: Buffer = Buffer.alloc(0);
  private wake: (() => void) | undefined;
  isClosed = false;

  attach(socket: net.Socket): void {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
      this.notify();
    });
    socket.on('close', () => {
      this.isClosed = true;
      this.notify();
    });
  }

  /** Bytes received beyond what has been read. */
  get buffered(): number {
    return this.buffer.length;
  }

  discard(): void {
    this.buffer = Buffer.alloc(0);
  }

  async line(): Promise<string | null> {
    for (;;) {
      const end = this.buffer.indexOf('\n');
      if (end !== -1) {
        const line = this.buffer.subarray(0, end).toString('utf8').replace(/\r$/, '');
        this.buffer = this.buffer.subarray(end + 1);
        return line;
      }
      if (this.isClosed) return null;
      await this.next();
    }
  }

  async data(): Promise<Buffer | null> {
    for (;;) {
      if (this.buffer.subarray(0, 3).toString('latin1') === '.\r\n') {
        this.buffer = this.buffer.subarray(3);
        return Buffer.alloc(0);
      }
      const end = this.buffer.indexOf(CRLF_DOT_CRLF);
      if (end !== -1) {
        const raw = this.buffer.subarray(0, end + 2);
        this.buffer = this.buffer.subarray(end + 5);
        const text = raw
          .toString('latin1')
          .replace(/^\./, '')
          .replace(/\r\n\./g, '\r\n');
        return Buffer.from(text, 'latin1');
      }
      if (this.isClosed) return null;
      await this.next();
    }
  }

  private next(): Promise<void> {
    return new Promise((resolve) => (this.wake = resolve));
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

const fromBase64 = (text: string) => Buffer.from(text, 'base64').toString('utf8');

export async function startSmtpTestServer(
  options: SmtpTestServerOptions = {},
): Promise<SmtpTestServer> {
  const mode = options.tls ?? 'none';
  const { key, cert } = testCertificate();
  const secureContext = tls.createSecureContext({ key, cert });
  const rules = [...(options.rules ?? [])];
  const messages: ReceivedMessage[] = [];
  const sessions: SmtpTestSession[] = [];
  const violations: string[] = [];
  /** Every socket to destroy on close(), TLS wrappers included. */
  const sockets = new Set<net.Socket>();
  const accepted = new Set<net.Socket>();
  const watchers = new Set<() => void>();
  const changed = () => {
    for (const check of [...watchers]) check();
  };

  const ruleFor = (command: SmtpTestCommand, subjects: string[]) => {
    const rule = rules.find(
      (r) =>
        r.command === command &&
        (r.times === undefined || r.times > 0) &&
        (r.match === undefined || subjects.some((subject) => subject.includes(r.match!))),
    );
    if (rule?.times !== undefined) rule.times--;
    return rule;
  };

  async function session(socket: net.Socket) {
    const reader = new SessionReader();
    reader.attach(socket);
    let current = socket;
    const log: SmtpTestSession = {
      id: sessions.length + 1,
      commands: [],
      isSecure: mode === 'implicit',
      user: null,
      pipelinedCommands: 0,
    };
    sessions.push(log);
    changed();
    const isPipelining = options.pipelining ?? true;
    let envelope: { from: string; params: string[]; to: string[] } | null = null;

    const write = (reply: string) => {
      if (!current.destroyed) current.write(`${reply.split('\n').join('\r\n')}\r\n`);
    };
    /** Sends the reply a rule dictates, else `normal`; null when the session ended instead. */
    const answer = async (
      command: SmtpTestCommand,
      subjects: string[],
      normal: string,
    ): Promise<string | null> => {
      const rule = ruleFor(command, subjects);
      if (rule?.delayMs) await new Promise((resolve) => setTimeout(resolve, rule.delayMs));
      if (rule?.drop) {
        current.destroy();
        return null;
      }
      if (rule?.hang) return null;
      const reply = rule?.reply ?? normal;
      write(reply);
      if (rule?.disconnect) {
        current.end();
        return null;
      }
      return reply;
    };

    const capabilities = () => {
      const lines = ['localhost greets you'];
      if (isPipelining) lines.push('PIPELINING');
      if (options.eightBitMime ?? true) lines.push('8BITMIME');
      if (options.smtpUtf8) lines.push('SMTPUTF8');
      if (options.size) lines.push(`SIZE ${options.size}`);
      lines.push('ENHANCEDSTATUSCODES');
      if (mode === 'starttls' && !log.isSecure) lines.push('STARTTLS');
      if (options.authMechanisms?.length) lines.push(`AUTH ${options.authMechanisms.join(' ')}`);
      return lines.map((line, i) => `250${i === lines.length - 1 ? ' ' : '-'}${line}`).join('\n');
    };

    const isUser = (username: string, secret: string, field: 'password' | 'accessToken') =>
      options.users?.some((user) => user.username === username && user[field] === secret) ?? false;

    /** One SASL exchange; returns the final reply, or null when the session ended. */
    const authenticate = async (args: string): Promise<string | null> => {
      const [mechanism = '', initial = ''] = args.split(' ');
      let username: string;
      let isValid: boolean;
      switch (mechanism.toUpperCase()) {
        case 'PLAIN': {
          const [, user = '', password = ''] = fromBase64(initial).split('\0');
          username = user;
          isValid = isUser(user, password, 'password');
          break;
        }
        case 'LOGIN': {
          write('334 VXNlcm5hbWU6');
          const user = await reader.line();
          write('334 UGFzc3dvcmQ6');
          const password = await reader.line();
          if (user === null || password === null) return null;
          username = fromBase64(user);
          isValid = isUser(username, fromBase64(password), 'password');
          break;
        }
        case 'XOAUTH2': {
          const fields = new Map(
            fromBase64(initial)
              .split('\x01')
              .filter(Boolean)
              .map((field) => {
                const eq = field.indexOf('=');
                return [field.slice(0, eq), field.slice(eq + 1)] as const;
              }),
          );
          username = fields.get('user') ?? '';
          const token = (fields.get('auth') ?? '').replace(/^Bearer /, '');
          isValid = isUser(username, token, 'accessToken');
          if (!isValid) {
            // Google's behaviour: a base64 JSON challenge, then the 535 after an empty line.
            const error = { status: '401', schemes: 'bearer', scope: 'https://mail.google.com/' };
            write(`334 ${Buffer.from(JSON.stringify(error)).toString('base64')}`);
            const ack = await reader.line();
            if (ack === null) return null;
            log.commands.push(ack);
          }
          break;
        }
        default:
          write('504 5.5.4 Unrecognized authentication type');
          return '504';
      }
      if (!isValid)
        return answer('AUTH', [username], '535 5.7.8 Authentication credentials invalid');
      const reply = await answer('AUTH', [username], '235 2.7.0 Authentication successful');
      if (reply?.startsWith('2')) log.user = username;
      return reply;
    };

    const startTls = async () => {
      reader.discard();
      socket.removeAllListeners('data');
      const secure = new tls.TLSSocket(socket, { isServer: true, secureContext });
      secure.on('error', () => undefined);
      sockets.add(secure);
      secure.on('close', () => sockets.delete(secure));
      reader.attach(secure);
      current = secure;
      await new Promise<void>((resolve) => {
        secure.once('secure', resolve);
        secure.once('close', resolve);
      });
      log.isSecure = true;
    };

    if ((await answer('CONNECT', [], '220 localhost ESMTP test server')) === null) return;
    for (;;) {
      const line = await reader.line();
      if (line === null) return;
      log.commands.push(line);
      const isFollowed = reader.buffered > 0;
      if (isFollowed) log.pipelinedCommands++;
      changed();
      const space = line.indexOf(' ');
      const verb = (space === -1 ? line : line.slice(0, space)).toUpperCase();
      const args = space === -1 ? '' : line.slice(space + 1);
      if (isFollowed && !isPipelining) {
        violations.push(`${verb} was followed by more input before its reply without PIPELINING`);
      }
      if (isFollowed && verb === 'DATA') violations.push('input after DATA before the 354 reply');
      let reply: string | null = '';
      switch (verb) {
        case 'EHLO':
          reply = await answer(
            'EHLO',
            [args],
            options.refuseEhlo ? '502 5.5.2 EHLO not implemented' : capabilities(),
          );
          break;
        case 'HELO':
          reply = await answer('HELO', [args], '250 localhost');
          break;
        case 'STARTTLS':
          if (mode !== 'starttls' || log.isSecure) {
            write('502 5.5.1 STARTTLS not available');
            break;
          }
          reply = await answer('STARTTLS', [], '220 2.0.0 Ready to start TLS');
          if (reply?.startsWith('220')) await startTls();
          break;
        case 'AUTH':
          reply = await authenticate(args);
          break;
        case 'MAIL': {
          const match = /^FROM:<([^>]*)>(.*)$/i.exec(args);
          if (envelope || !match) {
            write(envelope ? '503 5.5.1 Error: nested MAIL command' : '501 5.5.4 Syntax error');
            break;
          }
          reply = await answer('MAIL', [args], '250 2.1.0 Ok');
          if (reply?.startsWith('2')) {
            const params = match[2]!.trim().split(/\s+/).filter(Boolean);
            envelope = { from: match[1]!, params, to: [] };
          }
          break;
        }
        case 'RCPT': {
          const match = /^TO:<([^>]*)>/i.exec(args);
          if (!envelope || !match) {
            write(envelope ? '501 5.5.4 Syntax error' : '503 5.5.1 Error: need MAIL command');
            break;
          }
          reply = await answer('RCPT', [args], '250 2.1.5 Ok');
          if (reply?.startsWith('2')) envelope.to.push(match[1]!);
          break;
        }
        case 'DATA': {
          if (!envelope || envelope.to.length === 0) {
            write(
              envelope
                ? '554 5.5.1 Error: no valid recipients'
                : '503 5.5.1 Error: need RCPT command',
            );
            break;
          }
          const recipients = envelope.to;
          reply = await answer('DATA', recipients, '354 End data with <CR><LF>.<CR><LF>');
          if (!reply?.startsWith('354')) break;
          const data = await reader.data();
          if (data === null) return;
          log.commands.push('.');
          const transaction = envelope;
          envelope = null;
          reply = await answer('MESSAGE', recipients, '250 2.0.0 Ok: queued');
          if (reply?.startsWith('2')) {
            messages.push({
              ...transaction,
              data,
              session: log.id,
              isSecure: log.isSecure,
              user: log.user,
            });
            changed();
          }
          break;
        }
        case 'RSET':
          envelope = null;
          reply = await answer('RSET', [], '250 2.0.0 Ok');
          break;
        case 'NOOP':
          reply = await answer('NOOP', [], '250 2.0.0 Ok');
          break;
        case 'QUIT':
          write('221 2.0.0 Bye');
          current.end();
          return;
        default:
          write('502 5.5.2 Error: command not recognized');
      }
      if (reply === null) return;
    }
  }

  const onConnection = (socket: net.Socket) => {
    sockets.add(socket);
    accepted.add(socket);
    // Replies go out one write each; Nagle would hold them behind the client's delayed ACK.
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      sockets.delete(socket);
      accepted.delete(socket);
      changed();
    });
    session(socket).catch(() => socket.destroy());
  };
  const server =
    mode === 'implicit'
      ? tls.createServer({ key, cert }, onConnection)
      : net.createServer(onConnection);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;

  return {
    host: '127.0.0.1',
    port,
    certificate: cert,
    messages,
    sessions,
    violations,
    get openConnections() {
      return accepted.size;
    },
    addRule(rule) {
      rules.push(rule);
    },
    waitFor(predicate, timeoutMs = 4_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!predicate()) return;
          watchers.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          watchers.delete(check);
          reject(
            new Error(`The SMTP test server did not reach the expected state in ${timeoutMs} ms`),
          );
        }, timeoutMs);
        watchers.add(check);
        check();
      });
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
