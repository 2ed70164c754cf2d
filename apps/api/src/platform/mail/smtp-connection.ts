import type net from 'node:net';
import type { SmtpResult } from './smtp-client.js';
import { encodeDataPayload, hasEightBitData, isInternationalAddress } from './smtp-message.js';
import {
  ReplyParser,
  SmtpSessionError,
  resultOf,
  retryResultOf,
  type SmtpReply,
  type SmtpStage,
} from './smtp-reply.js';
import { openSession, type ConnectionSettings } from './smtp-session.js';

/** One message to one recipient, from the pool's queue until it has a result. */
export interface Job {
  from: string;
  to: string;
  message: Buffer;
  settle: (result: SmtpResult) => void;
  isSettled: boolean;
}

/** What a connection needs from its pool. */
export interface ConnectionHost {
  /** The next queued message for this connection, if any. */
  take(connection: SmtpConnection): Job | undefined;
  /** Called once, when the socket is gone. `error` is set when the session failed. */
  closed(connection: SmtpConnection, error: SmtpSessionError | undefined): void;
}

type Expected = 'mail' | 'rcpt' | 'data' | 'message' | 'rset' | 'quit';

/** A command on the wire whose reply has not arrived; replies match these strictly in order. */
interface Pending {
  kind: Expected;
  job: Job | null;
}

const STAGE_OF: Record<Expected, SmtpStage> = {
  mail: 'mail',
  rcpt: 'rcpt',
  data: 'data',
  message: 'message',
  rset: 'mail',
  quit: 'mail',
};

export function settle(job: Job, result: SmtpResult): void {
  if (job.isSettled) return;
  job.isSettled = true;
  job.settle(result);
}

const refusal = (reply: string): SmtpResult => ({
  outcome: 'failed',
  code: null,
  enhancedCode: null,
  reply,
  stage: 'client',
});

const isPositive = (reply: SmtpReply) => reply.code >= 200 && reply.code < 300;

/**
 * Sockets held corked until the end of this event-loop turn. Replies from every ready session
 * are handled first and the writes leave together afterwards: one burst per turn instead of a
 * write (and a wake-up of the server, which then preempts us) per reply. On a busy 2-core box
 * that is the difference between ~10k and ~15–25k messages per second.
 */
const corkedForTurn = new Set<net.Socket>();
let isUncorkScheduled = false;

function corkForTurn(socket: net.Socket): void {
  if (corkedForTurn.has(socket)) return;
  socket.cork();
  corkedForTurn.add(socket);
  if (!isUncorkScheduled) {
    isUncorkScheduled = true;
    setImmediate(uncorkAll);
  }
}

function uncorkAll(): void {
  isUncorkScheduled = false;
  const sockets = [...corkedForTurn];
  corkedForTurn.clear();
  for (const socket of sockets) socket.uncork();
}

/**
 * One SMTP session carrying messages pulled from the pool. With PIPELINING each message costs
 * one round trip: MAIL, RCPT and DATA go as one group (RFC 2920 lets DATA end a group), and
 * after the 354 the body, its terminator and the next message's group go together, so the
 * final reply to one message arrives in the same packet as the next envelope's replies.
 * Without PIPELINING it is plain lock-step.
 */
export class SmtpConnection {
  state: 'connecting' | 'ready' | 'quitting' | 'closed' = 'connecting';
  /** Whether the session got as far as carrying messages. */
  hasBeenReady = false;
  readonly closed: Promise<void>;

  private socket: net.Socket | undefined;
  private readonly parser = new ReplyParser();
  private readonly pending: Pending[] = [];
  private readonly abort = new AbortController();
  private failure: SmtpSessionError | undefined;
  private socketError: Error | undefined;
  private resolveClosed!: () => void;
  private isFinished = false;
  /** Commands written since the last flush; they leave as one write with what follows. */
  private outgoing = '';

  private isPipelining = false;
  private hasEightBitMime = false;
  private hasSmtpUtf8 = false;
  private sizeLimit = 0;

  private isAwaitingData = false;
  private isBlocked = false;
  private isClosing = false;
  private inFlight = 0;
  private started = 0;

  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private headSince = 0;
  private idleSince = 0;

  constructor(
    private readonly settings: ConnectionSettings,
    private readonly host: ConnectionHost,
  ) {
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
  }

  /** Sets the session up and starts taking messages; throws the SmtpSessionError that ended it. */
  async open(): Promise<void> {
    const s = this.settings;
    let session;
    try {
      session = await openSession(s, { signal: this.abort.signal });
    } catch (error) {
      this.failure =
        error instanceof SmtpSessionError
          ? error
          : new SmtpSessionError('connect', (error as Error).message);
      this.finish();
      throw this.failure;
    }
    const { socket, capabilities } = session;
    this.socket = socket;
    socket.on('data', this.onData);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
    socket.on('drain', this.onDrain);
    socket.resume();
    this.state = 'ready';
    this.hasBeenReady = true;
    this.isPipelining = capabilities.has('PIPELINING') && s.pipelineDepth > 1;
    this.hasEightBitMime = capabilities.has('8BITMIME');
    this.hasSmtpUtf8 = capabilities.has('SMTPUTF8');
    this.sizeLimit = Number(capabilities.get('SIZE')) || 0;
    if (this.isClosing) this.checkIdle();
    else this.pump();
  }

  /** Takes queued messages while this session has room for them. */
  pump(): void {
    const socket = this.socket;
    if (this.state !== 'ready' || !socket) return;
    if (this.canStart()) {
      corkForTurn(socket);
      do {
        const job = this.host.take(this);
        if (!job) break;
        this.start(job);
      } while (this.canStart());
    }
    this.checkIdle();
    this.flush();
  }

  /** Finishes the messages on the wire, then QUITs. Resolves when the socket is closed. */
  close(): Promise<void> {
    this.isClosing = true;
    if (this.state === 'connecting') this.abort.abort();
    else if (this.state === 'ready') this.checkIdle();
    return this.closed;
  }

  private canStart(): boolean {
    if (this.isBlocked || this.isClosing) return false;
    if (this.started >= this.settings.maxMessagesPerConnection) return false;
    return this.isPipelining
      ? !this.isAwaitingData && this.inFlight < this.settings.pipelineDepth
      : this.pending.length === 0;
  }

  private start(job: Job): void {
    if (job.isSettled) return;
    let params = '';
    if (isInternationalAddress(job.from) || isInternationalAddress(job.to)) {
      if (!this.hasSmtpUtf8) {
        settle(
          job,
          refusal('The envelope has a non-ASCII address and the server does not offer SMTPUTF8'),
        );
        return;
      }
      params += ' SMTPUTF8';
    }
    const size = job.message.length;
    if (this.sizeLimit > 0 && size > this.sizeLimit) {
      settle(
        job,
        refusal(`The message is ${size} bytes and the server accepts at most ${this.sizeLimit}`),
      );
      return;
    }
    if (this.hasEightBitMime && hasEightBitData(job.message)) params += ' BODY=8BITMIME';

    this.started++;
    this.inFlight++;
    const mail = `MAIL FROM:<${job.from}>${params}\r\n`;
    if (this.isPipelining) {
      this.write(`${mail}RCPT TO:<${job.to}>\r\nDATA\r\n`);
      this.push('mail', job);
      this.push('rcpt', job);
      this.push('data', job);
      this.isAwaitingData = true;
    } else {
      this.write(mail);
      this.push('mail', job);
    }
  }

  private readonly onData = (chunk: Buffer) => {
    corkForTurn(this.socket!);
    try {
      this.parser.push(chunk, this.onReply);
    } catch (error) {
      this.fail(new SmtpSessionError(this.stageNow(), (error as Error).message));
    }
    this.flush();
  };

  private readonly onReply = (reply: SmtpReply) => {
    if (this.state === 'closed') return;
    const entry = this.pending.shift();
    if (!entry) {
      const text = reply.code === 421 ? 'The server is closing the session' : 'Unexpected reply';
      this.fail(new SmtpSessionError('mail', `${text}: ${reply.text}`, reply));
      return;
    }
    this.headSince = Date.now();
    if (reply.code === 421 && entry.kind !== 'quit') {
      // RFC 5321 §3.8: the server is going away; what is still on the wire will not be answered.
      this.pending.unshift(entry);
      const text = `The server is closing the session: ${reply.text}`;
      this.fail(new SmtpSessionError(STAGE_OF[entry.kind], text, reply));
      return;
    }
    if (entry.job) this.onTransactionReply(entry.kind, entry.job, reply);
    else if (entry.kind === 'rset') this.onReset(reply);
    else this.socket?.end();
    this.arm();
  };

  private onTransactionReply(kind: Expected, job: Job, reply: SmtpReply): void {
    switch (kind) {
      case 'mail':
      case 'rcpt':
        if (job.isSettled) return;
        if (!isPositive(reply)) {
          settle(job, resultOf(reply, kind));
          // Pipelined, the rest of the group is already on the wire; its replies end the transaction.
          if (!this.isPipelining) this.endTransaction(true);
        } else if (!this.isPipelining) {
          const next = kind === 'mail' ? 'rcpt' : 'data';
          this.write(next === 'rcpt' ? `RCPT TO:<${job.to}>\r\n` : 'DATA\r\n');
          this.push(next, job);
          this.isAwaitingData = next === 'data';
        }
        return;
      case 'data':
        this.isAwaitingData = false;
        if (reply.code !== 354) {
          settle(job, resultOf(reply, 'data'));
          this.endTransaction(true);
        } else if (job.isSettled) {
          // Ready for data after rejecting the envelope: only a broken server does that, and
          // ending the session is the one way to be sure nothing is delivered.
          const text = `DATA accepted after a rejected envelope: ${reply.text}`;
          this.fail(new SmtpSessionError('data', text, reply));
        } else {
          const [body, terminator] = encodeDataPayload(job.message);
          this.writeBody(body);
          this.write(terminator);
          this.push('message', job);
          if (this.isPipelining) this.pump();
        }
        return;
      default:
        settle(job, resultOf(reply, 'message'));
        this.endTransaction(false);
    }
  }

  private onReset(reply: SmtpReply): void {
    // The session state is unknown after a failed RSET: finish what is on the wire, take no more.
    if (!isPositive(reply)) this.isClosing = true;
    this.pump();
  }

  private endTransaction(needsReset: boolean): void {
    this.inFlight--;
    if (needsReset) {
      this.write('RSET\r\n');
      this.push('rset', null);
    }
    this.pump();
  }

  private checkIdle(): void {
    if (this.state !== 'ready' || this.inFlight > 0 || this.pending.length > 0) return;
    if (this.isClosing || this.started >= this.settings.maxMessagesPerConnection) {
      this.quit();
      return;
    }
    this.idleSince = Date.now();
    this.arm();
  }

  private quit(): void {
    this.state = 'quitting';
    this.write('QUIT\r\n');
    this.flush();
    this.push('quit', null);
  }

  private write(text: string): void {
    this.outgoing += text;
  }

  private writeBody(body: Buffer): void {
    this.flush();
    if (!this.socket!.write(body)) this.isBlocked = true;
  }

  private flush(): void {
    if (this.outgoing === '' || this.state === 'closed') return;
    const text = this.outgoing;
    this.outgoing = '';
    if (!this.socket!.write(text)) this.isBlocked = true;
  }

  private push(kind: Expected, job: Job | null): void {
    if (this.pending.length === 0) this.headSince = Date.now();
    this.pending.push({ kind, job });
    this.arm();
  }

  private readonly onDrain = () => {
    this.isBlocked = false;
    this.pump();
  };

  private readonly onError = (error: Error) => {
    this.socketError = error;
  };

  private readonly onClose = () => {
    const reason = this.socketError
      ? `Connection error: ${this.socketError.message}`
      : 'The server closed the connection';
    this.fail(new SmtpSessionError(this.stageNow(), reason));
    this.finish();
  };

  /** Ends the session: every message still on the wire comes back `retry`. */
  private fail(error: SmtpSessionError): void {
    if (this.state === 'closed') return;
    if (this.state !== 'quitting') this.failure = error;
    this.state = 'closed';
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
    for (const entry of this.pending.splice(0)) {
      if (entry.job) settle(entry.job, retryResultOf(error, STAGE_OF[entry.kind]));
    }
    this.socket?.destroy();
  }

  private finish(): void {
    if (this.isFinished) return;
    this.isFinished = true;
    this.state = 'closed';
    clearTimeout(this.timer);
    this.resolveClosed();
    this.host.closed(this, this.failure);
  }

  private stageNow(): SmtpStage {
    const head = this.pending[0];
    return head ? STAGE_OF[head.kind] : 'mail';
  }

  private timeoutOf(entry: Pending): number {
    return entry.kind === 'message' ? this.settings.dataTimeoutMs : this.settings.commandTimeoutMs;
  }

  /** When the session must have heard something (or, idle, when it is closed). */
  private deadline(): number {
    const head = this.pending[0];
    if (head) return this.headSince + this.timeoutOf(head);
    if (this.state === 'ready' && this.inFlight === 0) {
      return this.idleSince + this.settings.idleTimeoutMs;
    }
    return Infinity;
  }

  /**
   * One timer per session, re-armed only when a deadline moves earlier; otherwise it fires,
   * finds the deadline moved on, and sleeps again. The head of the queue changes several
   * times per message, so re-arming on every change would cost more than the sending.
   */
  private arm(): void {
    const at = this.deadline();
    if (at >= this.timerAt) return;
    clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(this.onTimer, Math.max(0, at - Date.now()));
    this.timer.unref();
  }

  private readonly onTimer = () => {
    this.timer = undefined;
    this.timerAt = Infinity;
    const at = this.deadline();
    if (at === Infinity) return;
    if (Date.now() < at) {
      this.arm();
      return;
    }
    const head = this.pending[0];
    if (!head) {
      this.quit();
      return;
    }
    const label = head.kind === 'message' ? 'the message' : head.kind.toUpperCase();
    const ms = this.timeoutOf(head);
    this.fail(new SmtpSessionError(STAGE_OF[head.kind], `No reply to ${label} within ${ms} ms`));
  };
}
