import { hostname } from 'node:os';
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { SmtpConnection, settle, type ConnectionHost, type Job } from './smtp-connection.js';
import { envelopeAddressProblem } from './smtp-message.js';
import { SmtpSessionError, retryResultOf, type SmtpOutcome, type SmtpStage } from './smtp-reply.js';
import { closeSession, openSession, type ConnectionSettings } from './smtp-session.js';

/**
 * The bulk SMTP transport: a pool of pipelining sessions to one relay. Every message comes back
 * classified (sent / retry / failed) with the server's reply; nothing but close() makes send()
 * reject. The pool is here; session setup (connect, EHLO, STARTTLS, AUTH) is in
 * `smtp-session.ts`, the pipelined transactions in `smtp-connection.ts`, reply parsing and
 * classification in `smtp-reply.ts`, DATA encoding in `smtp-message.ts`, SASL in `smtp-auth.ts`.
 *
 * Failure handling, in short: a 4xx/5xx to MAIL, RCPT, DATA or the message is that message's
 * result (RSET follows, the session carries on). A session that cannot be set up — refused
 * connect, greeting, STARTTLS, or AUTH — answers the queued messages `retry` with its reason
 * (a 535 included: bad credentials are the sender's problem, not the recipient's). A session
 * that dies (421, dropped connection, timeout) answers the messages it had on the wire `retry`;
 * the queue moves to the other sessions or a new one.
 */

export { classifyReply, type SmtpOutcome, type SmtpStage } from './smtp-reply.js';

/**
 * `implicit`: TLS from the first byte (port 465). `starttls`: upgrade with STARTTLS or fail.
 * `starttls-opportunistic`: upgrade when the server offers it, else stay in clear text.
 */
export type TlsMode = 'implicit' | 'starttls' | 'starttls-opportunistic' | 'none';

export interface SmtpAuth {
  method: 'plain' | 'login' | 'xoauth2';
  username: string;
  /** For `plain` and `login`. */
  password?: string;
  /** For `xoauth2`: an OAuth 2.0 bearer token. */
  accessToken?: string;
}

export interface SmtpPoolOptions {
  host: string;
  port: number;
  tls: TlsMode;
  /** Authenticate every session with this. (Default: no AUTH) */
  auth?: SmtpAuth;
  /** EHLO name. (Default: os.hostname()) */
  clientName?: string;
  tlsOptions?: {
    /** Refuse a certificate that does not verify, in every TLS mode. (Default: true) */
    rejectUnauthorized?: boolean;
    /** SNI and the name the certificate must carry. (Default: host, unless it is an IP address) */
    servername?: string;
    /** Trusted CA certificates in PEM, instead of Node's bundle. */
    ca?: string | Buffer;
  };
  /** Sessions open at once; they are opened only as queued messages need them. (Default: 5) */
  maxConnections?: number;
  /** Reconnect after this many messages on one connection. (Default: 1000) */
  maxMessagesPerConnection?: number;
  /**
   * Messages in flight per connection when the server offers PIPELINING. With DATA a new
   * envelope can only follow the previous message's 354, so at most two are in flight: the one
   * whose final reply is awaited and the next one's envelope. 1 waits for each final reply
   * before sending the next envelope. (Default: 2)
   */
  pipelineDepth?: number;
  /** TCP connect, plus the TLS handshake for `implicit`. (Default: 10000) */
  connectTimeoutMs?: number;
  /** From connect to the 220 greeting. (Default: 30000) */
  greetingTimeoutMs?: number;
  /** For each reply to a command (EHLO, STARTTLS, AUTH, MAIL, RCPT, DATA, RSET). (Default: 60000) */
  commandTimeoutMs?: number;
  /** For the reply after a message's final '.'. (Default: 120000) */
  dataTimeoutMs?: number;
  /** A session with nothing to send QUITs after this long. (Default: 30000) */
  idleTimeoutMs?: number;
}

export interface SmtpResult {
  outcome: SmtpOutcome;
  /** The reply code the outcome rests on, or null when no reply came (timeout, drop, refusal). */
  code: number | null;
  enhancedCode: string | null;
  /** The server's full reply, or what went wrong when there was none. */
  reply: string;
  /**
   * Where the reply came from. `connect` … `auth` mean the session could not be set up: the
   * outcome is then `retry` even for a 5xx (a rejected login is the sender's problem, not the
   * recipient's), so the caller should pause the sender rather than bounce the contact.
   */
  stage?: SmtpStage;
}

export interface VerifyStep {
  step: 'connect' | 'greeting' | 'ehlo' | 'starttls' | 'auth';
  ok: boolean;
  detail: string;
  ms: number;
}

export interface SmtpPool {
  /**
   * One message to one recipient. Never rejects for SMTP/network failures: they come back
   * classified. Rejects only after close().
   */
  send(envelope: { from: string; to: string }, message: Buffer): Promise<SmtpResult>;
  /** Connects fresh, negotiates TLS and auth, reports each step (skipped steps are omitted), then QUITs. */
  verify(): Promise<{ ok: boolean; steps: VerifyStep[]; capabilities: string[] }>;
  /**
   * Finishes in-flight messages, QUITs, closes sockets. Messages still queued (not yet on the
   * wire) come back `retry`. Idempotent.
   */
  close(): Promise<void>;
}

/** After a session fails to set up while others work, wait this long before opening another. */
const REOPEN_DELAY_MS = 1_000;

/** A FIFO that does not shift arrays: the bulk path queues tens of thousands of messages. */
class JobQueue {
  private items: (Job | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(job: Job): void {
    this.items.push(job);
  }

  shift(): Job | undefined {
    if (this.head === this.items.length) return undefined;
    const job = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return job;
  }

  drain(): Job[] {
    const jobs = this.items.slice(this.head) as Job[];
    this.items = [];
    this.head = 0;
    return jobs;
  }
}

function positive(name: string, value: number | undefined, fallback: number): number {
  const resolved = value ?? fallback;
  if (!Number.isInteger(resolved) || resolved < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${String(value)}`);
  }
  return resolved;
}

function settingsOf(options: SmtpPoolOptions): ConnectionSettings {
  const { host, port } = options;
  if (!host) throw new RangeError('host is required');
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new RangeError(`port must be 1-65535, got ${String(port)}`);
  }
  const tlsOptions: ConnectionOptions = {
    rejectUnauthorized: options.tlsOptions?.rejectUnauthorized ?? true,
  };
  const servername = options.tlsOptions?.servername ?? (isIP(host) ? undefined : host);
  if (servername) tlsOptions.servername = servername;
  if (options.tlsOptions?.ca) tlsOptions.ca = options.tlsOptions.ca;
  return {
    host,
    port,
    tls: options.tls,
    auth: options.auth,
    clientName: options.clientName ?? hostname(),
    tlsOptions,
    maxMessagesPerConnection: positive(
      'maxMessagesPerConnection',
      options.maxMessagesPerConnection,
      1000,
    ),
    pipelineDepth: positive('pipelineDepth', options.pipelineDepth, 2),
    connectTimeoutMs: positive('connectTimeoutMs', options.connectTimeoutMs, 10_000),
    greetingTimeoutMs: positive('greetingTimeoutMs', options.greetingTimeoutMs, 30_000),
    commandTimeoutMs: positive('commandTimeoutMs', options.commandTimeoutMs, 60_000),
    dataTimeoutMs: positive('dataTimeoutMs', options.dataTimeoutMs, 120_000),
    idleTimeoutMs: positive('idleTimeoutMs', options.idleTimeoutMs, 30_000),
  };
}

const clientRefusal = (reply: string): SmtpResult => ({
  outcome: 'failed',
  code: null,
  enhancedCode: null,
  reply,
  stage: 'client',
});

export function createSmtpPool(options: SmtpPoolOptions): SmtpPool {
  const settings = settingsOf(options);
  const maxConnections = positive('maxConnections', options.maxConnections, 5);
  const queue = new JobQueue();
  const connections = new Set<SmtpConnection>();
  /** Ready sessions that asked for work and found the queue empty: only they need a wake-up. */
  const hungry = new Set<SmtpConnection>();
  let isClosed = false;
  let closing: Promise<void> | undefined;
  let isDispatchScheduled = false;
  let reopenAt = 0;
  let reopenTimer: NodeJS.Timeout | undefined;

  const host: ConnectionHost = {
    take(connection) {
      const job = queue.shift();
      if (!job) hungry.add(connection);
      else if (hungry.size > 0) hungry.delete(connection);
      return job;
    },
    closed(connection, error) {
      connections.delete(connection);
      hungry.delete(connection);
      if (error && !connection.hasBeenReady) {
        // The server would not give us a session. If no other session is working or coming up,
        // the queued messages would wait for nothing: hand them back now with the reason.
        const isAnyAlive = [...connections].some(
          (other) => other.state === 'ready' || other.state === 'connecting',
        );
        if (isAnyAlive) reopenAt = Date.now() + REOPEN_DELAY_MS;
        else for (const job of queue.drain()) settle(job, retryResultOf(error));
      }
      scheduleDispatch();
    },
  };

  function scheduleDispatch() {
    if (isDispatchScheduled || isClosed) return;
    isDispatchScheduled = true;
    // Batches a synchronous burst of send() calls into one pass over the sessions.
    queueMicrotask(dispatch);
  }

  function dispatch() {
    isDispatchScheduled = false;
    if (isClosed) return;
    for (const connection of [...hungry]) {
      if (queue.length === 0) break;
      connection.pump();
    }
    let opening = 0;
    for (const connection of connections) if (connection.state === 'connecting') opening++;
    const now = Date.now();
    while (
      queue.length > opening * settings.pipelineDepth &&
      connections.size < maxConnections &&
      (connections.size === 0 || now >= reopenAt)
    ) {
      open();
      opening++;
    }
    if (queue.length > 0 && now < reopenAt && !reopenTimer) {
      reopenTimer = setTimeout(() => {
        reopenTimer = undefined;
        scheduleDispatch();
      }, reopenAt - now);
      reopenTimer.unref();
    }
  }

  function open() {
    const connection = new SmtpConnection(settings, host);
    connections.add(connection);
    // A failure reaches the pool through host.closed, with the connection.
    connection.open().catch(() => undefined);
  }

  return {
    send(envelope, message) {
      if (isClosed) return Promise.reject(new Error('The SMTP pool is closed'));
      const problem =
        envelopeAddressProblem(envelope.from, true) ?? envelopeAddressProblem(envelope.to, false);
      if (problem) return Promise.resolve(clientRefusal(problem));
      return new Promise<SmtpResult>((resolve) => {
        queue.push({
          from: envelope.from,
          to: envelope.to,
          message,
          settle: resolve,
          isSettled: false,
        });
        // Busy sessions pull from the queue by themselves; a dispatch is needed only to wake an
        // idle one or to open another.
        if (hungry.size > 0 || connections.size < maxConnections) scheduleDispatch();
      });
    },

    async verify() {
      if (isClosed) throw new Error('The SMTP pool is closed');
      const steps: VerifyStep[] = [];
      let capabilities: string[] = [];
      try {
        const session = await openSession(settings, {
          report: (step) => steps.push(step),
          capabilities: (lines) => (capabilities = lines),
        });
        await closeSession(session);
        return { ok: true, steps, capabilities };
      } catch (error) {
        if (!(error instanceof SmtpSessionError)) throw error;
        return { ok: false, steps, capabilities };
      }
    },

    close() {
      closing ??= (async () => {
        isClosed = true;
        clearTimeout(reopenTimer);
        for (const job of queue.drain()) {
          settle(job, {
            outcome: 'retry',
            code: null,
            enhancedCode: null,
            reply: 'The SMTP pool closed before the message was sent',
            stage: 'client',
          });
        }
        await Promise.all([...connections].map((connection) => connection.close()));
      })();
      return closing;
    },
  };
}
