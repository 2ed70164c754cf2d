/**
 * Body encoding for outgoing mail (DESIGN.md §5.3): the transfer-encoding choice, quoted-printable
 * and base64, written straight into the message buffer.
 */
import { MAX_LINE } from './mime-header.js';

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const TAB = 0x09;
const EQUALS = 0x3d;

/** RFC 2045 §6.7: encoded lines are at most 76 characters including the soft-break '='. */
const QP_LINE = 75;

const HEX = Buffer.from('0123456789ABCDEF', 'latin1');

/** How the quoted-printable loop treats each ASCII code (RFC 2045 §6.7); CR is gone by then. */
const LITERAL = 0;
const ESCAPED = 1;
const SPACE = 2;
const LINE_BREAK = 3;
const NON_ASCII = 4;
const QP_KIND = new Uint8Array(128).fill(ESCAPED);
for (let c = 33; c <= 126; c++) if (c !== EQUALS) QP_KIND[c] = LITERAL;
QP_KIND[SP] = SPACE;
QP_KIND[TAB] = SPACE;
QP_KIND[LF] = LINE_BREAK;

const LINE_BREAKS = /\r\n?|\n/g;
const CR_BREAKS = /\r\n?/g;
/** Non-ASCII and control characters: what makes a QP line need the character loop. */
const DIRTY = /[^\t\n -~]/g;
/** One non-ASCII character in this many makes QP text dense (see isDenseText). */
const DENSE_RATIO = 40;

export type TransferEncoding = '7bit' | 'quoted-printable' | 'base64';

/** A text body with its transfer encoding chosen. */
export interface BodyPart {
  encoding: TransferEncoding;
  /** The encoded body (ASCII, CRLF line breaks), or for QP the input, escaped as it is written. */
  content: string;
  /** The part is the whole message, which must end with CRLF. */
  isWhole: boolean;
  /** QP: non-ASCII is frequent enough that the character loop takes the whole text. */
  isDense?: boolean;
}

/**
 * Chooses a body's transfer encoding. 7bit when it is ASCII without NUL and its lines fit 998
 * characters (RFC 2045 §2.7); otherwise quoted-printable, or base64 when QP would clearly be
 * larger.
 *
 * The choice is a cheap count rather than a trial encoding: UTF-8 bytes beyond the UTF-16 length
 * (`extra`) are at least 2/3 of the non-ASCII bytes, each of which QP writes as 3 characters, so
 * QP is at least `bytes + 3 × extra` long against base64's `4/3 × bytes`. Accented Latin stays QP
 * (readable, smaller); mostly Cyrillic, Greek, CJK or emoji text goes base64.
 *
 * Line breaks (CRLF, LF or a bare CR) all become CRLF.
 *
 * @param isWhole The body is the whole message, which must end with CRLF. 7bit is then used
 *   only when the body already ends with a line break; QP ends on a soft break instead, which
 *   decodes to nothing, so the decoded body is still exactly the input.
 */
export function planBody(body: string, isWhole: boolean): BodyPart {
  // Same length in UTF-8 means ASCII: native and ~20× cheaper than a character-class regex.
  const bytes = Buffer.byteLength(body, 'utf8');
  const extra = bytes - body.length;
  if (
    extra === 0 &&
    !body.includes('\0') &&
    linesFit(body, MAX_LINE) &&
    (!isWhole || endsWithLineBreak(body))
  ) {
    return { encoding: '7bit', content: toCrlf(body), isWhole };
  }
  if (bytes + 3 * extra > Math.ceil(bytes / 3) * 4) {
    const lines = base64Lines(Buffer.from(toCrlf(body), 'utf8').toString('base64'));
    return { encoding: 'base64', content: isWhole ? lines + '\r\n' : lines, isWhole };
  }
  return {
    encoding: 'quoted-printable',
    content: body,
    isWhole,
    isDense: extra * DENSE_RATIO > body.length,
  };
}

/** 76-character lines joined by CRLF. Slicing, because a /.{76}/g replace costs 20× more. */
function base64Lines(base64: string): string {
  let out = base64.slice(0, 76);
  for (let i = 76; i < base64.length; i += 76) out += '\r\n' + base64.slice(i, i + 76);
  return out;
}

/** An upper bound of the bytes {@link writeBody} writes. */
export function bodyByteBound(part: BodyPart): number {
  // QP: a UTF-16 unit is at most 3 UTF-8 bytes, 9 characters, plus a 3-byte soft break per 75.
  return part.encoding === 'quoted-printable' ? part.content.length * 10 + 3 : part.content.length;
}

/** Writes the encoded part at `pos` and returns the position after it. */
export function writeBody(part: BodyPart, out: Buffer, pos: number): number {
  if (part.encoding !== 'quoted-printable') return pos + out.write(part.content, pos, 'latin1');
  let end = writeQuotedPrintable(part.content, out, pos, part.isDense);
  if (part.isWhole && end > pos && (out[end - 2] !== CR || out[end - 1] !== LF)) {
    end = softBreak(out, end);
  }
  return end;
}

function endsWithLineBreak(body: string): boolean {
  if (body === '') return true;
  const last = body.charCodeAt(body.length - 1);
  return last === LF || last === CR;
}

function toCrlf(text: string): string {
  if (!text.includes('\r')) return text.includes('\n') ? text.replaceAll('\n', '\r\n') : text;
  return text.replace(LINE_BREAKS, '\r\n');
}

/** Whether every line (split at LF) is at most `max` characters. */
function linesFit(text: string, max: number): boolean {
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    const end = nl === -1 ? text.length : nl;
    if (end - start > max) return false;
    if (nl === -1) return true;
    start = nl + 1;
  }
}

/**
 * RFC 2045 quoted-printable of text as UTF-8, written as bytes at `pos`; returns the end.
 * Line breaks in any convention become CRLF; soft breaks keep lines within 76 characters and
 * never split a character or an escape; whitespace before a line break or the end is escaped,
 * so transports that strip trailing whitespace cannot change the text. A '.' starting a line is
 * left to the transport's dot-stuffing, as in 7bit parts.
 *
 * Per-character JS costs several times what native string operations do, so for mostly-ASCII
 * text '=' and line breaks are handled by replaceAll, lines of printable ASCII by slicing, and
 * only lines holding non-ASCII or control characters go through the character loop; dense text
 * (see {@link isDenseText}) goes through the loop whole. Lone surrogates become U+FFFD, as
 * Buffer does.
 */
export function writeQuotedPrintable(
  text: string,
  out: Buffer,
  pos: number,
  isDense = isDenseText(text),
): number {
  let s = text.includes('\r') ? text.replace(CR_BREAKS, '\n') : text;
  if (isDense) return writeLoop(s, 0, s.length, out, pos, false);
  if (s.includes('=')) s = s.replaceAll('=', '=3D');
  let dirty = nextDirty(s, 0);
  let clean = '';
  let start = 0;
  for (;;) {
    const nl = s.indexOf('\n', start);
    const end = nl === -1 ? s.length : nl;
    if (dirty < end) {
      if (clean !== '') pos += out.write(clean, pos, 'latin1');
      clean = '';
      pos = writeLoop(s, start, end, out, pos, true);
      dirty = nextDirty(s, end);
    } else {
      clean += cleanLine(s, start, end);
    }
    if (nl === -1) break;
    // Between loop-written lines nothing is pending: write the break directly, not via a call.
    if (clean === '') {
      out[pos++] = CR;
      out[pos++] = LF;
    } else {
      clean += '\r\n';
    }
    start = nl + 1;
  }
  return clean === '' ? pos : pos + out.write(clean, pos, 'latin1');
}

/**
 * Whether the character loop should take the whole text: line by line, each line with a
 * non-ASCII character costs a regex call besides the loop. Extra UTF-8 bytes count those
 * characters cheaply; measured crossover about one in 40 characters.
 */
export function isDenseText(text: string): boolean {
  return (Buffer.byteLength(text, 'utf8') - text.length) * DENSE_RATIO > text.length;
}

function nextDirty(s: string, from: number): number {
  DIRTY.lastIndex = from;
  return DIRTY.test(s) ? DIRTY.lastIndex - 1 : s.length;
}

/** A line of printable ASCII ('=' already escaped): its trailing whitespace escaped, wrapped. */
function cleanLine(s: string, start: number, end: number): string {
  let tail = '';
  const last = s.charCodeAt(end - 1);
  if (end > start && (last === SP || last === TAB)) {
    tail = last === SP ? '=20' : '=09';
    end--;
  }
  if (end - start + tail.length <= QP_LINE + 1) return s.slice(start, end) + tail;
  let out = '';
  let pos = start;
  while (end - pos + tail.length > QP_LINE + 1) {
    let cut = Math.min(pos + QP_LINE, end);
    if (s.charCodeAt(cut - 1) === EQUALS) cut -= 1;
    else if (s.charCodeAt(cut - 2) === EQUALS) cut -= 2;
    out += s.slice(pos, cut) + '=\r\n';
    pos = cut;
  }
  return out + s.slice(pos, end) + tail;
}

/** The character loop over s[start, end), lines ending in LF; '=' maybe already escaped. */
function writeLoop(
  s: string,
  start: number,
  end: number,
  out: Buffer,
  pos: number,
  isPreEscaped: boolean,
): number {
  let column = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    const kind = c < 0x80 ? QP_KIND[c]! : NON_ASCII;
    if (kind === LITERAL || (kind === SPACE && i + 1 < end && s.charCodeAt(i + 1) !== LF)) {
      if (column === QP_LINE) {
        pos = softBreak(out, pos);
        column = 0;
      }
      out[pos++] = c;
      column++;
    } else if (kind === LINE_BREAK) {
      out[pos++] = CR;
      out[pos++] = LF;
      column = 0;
    } else if (kind === NON_ASCII) {
      let cp = c;
      if (c >= 0xd800 && c <= 0xdfff) {
        const low = s.charCodeAt(i + 1);
        if (c <= 0xdbff && i + 1 < end && low >= 0xdc00 && low <= 0xdfff) {
          cp = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
          i++;
        } else {
          cp = 0xfffd;
        }
      }
      // Escaped UTF-8 is 3 characters a byte; a character's bytes stay on one line.
      const width = cp < 0x800 ? 6 : cp < 0x10000 ? 9 : 12;
      if (column + width > QP_LINE) {
        pos = softBreak(out, pos);
        column = 0;
      }
      pos = escapeUtf8(out, pos, cp);
      column += width;
    } else {
      if (column + 3 > QP_LINE) {
        pos = softBreak(out, pos);
        column = 0;
      }
      pos = escapeByte(out, pos, c);
      column += 3;
      // An =3D from the replaceAll: the escape is written, skip the rest of it.
      if (c === EQUALS && isPreEscaped) i += 2;
    }
  }
  return pos;
}

function escapeUtf8(out: Buffer, pos: number, cp: number): number {
  if (cp < 0x800) {
    pos = escapeByte(out, pos, 0xc0 | (cp >> 6));
  } else if (cp < 0x10000) {
    pos = escapeByte(out, pos, 0xe0 | (cp >> 12));
    pos = escapeByte(out, pos, 0x80 | ((cp >> 6) & 63));
  } else {
    pos = escapeByte(out, pos, 0xf0 | (cp >> 18));
    pos = escapeByte(out, pos, 0x80 | ((cp >> 12) & 63));
    pos = escapeByte(out, pos, 0x80 | ((cp >> 6) & 63));
  }
  return escapeByte(out, pos, 0x80 | (cp & 63));
}

function escapeByte(out: Buffer, pos: number, b: number): number {
  out[pos] = EQUALS;
  out[pos + 1] = HEX[b >> 4]!;
  out[pos + 2] = HEX[b & 15]!;
  return pos + 3;
}

function softBreak(out: Buffer, pos: number): number {
  out[pos] = EQUALS;
  out[pos + 1] = CR;
  out[pos + 2] = LF;
  return pos + 3;
}

/** RFC 2045 quoted-printable of UTF-8 text with CRLF line breaks and soft breaks at 76. */
export function quotedPrintable(input: string): string {
  const out = Buffer.allocUnsafe(input.length * 10 + 3);
  return out.toString('latin1', 0, writeQuotedPrintable(input, out, 0));
}
