/**
 * Header encoding for outgoing mail (DESIGN.md §5.3): RFC 2047 encoded words, folding, and the
 * control-character stripping that makes header injection impossible.
 */

/** RFC 5322 §2.1.1: header lines SHOULD stay within 78 characters and MUST within 998. */
export const HEADER_LINE = 78;
export const MAX_LINE = 998;

const SP = 0x20;
const TAB = 0x09;

/** '=?UTF-8?Q?' + '?=' around the payload of an encoded word, which may be 75 long (RFC 2047 §2). */
const WORD_OVERHEAD = 12;
const WORD_MAX = 75;

const HEX = Buffer.from('0123456789ABCDEF', 'latin1');

/**
 * Bytes an RFC 2047 'Q' word writes as themselves. Only the set allowed inside a phrase
 * (§5 rule 3), so one encoder serves display names and unstructured headers alike.
 */
const Q_LITERAL = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!*+-/') {
  Q_LITERAL[c.charCodeAt(0)] = 1;
}

/** Anything but tab and printable ASCII in a header value. */
const NOT_PRINTABLE = /[^\t -~]/;
/** CR, LF and the other controls a header may not carry; tab and all of Unicode above DEL may. */
const HEADER_CONTROL = /[^\t -~\u0080-\uffff]/;
const HEADER_CONTROLS = /[^\t -~\u0080-\uffff]+/g;
const FOLD_TOKENS = /[ \t]*[^ \t]+|[ \t]+/g;

/** Tab and printable ASCII only: nothing a header needs to encode. */
export function isPrintableAscii(value: string): boolean {
  return !NOT_PRINTABLE.test(value);
}

/**
 * Replaces every run of CR, LF and other control characters with one space, which is what makes
 * header injection impossible: nothing a caller passes can end a header line.
 */
export function stripHeaderControls(value: string): string {
  return HEADER_CONTROL.test(value) ? value.replace(HEADER_CONTROLS, ' ') : value;
}

/**
 * RFC 2047 encoded-word encoding of an unstructured header value (Subject and the like) when it
 * is not plain ASCII, folded so lines stay within 78 characters. Control characters (CR, LF, …)
 * become spaces. When encoding is needed the whole value is encoded, 'B' or 'Q' by whichever is
 * shorter; words never split a character and are at most 75 characters long. Plain ASCII words
 * that look like encoded words ('=?') are encoded too, so decoders give back the input.
 *
 * @param offset Characters already on the first line, e.g. `'Subject: '.length`. (Default: 0)
 */
export function encodeHeaderValue(value: string, offset = 0): string {
  const clean = stripHeaderControls(value);
  if (isPrintableAscii(clean) && !clean.includes('=?')) {
    // Unfoldable ASCII (a token near 998 characters) still fits once encoded.
    const folded = foldHeaderValue(clean, offset);
    if (folded !== null) return folded;
  }
  return encodeWords(clean, offset);
}

/**
 * Folds an ASCII header value at whitespace so lines stay within 78 characters where possible.
 * Folding inserts CRLF before existing whitespace, so unfolding restores the value exactly.
 * Returns null when some token would leave a line over 998 characters.
 */
export function foldHeaderValue(value: string, offset: number): string | null {
  if (offset + value.length <= HEADER_LINE) return value;
  let out = '';
  let line = offset;
  let hasToken = false;
  for (const token of value.match(FOLD_TOKENS) ?? []) {
    const code = token.charCodeAt(0);
    const startsWithSpace = code === SP || code === TAB;
    // A token of only whitespace is the value's tail; folding before it would leave a blank line.
    const isTail = startsWithSpace && token.trim() === '';
    if (hasToken && startsWithSpace && !isTail && line + token.length > HEADER_LINE) {
      out += '\r\n';
      line = 0;
    }
    out += token;
    line += token.length;
    hasToken = true;
    if (line > MAX_LINE) return null;
  }
  return out;
}

/**
 * The whole text as a run of RFC 2047 encoded words (UTF-8) joined by folds. Whitespace between
 * adjacent encoded words is ignored by decoders (§6.2), so the folds add nothing to the value.
 *
 * @param offset Characters already on the first line; the first word is shortened to fit 78.
 */
export function encodeWords(text: string, offset = 0): string {
  if (text === '') return '';
  const bytes = Buffer.from(text, 'utf8');
  const n = bytes.length;
  let qLength = 0;
  for (let i = 0; i < n; i++) qLength += qSize(bytes[i]!);
  const isBase64 = Math.ceil(n / 3) * 4 < qLength;
  const prefix = isBase64 ? '=?UTF-8?B?' : '=?UTF-8?Q?';

  const words: string[] = [];
  let limit = Math.min(WORD_MAX, Math.max(HEADER_LINE - offset, 24)) - WORD_OVERHEAD;
  let start = 0;
  let size = 0;
  let i = 0;
  while (i < n) {
    // A character is its lead byte and the continuation bytes (10xxxxxx) that follow it.
    let end = i + 1;
    while (end < n && (bytes[end]! & 0xc0) === 0x80) end++;
    let charSize: number;
    if (isBase64) {
      charSize = end - i;
    } else {
      charSize = 0;
      for (let k = i; k < end; k++) charSize += qSize(bytes[k]!);
    }
    const capacity = isBase64 ? Math.floor(limit / 4) * 3 : limit;
    if (size + charSize > capacity && i > start) {
      words.push(prefix + encodeWordPayload(bytes, start, i, isBase64) + '?=');
      start = i;
      size = 0;
      limit = WORD_MAX - WORD_OVERHEAD;
    }
    size += charSize;
    i = end;
  }
  if (start < n) words.push(prefix + encodeWordPayload(bytes, start, n, isBase64) + '?=');
  return words.join('\r\n ');
}

/** 'Q' writes a space as '_' and escapes everything outside its literal set as =XX. */
function qSize(b: number): number {
  return Q_LITERAL[b] === 1 || b === SP ? 1 : 3;
}

function encodeWordPayload(bytes: Buffer, start: number, end: number, isBase64: boolean): string {
  if (isBase64) return bytes.toString('base64', start, end);
  let out = '';
  for (let i = start; i < end; i++) {
    const b = bytes[i]!;
    if (Q_LITERAL[b] === 1) out += String.fromCharCode(b);
    else if (b === SP) out += '_';
    else out += '=' + String.fromCharCode(HEX[b >> 4]!, HEX[b & 15]!);
  }
  return out;
}
