/**
 * MIME assembly for outgoing mail (DESIGN.md §5.3). A campaign builds one skeleton, which encodes
 * what every message shares once; compose() then encodes only the recipient's parts: To,
 * Subject, Date, Message-ID, per-message headers and the bodies. A general-purpose composer
 * (nodemailer's) costs ~0.67 ms a message; this path is meant to cost a few percent of that.
 */
import { randomBytes } from 'node:crypto';
import { domainToASCII } from 'node:url';
import { fastUuidV7 } from '../ids.js';
import {
  bodyByteBound,
  planBody,
  writeBody,
  type BodyPart,
  type TransferEncoding,
} from './mime-body.js';
import {
  HEADER_LINE,
  encodeHeaderValue,
  encodeWords,
  foldHeaderValue,
  isPrintableAscii,
  stripHeaderControls,
} from './mime-header.js';

export { quotedPrintable } from './mime-body.js';
export { encodeHeaderValue } from './mime-header.js';

export interface MailAddress {
  name?: string | null;
  /**
   * An IDN domain is sent as punycode. A non-ASCII local part is kept as UTF-8 (RFC 6532), which
   * the transport can deliver only over SMTPUTF8 (RFC 6531); it can tell from the envelope address.
   */
  email: string;
}

export interface MessageSkeletonOptions {
  from: MailAddress;
  /** (Default: none) */
  replyTo?: MailAddress | null;
  /** Domain for generated Message-IDs (the sender's domain). */
  messageIdDomain: string;
  /**
   * Headers identical on every message of a campaign, e.g. ['X-Herald-Campaign', id],
   * ['Precedence', 'bulk']. Encoded once. Refused: headers the composer writes itself (From, To,
   * Reply-To, Subject, Date, Message-ID, MIME-Version, Content-*) and Cc/Bcc, which have no place
   * on one-recipient bulk mail. (Default: none)
   */
  staticHeaders?: ReadonlyArray<readonly [string, string]>;
}

export interface MessageContent {
  to: MailAddress;
  subject: string;
  /** Shown by clients after the subject; inserted as a hidden preheader span at the top of the HTML body when given. */
  preheader?: string | null;
  /** At least one of html and text must be given. When both are, an empty one is left out. */
  html?: string | null;
  text?: string | null;
  /** Per-message headers, e.g. List-Unsubscribe, List-Unsubscribe-Post. Same rules as staticHeaders. */
  headers?: ReadonlyArray<readonly [string, string]>;
  /** Without angle brackets or with; generated (random @messageIdDomain) when absent. */
  messageId?: string;
  /** (Default: now) */
  date?: Date;
}

export interface MessageSkeleton {
  /**
   * One message. `messageId` is in angle brackets, as in the header. `raw` uses CRLF only, has no
   * line over 998 bytes and always ends with CRLF, so a transport can send it as DATA after
   * dot-stuffing (which is the transport's job; the composer does not dot-stuff).
   */
  compose(content: MessageContent): { messageId: string; raw: Buffer };
}

/** Input the composer cannot turn into a valid message: a bad address, header name or id. */
export class InvalidMailError extends Error {
  override readonly name = 'InvalidMailError';
}

const ATEXT = "A-Za-z0-9!#$%&'*+\\-/=?^_`{|}~";
/** A display name that may go out bare: atoms separated by single spaces (RFC 5322 §3.2.5). */
const ATOM_PHRASE = new RegExp(`^[${ATEXT}]+(?: [${ATEXT}]+)*$`);
const QUOTED_SPECIALS = /["\\]/g;
/** Dot-atom local parts, plus UTF-8 (RFC 6532). Quoted local parts are not supported. */
const LOCAL_PART = new RegExp(`^[${ATEXT}.\\u0080-\\uffff]+$`);
const ASCII_DOMAIN = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$|^\[[A-Za-z0-9.:-]+\]$/;
const MESSAGE_ID = new RegExp(`^[${ATEXT}.]+@[${ATEXT}.]+$`);
/** RFC 5322 field-name: printable ASCII except ':'. Kept short so the name fits a line. */
const HEADER_NAME = /^[!-9;-~]{1,76}$/;
/** RFC 5321 path limits: 64 + '@' + 255. */
const MAX_ADDRESS = 320;

const GENERATED_HEADERS = new Set([
  'from',
  'to',
  'cc',
  'bcc',
  'reply-to',
  'subject',
  'date',
  'message-id',
  'mime-version',
]);

const BODY_TAG = /<body\b[^>]*>/i;
const HTML_SPECIALS = /[&<>"']/g;
const HTML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const PREHEADER_STYLE =
  'display:none;font-size:1px;line-height:1px;max-height:0;max-width:0;opacity:0;overflow:hidden;mso-hide:all';

const CONTENT_HEADERS = {
  plain: contentHeaders('plain'),
  html: contentHeaders('html'),
};

function contentHeaders(subtype: string): Record<TransferEncoding, string> {
  const line = (encoding: TransferEncoding) =>
    `Content-Type: text/${subtype}; charset=utf-8\r\nContent-Transfer-Encoding: ${encoding}\r\n\r\n`;
  return {
    '7bit': line('7bit'),
    'quoted-printable': line('quoted-printable'),
    base64: line('base64'),
  };
}

export function createMessageSkeleton(options: MessageSkeletonOptions): MessageSkeleton {
  const idDomain = toAsciiDomain(options.messageIdDomain);
  if (idDomain === null) {
    throw new InvalidMailError(
      `Invalid Message-ID domain ${JSON.stringify(options.messageIdDomain)}`,
    );
  }
  let fromHead = `From: ${formatAddress(options.from, 'From: '.length)}\r\n`;
  if (options.replyTo) {
    fromHead += `Reply-To: ${formatAddress(options.replyTo, 'Reply-To: '.length)}\r\n`;
  }
  let sharedHead = 'MIME-Version: 1.0\r\n';
  for (const [name, value] of options.staticHeaders ?? []) sharedHead += formatHeader(name, value);
  const boundaryPrefix = `=_herald_${randomBytes(12).toString('base64url')}_`;
  let sequence = 0;

  return {
    compose(content) {
      const messageId =
        content.messageId === undefined
          ? `<${fastUuidV7()}@${idDomain}>`
          : normalizeMessageId(content.messageId);
      let head =
        fromHead +
        `To: ${formatAddress(content.to, 'To: '.length)}\r\n` +
        `Subject: ${encodeHeaderValue(content.subject, 'Subject: '.length)}\r\n` +
        `Date: ${formatDate(content.date ? content.date.getTime() : Date.now())}\r\n` +
        `Message-ID: ${messageId}\r\n` +
        sharedHead;
      for (const [name, value] of content.headers ?? []) head += formatHeader(name, value);

      let html = content.html ?? null;
      let text = content.text ?? null;
      if (html === null && text === null) {
        throw new InvalidMailError('A message needs an HTML or a text body');
      }
      // An empty alternative shows as a blank message in clients that prefer it.
      if (html !== null && text !== null) {
        if (text === '') text = null;
        else if (html === '') html = null;
      }
      const isSinglePart = html === null || text === null;
      const textPart = text === null ? null : planBody(text, isSinglePart);
      const htmlPart =
        html === null
          ? null
          : planBody(
              content.preheader ? insertPreheader(html, content.preheader) : html,
              isSinglePart,
            );

      const out = scratchFor(
        head.length * 3 +
          (textPart ? bodyByteBound(textPart) : 0) +
          (htmlPart ? bodyByteBound(htmlPart) : 0) +
          512,
      );
      let pos = out.write(head, 0, 'utf8');
      if (textPart && htmlPart) {
        let boundary = boundaryPrefix + (sequence++).toString(36);
        while (occursIn(boundary, textPart) || occursIn(boundary, htmlPart)) {
          boundary = boundaryPrefix + (sequence++).toString(36);
        }
        const delimiter = `\r\n--${boundary}\r\n`;
        pos += out.write(
          `Content-Type: multipart/alternative;\r\n boundary="${boundary}"\r\n` +
            delimiter +
            CONTENT_HEADERS.plain[textPart.encoding],
          pos,
          'latin1',
        );
        pos = writeBody(textPart, out, pos);
        pos += out.write(delimiter + CONTENT_HEADERS.html[htmlPart.encoding], pos, 'latin1');
        pos = writeBody(htmlPart, out, pos);
        pos += out.write(`\r\n--${boundary}--\r\n`, pos, 'latin1');
      } else {
        const part = (textPart ?? htmlPart)!;
        const headers = textPart ? CONTENT_HEADERS.plain : CONTENT_HEADERS.html;
        pos += out.write(headers[part.encoding], pos, 'latin1');
        pos = writeBody(part, out, pos);
      }
      const raw = Buffer.allocUnsafe(pos);
      out.copy(raw, 0, 0, pos);
      return { messageId, raw };
    },
  };
}

/** One-off convenience = createMessageSkeleton(...).compose(...). */
export function composeMessage(options: MessageSkeletonOptions & MessageContent): {
  messageId: string;
  raw: Buffer;
} {
  return createMessageSkeleton(options).compose(options);
}

/** `<random@domain>`: a UUID v7 (time-ordered, 74 random bits) on the punycoded domain. */
export function createMessageId(domain: string): string {
  const ascii = toAsciiDomain(domain);
  if (ascii === null) throw new InvalidMailError(`Invalid domain ${JSON.stringify(domain)}`);
  return `<${fastUuidV7()}@${ascii}>`;
}

/**
 * `Name <local@domain>`, or the bare address without a name. The name goes out as atoms, a
 * quoted string, or RFC 2047 encoded words (non-ASCII, or too long for one line), with control
 * characters turned into spaces and surrounding whitespace trimmed.
 *
 * @param offset Characters already on the line, e.g. `'To: '.length`, for folding. (Default: 0)
 * @throws InvalidMailError when the address is not `local@domain`.
 */
export function formatAddress(address: MailAddress, offset = 0): string {
  const email = formatEmail(address.email);
  const name = address.name ? stripHeaderControls(address.name).trim() : '';
  if (name === '') return email;
  const phrase = formatPhrase(name, offset);
  const lastBreak = phrase.lastIndexOf('\n');
  const lineLength = lastBreak === -1 ? offset + phrase.length : phrase.length - lastBreak - 1;
  const separator = lineLength + email.length + 3 > HEADER_LINE ? '\r\n ' : ' ';
  return `${phrase}${separator}<${email}>`;
}

function formatPhrase(name: string, offset: number): string {
  if (offset + name.length + 2 <= HEADER_LINE && !name.includes('=?')) {
    if (ATOM_PHRASE.test(name)) return name;
    if (isPrintableAscii(name)) return `"${name.replace(QUOTED_SPECIALS, '\\$&')}"`;
  }
  return encodeWords(name, offset);
}

function formatEmail(email: string): string {
  const at = email.lastIndexOf('@');
  const local = email.slice(0, at);
  const domain = at === -1 ? null : toAsciiDomain(email.slice(at + 1));
  if (at <= 0 || domain === null || !LOCAL_PART.test(local) || at + domain.length >= MAX_ADDRESS) {
    throw new InvalidMailError(`Invalid email address ${JSON.stringify(email)}`);
  }
  return `${local}@${domain}`;
}

/** Punycode for IDN domains; null when the domain is not a valid host name or literal. */
function toAsciiDomain(domain: string): string | null {
  if (ASCII_DOMAIN.test(domain)) return domain;
  if (isPrintableAscii(domain)) return null;
  const ascii = domainToASCII(domain);
  return ascii !== '' && ASCII_DOMAIN.test(ascii) ? ascii : null;
}

function normalizeMessageId(id: string): string {
  const bare = id.startsWith('<') && id.endsWith('>') ? id.slice(1, -1) : id;
  if (!MESSAGE_ID.test(bare) || bare.length > MAX_ADDRESS) {
    throw new InvalidMailError(`Invalid Message-ID ${JSON.stringify(id)}`);
  }
  return `<${bare}>`;
}

/**
 * `Name: value` CRLF. ASCII values are folded at whitespace and otherwise kept as given, since
 * structured headers (List-Unsubscribe) must not be encoded; non-ASCII values become encoded words.
 */
function formatHeader(name: string, value: string): string {
  const lower = name.toLowerCase();
  if (!HEADER_NAME.test(name) || GENERATED_HEADERS.has(lower) || lower.startsWith('content-')) {
    throw new InvalidMailError(
      `Header name ${JSON.stringify(name)} is invalid or set by the composer`,
    );
  }
  const clean = stripHeaderControls(value);
  const offset = name.length + 2;
  const folded = isPrintableAscii(clean)
    ? foldHeaderValue(clean, offset)
    : encodeWords(clean, offset);
  if (folded === null) {
    throw new InvalidMailError(`Header ${name} has a word too long to fit a 998-character line`);
  }
  return `${name}: ${folded}\r\n`;
}

/** RFC 5322 date; cached per second because a campaign stamps thousands of messages a second. */
let dateSecond = Number.NaN;
let dateText = '';
function formatDate(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== dateSecond) {
    if (!Number.isFinite(second)) throw new InvalidMailError('Invalid message date');
    dateText = new Date(second * 1000).toUTCString().replace('GMT', '+0000');
    dateSecond = second;
  }
  return dateText;
}

function insertPreheader(html: string, preheader: string): string {
  const span = `<span style="${PREHEADER_STYLE}">${preheader.replace(HTML_SPECIALS, (c) => HTML_ENTITIES[c]!)}</span>`;
  const tag = BODY_TAG.exec(html);
  if (!tag) return span + html;
  const at = tag.index + tag[0].length;
  return html.slice(0, at) + span + html.slice(at);
}

/** Only 7bit text can hold the boundary: '=_' never occurs in quoted-printable or base64. */
function occursIn(boundary: string, part: BodyPart): boolean {
  return part.encoding === '7bit' && part.content.includes(boundary);
}

/**
 * One buffer, reused: compose() is synchronous, and the result is copied out at its exact size,
 * so a message costs one allocation however generous the worst-case estimate.
 */
let scratch = Buffer.allocUnsafeSlow(64 * 1024);
function scratchFor(bytes: number): Buffer {
  if (scratch.length < bytes) scratch = Buffer.allocUnsafeSlow(2 ** Math.ceil(Math.log2(bytes)));
  return scratch;
}
