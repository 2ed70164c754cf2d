/**
 * Just enough MIME (RFC 2045–2047) to show a stored message: its headers, decoded, and its
 * text and HTML parts. The outbox API returns only the raw source; the composer on the other
 * side writes multipart/alternative with 7bit, quoted-printable or base64 bodies.
 */

export interface MailHeader {
  name: string;
  /** Unfolded, with encoded words decoded. */
  value: string;
}

export interface ParsedMessage {
  headers: MailHeader[];
  text: string | null;
  html: string | null;
}

interface Part {
  headers: MailHeader[];
  body: string;
}

function splitHeaderBlock(source: string): Part {
  const match = /\r?\n\r?\n/.exec(source);
  const head = match ? source.slice(0, match.index) : source;
  const body = match ? source.slice(match.index + match[0].length) : '';
  const headers: MailHeader[] = [];
  for (const line of head.split(/\r?\n/)) {
    const last = headers.at(-1);
    if (/^[ \t]/.test(line) && last) {
      last.value += ' ' + line.trim();
      continue;
    }
    const colon = line.indexOf(':');
    if (colon > 0)
      headers.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
  }
  return { headers, body };
}

const headerValue = (headers: readonly MailHeader[], name: string): string =>
  headers.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value ?? '';

/** `text/html; charset="utf-8"` → { type: 'text/html', params: { charset: 'utf-8' } }. */
export function parseContentType(value: string): { type: string; params: Record<string, string> } {
  const [type = '', ...rest] = value.split(';');
  const params: Record<string, string> = {};
  for (const match of rest.join(';').matchAll(/([\w-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;\s]+)/g)) {
    const raw = match[2]!;
    params[match[1]!.toLowerCase()] = raw.startsWith('"')
      ? raw.slice(1, -1).replace(/\\(.)/g, '$1')
      : raw;
  }
  return { type: type.trim().toLowerCase() || 'text/plain', params };
}

function decodeBytes(bytes: Uint8Array, charset: string): string {
  try {
    return new TextDecoder(charset || 'utf-8').decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

/** Characters as bytes: ASCII as itself, anything else (8bit text) as its UTF-8. */
function toBytes(text: string, pushEscape?: (bytes: number[], at: number) => number): Uint8Array {
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  for (let i = 0; i < text.length; i++) {
    if (pushEscape) {
      const consumed = pushEscape(bytes, i);
      if (consumed > 0) {
        i += consumed - 1;
        continue;
      }
    }
    const code = text.charCodeAt(i);
    if (code < 128) bytes.push(code);
    else bytes.push(...encoder.encode(text[i]));
  }
  return new Uint8Array(bytes);
}

const HEX_PAIR = /^[0-9A-Fa-f]{2}$/;

/** Quoted-printable: soft breaks (`=` at a line end) vanish, `=XX` is a byte. */
export function decodeQuotedPrintable(text: string, charset = 'utf-8'): string {
  const joined = text.replace(/=\r?\n/g, '');
  const bytes = toBytes(joined, (out, at) => {
    if (joined[at] !== '=') return 0;
    const hex = joined.slice(at + 1, at + 3);
    if (!HEX_PAIR.test(hex)) return 0;
    out.push(parseInt(hex, 16));
    return 3;
  });
  return decodeBytes(bytes, charset);
}

export function decodeBase64(text: string, charset = 'utf-8'): string {
  try {
    const binary = atob(text.replace(/[^A-Za-z0-9+/=]/g, ''));
    return decodeBytes(
      Uint8Array.from(binary, (c) => c.charCodeAt(0)),
      charset,
    );
  } catch {
    return text;
  }
}

/** RFC 2047 encoded words (`=?utf-8?B?…?=`), as in a non-ASCII subject. */
export function decodeWords(value: string): string {
  return value
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(
      /=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g,
      (_, charset: string, encoding: string, text: string) =>
        encoding.toUpperCase() === 'B'
          ? decodeBase64(text, charset)
          : decodeQuotedPrintable(text.replace(/_/g, ' '), charset),
    );
}

function decodeBody(part: Part): string {
  const encoding = headerValue(part.headers, 'Content-Transfer-Encoding').toLowerCase();
  const charset =
    parseContentType(headerValue(part.headers, 'Content-Type')).params.charset ?? 'utf-8';
  if (encoding === 'base64') return decodeBase64(part.body, charset);
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(part.body, charset);
  return part.body;
}

function collect(part: Part, found: { text: string | null; html: string | null }, depth = 0) {
  const { type, params } = parseContentType(headerValue(part.headers, 'Content-Type'));
  const isAttachment = /^attachment/i.test(headerValue(part.headers, 'Content-Disposition'));
  if (type.startsWith('multipart/') && params.boundary && depth < 5) {
    const delimiter = `--${params.boundary}`;
    const sections = part.body.split(
      new RegExp(`\\r?\\n?${escapeRegExp(delimiter)}(?:--)?[ \\t]*\\r?\\n?`),
    );
    // Before the first delimiter is the preamble, after the last one the epilogue.
    for (const section of sections.slice(1, -1))
      collect(splitHeaderBlock(section), found, depth + 1);
    return;
  }
  if (isAttachment) return;
  if (type === 'text/html' && found.html === null) found.html = decodeBody(part);
  else if (type === 'text/plain' && found.text === null) found.text = decodeBody(part);
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function parseMessage(raw: string): ParsedMessage {
  const root = splitHeaderBlock(raw);
  const found = { text: null as string | null, html: null as string | null };
  collect(root, found);
  return {
    headers: root.headers.map((h) => ({ name: h.name, value: decodeWords(h.value) })),
    text: found.text?.replace(/\r\n/g, '\n') ?? null,
    html: found.html,
  };
}
