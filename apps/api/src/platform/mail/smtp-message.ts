import { isAscii } from 'node:buffer';

const CR = 13;
const LF = 10;
const DOT = 46;

/** Ends a payload that already ends with CRLF. */
const DOT_CRLF = '.\r\n';
/** Ends a payload whose last line has no line ending. */
const CRLF_DOT_CRLF = '\r\n.\r\n';

/**
 * The DATA payload for an RFC 5322 message: bare LF line endings become CRLF, a line starting
 * with '.' gets a second one (RFC 5321 §4.5.2), and the terminator follows. Returned as the body
 * and the terminator to write after it; the body is `message` itself when it needs no change,
 * which is the common case for a CRLF composer, so the hot path copies nothing.
 *
 * A bare CR is passed through: it cannot form the terminator, and rewriting it could change a
 * message the composer meant.
 */
export function encodeDataPayload(message: Buffer): [body: Buffer, terminator: string] {
  const length = message.length;
  if (length === 0) return [message, DOT_CRLF];
  let extra = message[0] === DOT ? 1 : 0;
  for (let lf = message.indexOf(LF); lf !== -1; lf = message.indexOf(LF, lf + 1)) {
    if (lf === 0 || message[lf - 1] !== CR) extra++;
    if (message[lf + 1] === DOT) extra++;
  }
  const endsWithLineBreak = message[length - 1] === LF;
  const tail = endsWithLineBreak ? DOT_CRLF : CRLF_DOT_CRLF;
  if (extra === 0) return [message, tail];

  const out = Buffer.allocUnsafe(length + extra);
  let at = 0;
  let from = 0;
  if (message[0] === DOT) out[at++] = DOT;
  for (let lf = message.indexOf(LF); lf !== -1; lf = message.indexOf(LF, from)) {
    at += message.copy(out, at, from, lf);
    if (lf === 0 || message[lf - 1] !== CR) out[at++] = CR;
    out[at++] = LF;
    from = lf + 1;
    if (message[from] === DOT) out[at++] = DOT;
  }
  message.copy(out, at, from, length);
  return [out, tail];
}

/** Whether the message needs `BODY=8BITMIME` (RFC 6152). */
export function hasEightBitData(message: Buffer): boolean {
  return !isAscii(message);
}

// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\x00-\x7f]/;
// eslint-disable-next-line no-control-regex
const FORBIDDEN_IN_PATH = /[\x00-\x20\x7f<>]/;

/** Whether the address needs SMTPUTF8 (RFC 6531). */
export function isInternationalAddress(address: string): boolean {
  return NON_ASCII.test(address);
}

/**
 * Why an envelope address cannot go into a MAIL/RCPT command, or null when it can. Control
 * characters and angle brackets would let an address inject commands into the session; spaces
 * are only legal inside quoted local parts, which bulk mail has no use for.
 */
export function envelopeAddressProblem(address: string, isSender: boolean): string | null {
  if (address === '') return isSender ? null : 'The recipient address is empty';
  if (FORBIDDEN_IN_PATH.test(address)) {
    return `The address contains a space, control character or angle bracket: ${JSON.stringify(address)}`;
  }
  return null;
}
