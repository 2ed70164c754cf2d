import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { planBody, quotedPrintable, writeQuotedPrintable } from './mime-body.js';
import {
  encodeHeaderValue,
  encodeWords,
  foldHeaderValue,
  stripHeaderControls,
} from './mime-header.js';

// The encoders of mime-header.ts and mime-body.ts, checked against decoders written from the RFCs.

/** Decoders written from RFC 2045/2047 for these tests, independent of the encoders. */
function decodeQuotedPrintable(encoded: string): string {
  const bytes: number[] = [];
  const joined = encoded.replaceAll('=\r\n', '');
  for (let i = 0; i < joined.length; i++) {
    if (joined[i] === '=') {
      bytes.push(Number.parseInt(joined.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(joined.charCodeAt(i));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

const ENCODED_WORD = /^=\?UTF-8\?([BQ])\?([^?]*)\?=$/;

/** Each encoded word decoded on its own, so a character split across words shows up as U+FFFD. */
function decodeHeaderValue(value: string): string {
  const unfolded = value.replace(/\r\n(?=[ \t])/g, '');
  if (!unfolded.startsWith('=?')) return unfolded;
  return unfolded
    .split(' ')
    .map((word) => {
      const match = ENCODED_WORD.exec(word);
      if (!match) throw new Error(`Not an encoded word: ${word}`);
      const [, kind, text] = match as unknown as [string, string, string];
      if (kind === 'B') return Buffer.from(text, 'base64').toString('utf8');
      return decodeQuotedPrintable(text.replaceAll('_', ' '));
    })
    .join('');
}

/** Well-formed QP: printable ASCII, tab and CRLF only, lines ≤ 76, whole escapes, no trailing space. */
function expectValidQuotedPrintable(encoded: string): void {
  expect(encoded).toMatch(/^[\x20-\x7e\t\r\n]*$/);
  expect(encoded.replaceAll('\r\n', '')).not.toMatch(/[\r\n]/);
  for (const line of encoded.split('\r\n')) {
    expect(line.length).toBeLessThanOrEqual(76);
    expect(line).not.toMatch(/[ \t]$/);
    expect(line.replace(/=[0-9A-F]{2}/g, '').replace(/=$/, '')).not.toContain('=');
  }
}

/** mulberry32: a small seeded PRNG, so a failing case can be replayed. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const RANGES: ReadonlyArray<readonly [number, number, number]> = [
  // [weight, from, to]
  [40, 0x20, 0x7e],
  [4, 0x20, 0x20],
  [2, 0x09, 0x09],
  [3, 0x0a, 0x0a],
  [1, 0x0d, 0x0d],
  [8, 0xa0, 0x17f],
  [5, 0x391, 0x44f],
  [6, 0x3040, 0x9fff],
  [2, 0xe000, 0xfffd],
  [6, 0x1f300, 0x1faff],
  [1, 0x10000, 0x10ffff],
];
const TOTAL_WEIGHT = RANGES.reduce((sum, [weight]) => sum + weight, 0);

function randomText(random: () => number, maxLength: number): string {
  const length = Math.floor(random() * maxLength);
  let text = '';
  for (let i = 0; i < length; i++) {
    let pick = random() * TOTAL_WEIGHT;
    for (const [weight, from, to] of RANGES) {
      pick -= weight;
      if (pick < 0) {
        text += String.fromCodePoint(from + Math.floor(random() * (to - from + 1)));
        break;
      }
    }
  }
  return text;
}

const toCrlf = (text: string) => text.replace(/\r\n?|\n/g, '\r\n');

/** Both strategies of the encoder: the character loop over everything, and line by line. */
function bothQuotedPrintable(text: string): [string, string] {
  const out = Buffer.alloc(text.length * 10 + 3);
  const dense = out.toString('latin1', 0, writeQuotedPrintable(text, out, 0, true));
  return [dense, out.toString('latin1', 0, writeQuotedPrintable(text, out, 0, false))];
}

describe('quotedPrintable', () => {
  it('escapes UTF-8 bytes and "=", keeps printable ASCII', () => {
    expect(quotedPrintable('héllo = wörld')).toBe('h=C3=A9llo =3D w=C3=B6rld');
    expect(quotedPrintable('😀')).toBe('=F0=9F=98=80');
  });

  it('escapes whitespace before a line break or the end, and only there', () => {
    expect(quotedPrintable('a b \nc\t\r\nd  ')).toBe('a b=20\r\nc=09\r\nd =20');
  });

  it('writes every line break as CRLF', () => {
    expect(quotedPrintable('a\nb\r\nc\rd')).toBe('a\r\nb\r\nc\r\nd');
  });

  it('soft-breaks long lines at 76 without splitting an escape or a character', () => {
    const text = 'x'.repeat(74) + 'é'.repeat(40) + '😀'.repeat(30) + '\n' + 'a='.repeat(100);
    for (const encoded of bothQuotedPrintable(text)) {
      expectValidQuotedPrintable(encoded);
      for (const line of encoded.split('\r\n')) {
        // Each line holds whole characters: its bytes decode without replacement characters.
        expect(decodeQuotedPrintable(line)).not.toContain('\ufffd');
      }
      expect(decodeQuotedPrintable(encoded)).toBe(toCrlf(text));
    }
  });

  it('turns a lone surrogate into U+FFFD, as Buffer does', () => {
    expect(decodeQuotedPrintable(quotedPrintable('a\ud800b\udc00'))).toBe('a\ufffdb\ufffd');
  });

  it('round-trips long, mostly-ASCII lines with "=", trailing whitespace and rare non-ASCII (seeded)', () => {
    const random = prng(31_337);
    const pieces = [
      'a',
      'b',
      'x',
      '=',
      '==',
      ' ',
      '\t',
      '.',
      'href="x"',
      '=3D',
      '  \n',
      '\t\n',
      '\n',
      '\r\n',
      '’',
      '😀',
    ];
    const weights = [20, 10, 10, 6, 2, 10, 2, 2, 4, 2, 2, 1, 2, 1, 1, 1];
    const total = weights.reduce((sum, w) => sum + w, 0);
    for (let run = 0; run < 300; run++) {
      let text = '';
      const length = Math.floor(random() * 600);
      for (let i = 0; i < length; i++) {
        let pick = random() * total;
        for (let k = 0; k < pieces.length; k++) {
          pick -= weights[k]!;
          if (pick < 0) {
            text += pieces[k];
            break;
          }
        }
      }
      for (const encoded of bothQuotedPrintable(text)) {
        expectValidQuotedPrintable(encoded);
        expect(decodeQuotedPrintable(encoded), `run ${run}: ${JSON.stringify(text)}`).toBe(
          toCrlf(text),
        );
      }
    }
  });

  it('round-trips random Unicode text (seeded)', () => {
    const random = prng(20_250_101);
    for (let run = 0; run < 400; run++) {
      const text = randomText(random, 400);
      for (const encoded of [quotedPrintable(text), ...bothQuotedPrintable(text)]) {
        expectValidQuotedPrintable(encoded);
        expect(decodeQuotedPrintable(encoded), `run ${run}: ${JSON.stringify(text)}`).toBe(
          toCrlf(text),
        );
      }
    }
  });
});

describe('encodeHeaderValue', () => {
  it('leaves short printable ASCII alone', () => {
    expect(encodeHeaderValue('Hello there', 9)).toBe('Hello there');
  });

  it('folds long ASCII at whitespace, within 78 columns, and unfolds to the input', () => {
    const subject = Array.from({ length: 30 }, (_, i) => `word${i}`).join(' ');
    const folded = encodeHeaderValue(subject, 'Subject: '.length);
    const lines = `Subject: ${folded}`.split('\r\n');
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(78);
    expect(folded.replaceAll('\r\n', '')).toBe(subject);
  });

  it('encodes words when a token cannot fit a 998-character line', () => {
    const value = 'y'.repeat(2000);
    const encoded = encodeHeaderValue(value, 9);
    expect(encoded.startsWith('=?UTF-8?')).toBe(true);
    expect(decodeHeaderValue(encoded)).toBe(value);
  });

  it('encodes ASCII that looks like an encoded word, so decoders give back the input', () => {
    const value = 'Try =?UTF-8?B?SGk=?= now';
    const encoded = encodeHeaderValue(value);
    expect(encoded).not.toContain('SGk=');
    expect(decodeHeaderValue(encoded)).toBe(value);
  });

  it('replaces CR, LF and other controls with spaces', () => {
    expect(encodeHeaderValue('Hi\r\nBcc: eve@example.com')).toBe('Hi Bcc: eve@example.com');
    expect(stripHeaderControls('a\u0000\u0007b\u007fc\td')).toBe('a b c\td');
  });

  it('picks Q or B, whichever is shorter', () => {
    expect(encodeHeaderValue('Neuigkeiten für Sie')).toMatch(/^=\?UTF-8\?Q\?/);
    expect(encodeHeaderValue('Grüße aus München')).toMatch(/^=\?UTF-8\?B\?/);
    expect(encodeHeaderValue('東京からのお知らせ')).toMatch(/^=\?UTF-8\?B\?/);
  });

  it('round-trips random Unicode in words ≤ 75 characters that never split a character (seeded)', () => {
    const random = prng(7_777);
    for (let run = 0; run < 400; run++) {
      const value = stripHeaderControls(randomText(random, 160));
      const encoded = encodeHeaderValue(value, 'Subject: '.length);
      const context = `run ${run}: ${JSON.stringify(value)}`;
      expect(encoded, context).toMatch(/^[\x20-\x7e\r\n\t]*$/);
      const lines = `Subject: ${encoded}`.split('\r\n');
      for (const line of lines) expect(line.length, context).toBeLessThanOrEqual(998);
      if (encoded.startsWith('=?')) {
        for (const line of lines) expect(line.length, context).toBeLessThanOrEqual(78);
        for (const word of encoded.split(/\r\n | /)) {
          expect(word.length, context).toBeLessThanOrEqual(75);
        }
      }
      // Lone surrogates are not generated, so a U+FFFD would mean a split character.
      expect(decodeHeaderValue(encoded), context).toBe(value);
    }
  });

  it('round-trips through mailparser', async () => {
    const random = prng(99);
    for (let run = 0; run < 60; run++) {
      // mailparser trims the subject; the composer does nothing to the ends, so compare trimmed.
      const value = stripHeaderControls(randomText(random, 120)).trim();
      const raw = `Subject: ${encodeHeaderValue(value, 9)}\r\nContent-Type: text/plain\r\n\r\nx`;
      const parsed = await simpleParser(Buffer.from(raw, 'latin1'));
      expect(parsed.subject ?? '', `run ${run}: ${JSON.stringify(value)}`).toBe(value);
    }
  });
});

describe('foldHeaderValue', () => {
  it('returns null when a token would pass 998 characters', () => {
    expect(foldHeaderValue(`<https://example.com/${'a'.repeat(1000)}>`, 18)).toBeNull();
  });

  it('never leaves a line of only whitespace', () => {
    const folded = foldHeaderValue(`${'a'.repeat(70)} b${' '.repeat(30)}`, 10)!;
    for (const line of folded.split('\r\n')) expect(line.trim()).not.toBe('');
    expect(folded.replaceAll('\r\n', '')).toBe(`${'a'.repeat(70)} b${' '.repeat(30)}`);
  });
});

describe('encodeWords', () => {
  it('shortens the first word to fit the line after the header name', () => {
    const encoded = encodeWords('é'.repeat(60), 'List-Unsubscribe-Post: '.length);
    const lines = `List-Unsubscribe-Post: ${encoded}`.split('\r\n');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(78);
  });
});

describe('planBody', () => {
  it('uses 7bit for ASCII with short lines', () => {
    expect(planBody('Hello\nworld\n', false)).toEqual({
      encoding: '7bit',
      content: 'Hello\r\nworld\r\n',
      isWhole: false,
    });
  });

  it('uses quoted-printable for long lines, accented Latin, and NUL', () => {
    expect(planBody('x'.repeat(999), false).encoding).toBe('quoted-printable');
    expect(planBody('x'.repeat(998), false).encoding).toBe('7bit');
    expect(planBody('Grüße aus München, bis bald!', false).encoding).toBe('quoted-printable');
    expect(planBody('nul \u0000', false).encoding).toBe('quoted-printable');
    // RFC 2045 §2.7 allows the other ASCII controls in 7bit.
    expect(planBody('bell \u0007', false).encoding).toBe('7bit');
  });

  it('uses base64 when non-Latin text would make QP larger', () => {
    expect(planBody('東京からのお知らせです。', false).encoding).toBe('base64');
    expect(planBody('Привет! Новости этой недели.', false).encoding).toBe('base64');
    expect(planBody('😀😀😀 party', false).encoding).toBe('base64');
  });

  it('keeps 7bit for a whole message only when it already ends with a line break', () => {
    expect(planBody('Hello\n', true).encoding).toBe('7bit');
    expect(planBody('Hello', true).encoding).toBe('quoted-printable');
  });
});
