import { once } from 'node:events';
import net from 'node:net';
import tls from 'node:tls';
import { authenticate } from './smtp-auth.js';
import type { SmtpAuth, TlsMode, VerifyStep } from './smtp-client.js';
import { ReplyParser, SmtpSessionError, type SmtpReply, type SmtpStage } from './smtp-reply.js';

/** Pool options with every default applied. */
export interface ConnectionSettings {
  host: string;
  port: number;
  tls: TlsMode;
  auth: SmtpAuth | undefined;
  clientName: string;
  tlsOptions: tls.ConnectionOptions;
  maxMessagesPerConnection: number;
  pipelineDepth: number;
  connectTimeoutMs: number;
  greetingTimeoutMs: number;
  commandTimeoutMs: number;
  dataTimeoutMs: number;
  idleTimeoutMs: number;
}

/** A session ready for mail transactions. Its socket is paused until the caller takes it over. */
export interface Session {
  socket: net.Socket;
  /** EHLO keywords (upper case) → their parameters; empty after HELO. */
  capabilities: Map<string, string>;
  /** The EHLO lines as the server sent them. */
  capabilityLines: string[];
}

/**
 * Reads the setup replies one at a time, each with its own deadline. Setup is a handful of
 * lock-step commands per connection, so clarity wins over the transaction path's machinery.
 */
class SetupReader {
  private readonly parser = new ReplyParser();
  private readonly replies: SmtpReply[] = [];
  private waiter:
    | { stage: SmtpStage; resolve: (reply: SmtpReply) => void; reject: (error: Error) => void }
    | undefined;
  private failure: SmtpSessionError | undefined;
  private socketError: Error | undefined;

  constructor(private socket: net.Socket) {
    this.attach(socket);
  }

  /** Bytes or replies received that nobody has asked for yet. */
  get hasBufferedInput(): boolean {
    return this.replies.length > 0 || this.parser.hasBufferedInput;
  }

  next(stage: SmtpStage, timeoutMs: number): Promise<SmtpReply> {
    const reply = this.replies.shift();
    if (reply) return Promise.resolve(reply);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<SmtpReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new SmtpSessionError(stage, `No reply to ${stage} within ${timeoutMs} ms`));
        this.socket.destroy();
      }, timeoutMs);
      this.waiter = {
        stage,
        resolve: (received) => {
          clearTimeout(timer);
          resolve(received);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
    });
  }

  send(line: string, stage: SmtpStage, timeoutMs: number): Promise<SmtpReply> {
    this.socket.write(`${line}\r\n`);
    return this.next(stage, timeoutMs);
  }

  /** Moves to the TLS socket that now wraps the old one. */
  replaceSocket(socket: net.Socket): void {
    this.detach();
    this.socket = socket;
    this.attach(socket);
  }

  detach(): void {
    this.socket.off('data', this.onData);
    this.socket.off('close', this.onClose);
  }

  private attach(socket: net.Socket): void {
    socket.on('data', this.onData);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
  }

  private readonly onData = (chunk: Buffer) => {
    try {
      this.parser.push(chunk, (reply) => {
        const waiter = this.waiter;
        this.waiter = undefined;
        if (waiter) waiter.resolve(reply);
        else this.replies.push(reply);
      });
    } catch (error) {
      this.end(new SmtpSessionError(this.waiter?.stage ?? 'greeting', (error as Error).message));
      this.socket.destroy();
    }
  };

  private readonly onError = (error: Error) => {
    this.socketError = error;
  };

  private readonly onClose = () => {
    const stage = this.waiter?.stage ?? 'connect';
    const reason = this.socketError
      ? `Connection error: ${this.socketError.message}`
      : 'The server closed the connection';
    this.end(new SmtpSessionError(stage, reason));
  };

  private end(error: SmtpSessionError): void {
    this.failure ??= error;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.reject(this.failure);
  }
}

export function describeTls(socket: tls.TLSSocket): string {
  return `${socket.getProtocol() ?? 'TLS'} ${socket.getCipher()?.name ?? ''}`.trim();
}

function connect(s: ConnectionSettings, signal: AbortSignal | undefined): Promise<net.Socket> {
  const isImplicit = s.tls === 'implicit';
  return new Promise((resolve, reject) => {
    const socket = isImplicit
      ? tls.connect({ host: s.host, port: s.port, ...s.tlsOptions })
      : net.connect({ host: s.host, port: s.port });
    const fail = (message: string) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', abort);
      socket.destroy();
      reject(new SmtpSessionError('connect', message));
    };
    const abort = () => fail('The pool closed while connecting');
    const timer = setTimeout(
      () => fail(`Connecting to ${s.host}:${s.port} timed out after ${s.connectTimeoutMs} ms`),
      s.connectTimeoutMs,
    );
    signal?.addEventListener('abort', abort, { once: true });
    socket.once('error', (error) => fail(error.message));
    socket.once(isImplicit ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', abort);
      socket.removeAllListeners('error');
      socket.setNoDelay(true);
      resolve(socket);
    });
  });
}

function parseEhlo(reply: SmtpReply) {
  const lines = reply.text.split('\n').map((line) => line.slice(4).trim());
  const capabilityLines = lines.slice(1).filter((line) => line !== '');
  const capabilities = new Map(
    capabilityLines.map((line): [string, string] => {
      const space = line.indexOf(' ');
      return space === -1
        ? [line.toUpperCase(), '']
        : [line.slice(0, space).toUpperCase(), line.slice(space + 1)];
    }),
  );
  return { greeting: lines[0] ?? reply.text, capabilities, capabilityLines };
}

/**
 * Connects and sets a session up: greeting, EHLO (HELO when EHLO is refused), STARTTLS as the
 * mode asks, AUTH. Each step is reported (steps that do not apply are not); the first failing
 * one throws an SmtpSessionError naming it, after a polite QUIT when the server is still there.
 */
export async function openSession(
  s: ConnectionSettings,
  observe: {
    /** Each step as it ends. */
    report?: (step: VerifyStep) => void;
    /** The EHLO lines, each time EHLO is answered. */
    capabilities?: (lines: string[]) => void;
    /** Aborting ends the setup (the pool is closing). */
    signal?: AbortSignal;
  } = {},
): Promise<Session> {
  const { report, signal } = observe;
  let socket: net.Socket | undefined;
  let reader: SetupReader | undefined;
  let capabilities = new Map<string, string>();
  let capabilityLines: string[] = [];

  let current: VerifyStep['step'] = 'connect';
  const step = async (name: VerifyStep['step'], run: () => Promise<string>) => {
    current = name;
    const startedAt = performance.now();
    const ms = () => Math.round((performance.now() - startedAt) * 10) / 10;
    try {
      const detail = await run();
      report?.({ step: name, ok: true, detail, ms: ms() });
    } catch (error) {
      const failure =
        error instanceof SmtpSessionError
          ? error
          : new SmtpSessionError(name, error instanceof Error ? error.message : String(error));
      report?.({ step: name, ok: false, detail: failure.message, ms: ms() });
      throw failure;
    }
  };

  const hello = async (r: SetupReader) => {
    const ehlo = await r.send(`EHLO ${s.clientName}`, 'ehlo', s.commandTimeoutMs);
    if (ehlo.code === 250) {
      const parsed = parseEhlo(ehlo);
      capabilities = parsed.capabilities;
      capabilityLines = parsed.capabilityLines;
      observe.capabilities?.(capabilityLines);
      return parsed.greeting;
    }
    if (ehlo.code < 500) {
      throw new SmtpSessionError('ehlo', `The server refused EHLO: ${ehlo.text}`, ehlo);
    }
    const helo = await r.send(`HELO ${s.clientName}`, 'ehlo', s.commandTimeoutMs);
    if (helo.code !== 250) {
      throw new SmtpSessionError('ehlo', `The server refused HELO: ${helo.text}`, helo);
    }
    capabilities = new Map();
    capabilityLines = [];
    return `EHLO refused (${ehlo.text}); HELO accepted: ${helo.text}`;
  };

  const startTls = async (r: SetupReader, plain: net.Socket) => {
    if (!capabilities.has('STARTTLS')) {
      throw new SmtpSessionError(
        'starttls',
        'STARTTLS is required but the server does not offer it',
      );
    }
    const reply = await r.send('STARTTLS', 'starttls', s.commandTimeoutMs);
    if (reply.code !== 220) {
      throw new SmtpSessionError('starttls', `The server refused STARTTLS: ${reply.text}`, reply);
    }
    // Bytes already here were sent in clear text and could be an injected reply (CVE-2011-0411).
    if (r.hasBufferedInput) {
      throw new SmtpSessionError('starttls', 'The server sent data after its STARTTLS reply');
    }
    // `host` is what the certificate is checked against when no servername is set (an IP).
    const secure = tls.connect({ ...s.tlsOptions, host: s.host, socket: plain });
    r.replaceSocket(secure);
    socket = secure;
    const timer = setTimeout(() => {
      secure.destroy(new Error(`no TLS handshake within ${s.commandTimeoutMs} ms`));
    }, s.commandTimeoutMs);
    try {
      await once(secure, 'secureConnect');
    } catch (error) {
      throw new SmtpSessionError('starttls', `TLS handshake failed: ${(error as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
    // RFC 3207 §4.2: forget what was learnt in clear text and ask again.
    const ehlo = await hello(r);
    return `${describeTls(secure)}; ${ehlo}`;
  };

  try {
    await step('connect', async () => {
      socket = await connect(s, signal);
      reader = new SetupReader(socket);
      const suffix = s.tls === 'implicit' ? `, ${describeTls(socket as tls.TLSSocket)}` : '';
      return `${socket.remoteAddress ?? s.host}:${s.port}${suffix}`;
    });
    const r = reader!;
    const abort = () => socket?.destroy(new Error('The pool closed during session setup'));
    signal?.addEventListener('abort', abort, { once: true });
    if (signal?.aborted) abort();
    try {
      await step('greeting', async () => {
        const greeting = await r.next('greeting', s.greetingTimeoutMs);
        if (greeting.code !== 220) {
          throw new SmtpSessionError(
            'greeting',
            `The server refused the session: ${greeting.text}`,
            greeting,
          );
        }
        return greeting.text;
      });
      await step('ehlo', () => hello(r));
      if (
        s.tls === 'starttls' ||
        (s.tls === 'starttls-opportunistic' && capabilities.has('STARTTLS'))
      ) {
        await step('starttls', () => startTls(r, socket!));
      }
      const auth = s.auth;
      if (auth) {
        await step('auth', async () => {
          const send = (line: string) => r.send(line, 'auth', s.commandTimeoutMs);
          return (await authenticate(auth, send)).text;
        });
      }
    } finally {
      signal?.removeEventListener('abort', abort);
    }
    if (r.hasBufferedInput) {
      throw new SmtpSessionError(current, 'The server sent a reply nobody asked for');
    }
    // Paused across the hand-over so that no byte arrives while nobody listens.
    socket!.pause();
    r.detach();
    return { socket: socket!, capabilities, capabilityLines };
  } catch (error) {
    if (socket) await hangUp(socket, error instanceof SmtpSessionError && error.reply !== null);
    throw error;
  }
}

/** QUITs a session that carried nothing (verify()). */
export function closeSession(session: Session): Promise<void> {
  session.socket.resume();
  return hangUp(session.socket, true);
}

/** Ends a failed setup: a QUIT when the server is still talking, then the socket is gone. */
async function hangUp(socket: net.Socket, isPolite: boolean): Promise<void> {
  if (socket.destroyed) return;
  const closed = once(socket, 'close').catch(() => undefined);
  if (isPolite) {
    socket.end('QUIT\r\n');
    const timer = setTimeout(() => socket.destroy(), 1_000);
    await closed;
    clearTimeout(timer);
  } else {
    socket.destroy();
    await closed;
  }
}
