import { isAscii } from 'node:buffer';
import { StringDecoder } from 'node:string_decoder';
import type { SmtpResult } from './smtp-client.js';

/**
 * One complete server reply; a multi-line reply's lines are joined with '\n'. The RFC 3463
 * code is read from `text` only when a result needs it (enhancedCodeOf), not for every reply.
 */
export interface SmtpReply {
  code: number;
  text: string;
}

export type SmtpOutcome = 'sent' | 'retry' | 'failed';

/**
 * 2xx → sent; 4xx → retry; 5xx → failed; no reply (timeout, dropped connection, refused
 * connect) or a code outside 2xx–5xx → retry.
 *
 * The enhanced code (RFC 3463) refines only a 5xx, and only towards retrying, because a failure
 * is final (a hard bounce suppresses the contact) while a retry costs one more attempt:
 * - class 4 (`550 4.2.2 …`): the server itself says the condition is transient;
 * - `x.2.2` mailbox full: RFC 3463 allows it for persistent transient conditions, and a full
 *   mailbox is no reason to suppress a contact.
 *
 * A 4xx stays retry whatever its enhanced code, and a 2xx was accepted whatever its enhanced code.
 */
export function classifyReply(code: number | null, enhancedCode?: string | null): SmtpOutcome {
  if (code === null || code < 200 || code > 599) return 'retry';
  if (code < 300) return 'sent';
  if (code < 500) return 'retry';
  if (enhancedCode) {
    if (enhancedCode.startsWith('4.')) return 'retry';
    if (enhancedCode.slice(1) === '.2.2') return 'retry';
  }
  return 'failed';
}

const ENHANCED_CODE = /^\d{3}[ -]([245]\.\d{1,3}\.\d{1,3})(?=\s|$)/;

/** The RFC 3463 status (such as '5.1.1') at the start of a reply's first line, if any. */
export function enhancedCodeOf(text: string): string | null {
  return ENHANCED_CODE.exec(text)?.[1] ?? null;
}

/** The server broke the protocol (a line without a reply code, an unbounded line). */
export class SmtpProtocolError extends Error {
  override readonly name = 'SmtpProtocolError';
}

/** A server line longer than this is not SMTP; refusing it keeps memory bounded. */
const MAX_LINE = 64 * 1024;

const isDigit = (c: number) => c >= 48 && c <= 57;

/**
 * Turns the byte stream from the server into complete replies, in order. Lines may be split
 * anywhere across chunks; a chunk may hold many replies (a pipelined batch).
 */
export class ReplyParser {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';
  private lines: string[] = [];
  private isUtf8 = false;

  /** Bytes received that do not yet form a complete reply. */
  get hasBufferedInput(): boolean {
    return this.partial.length > 0 || this.lines.length > 0;
  }

  /** Calls `onReply` for each reply the chunk completes. Throws SmtpProtocolError on garbage. */
  push(chunk: Buffer, onReply: (reply: SmtpReply) => void): void {
    // Replies are nearly always ASCII. From the first byte that is not, every chunk goes through
    // the UTF-8 decoder, which carries a character split across chunks.
    if (!this.isUtf8 && !isAscii(chunk)) this.isUtf8 = true;
    const decoded = this.isUtf8 ? this.decoder.write(chunk) : chunk.toString('latin1');
    const text = this.partial === '' ? decoded : this.partial + decoded;
    let start = 0;
    let end = text.indexOf('\n');
    while (end !== -1) {
      const line = text.slice(
        start,
        end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end,
      );
      start = end + 1;
      const reply = this.line(line);
      if (reply) onReply(reply);
      end = text.indexOf('\n', start);
    }
    this.partial = start === 0 ? text : text.slice(start);
    if (this.partial.length > MAX_LINE) {
      throw new SmtpProtocolError('The server sent a line longer than 64 KiB');
    }
  }

  private line(line: string): SmtpReply | undefined {
    if (
      line.length < 3 ||
      !isDigit(line.charCodeAt(0)) ||
      !isDigit(line.charCodeAt(1)) ||
      !isDigit(line.charCodeAt(2))
    ) {
      throw new SmtpProtocolError(
        `The server sent a line without a reply code: ${line.slice(0, 80)}`,
      );
    }
    if (line.charCodeAt(3) === 45 /* '-' */) {
      if (this.lines.length > 1000) throw new SmtpProtocolError('The server sent an endless reply');
      this.lines.push(line);
      return undefined;
    }
    const code = Number(line.slice(0, 3));
    if (this.lines.length === 0) return { code, text: line };
    this.lines.push(line);
    const text = this.lines.join('\n');
    this.lines = [];
    return { code, text };
  }
}

/** Where a result's reply came from. `client`: refused before anything was sent. */
export type SmtpStage =
  | 'connect'
  | 'greeting'
  | 'ehlo'
  | 'starttls'
  | 'auth'
  | 'mail'
  | 'rcpt'
  | 'data'
  | 'message'
  | 'client';

/** A session that could not be set up or went away; every message it touched is retried. */
export class SmtpSessionError extends Error {
  override readonly name = 'SmtpSessionError';
  constructor(
    readonly stage: SmtpStage,
    message: string,
    /** The server's reply, when the failure was one. */
    readonly reply: SmtpReply | null = null,
  ) {
    super(message);
  }
}

/** A message's result from the reply that decided it. */
export function resultOf(reply: SmtpReply, stage: SmtpStage): SmtpResult {
  const enhancedCode = enhancedCodeOf(reply.text);
  return {
    outcome: classifyReply(reply.code, enhancedCode),
    code: reply.code,
    enhancedCode,
    reply: reply.text,
    stage,
  };
}

/** A session that failed before or while carrying a message: always worth another try. */
export function retryResultOf(error: SmtpSessionError, stage = error.stage): SmtpResult {
  return {
    outcome: 'retry',
    code: error.reply?.code ?? null,
    enhancedCode: error.reply ? enhancedCodeOf(error.reply.text) : null,
    reply: error.reply?.text ?? error.message,
    stage,
  };
}
