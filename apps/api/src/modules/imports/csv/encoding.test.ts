import { describe, expect, it } from 'vitest';
import {
  bomLength,
  decodeSample,
  decodeStream,
  detectEncoding,
  type CsvEncoding,
} from './encoding.js';

const utf16be = (text: string) => Buffer.from(text, 'utf16le').swap16();

async function* inChunks(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function decodeAll(bytes: Buffer, size = bytes.length || 1): Promise<string> {
  const { encoding, bom } = detectEncoding(bytes);
  return decodeWith(bytes, encoding, bom, size);
}

async function decodeWith(
  bytes: Buffer,
  encoding: CsvEncoding,
  bom: number,
  size: number,
): Promise<string> {
  let text = '';
  for await (const part of decodeStream(inChunks(bytes, size), encoding, bom)) text += part;
  return text;
}

describe('detectEncoding', () => {
  it('recognizes a UTF-8 byte-order mark', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Zoë', 'utf8')]);
    expect(detectEncoding(bytes)).toEqual({ encoding: 'utf-8', bom: 3 });
  });

  it('recognizes UTF-16 byte-order marks', () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Zoë', 'utf16le')]);
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be('Zoë')]);
    expect(detectEncoding(le)).toEqual({ encoding: 'utf-16le', bom: 2 });
    expect(detectEncoding(be)).toEqual({ encoding: 'utf-16be', bom: 2 });
  });

  it('recognizes UTF-16 without a byte-order mark from its NUL bytes', () => {
    const text = 'email,first_name\nzoe@example.com,Zoë\n';
    expect(detectEncoding(Buffer.from(text, 'utf16le'))).toEqual({ encoding: 'utf-16le', bom: 0 });
    expect(detectEncoding(utf16be(text))).toEqual({ encoding: 'utf-16be', bom: 0 });
  });

  it('takes ASCII and valid UTF-8 as UTF-8', () => {
    expect(detectEncoding(Buffer.from('email\na@b.co\n'))).toEqual({ encoding: 'utf-8', bom: 0 });
    expect(detectEncoding(Buffer.from('name\nZoë Müller 😀\n'))).toEqual({
      encoding: 'utf-8',
      bom: 0,
    });
    expect(detectEncoding(Buffer.alloc(0))).toEqual({ encoding: 'utf-8', bom: 0 });
  });

  it('does not mistake a sample cut in the middle of a UTF-8 character for Windows-1252', () => {
    const bytes = Buffer.from('name\nZoë', 'utf8');
    expect(detectEncoding(bytes.subarray(0, bytes.length - 1))).toEqual({
      encoding: 'utf-8',
      bom: 0,
    });
  });

  it('falls back to Windows-1252 when the bytes are not UTF-8', () => {
    const muller = Buffer.from([0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72]);
    expect(detectEncoding(muller)).toEqual({ encoding: 'windows-1252', bom: 0 });
  });
});

describe('bomLength', () => {
  it('counts the BOM only when it belongs to the given encoding', () => {
    const bytes = Buffer.from([0xef, 0xbb, 0xbf, 0x41]);
    expect(bomLength(bytes, 'utf-8')).toBe(3);
    expect(bomLength(bytes, 'windows-1252')).toBe(0);
    expect(bomLength(Buffer.from([0xff, 0xfe, 0x41, 0]), 'utf-16le')).toBe(2);
    expect(bomLength(Buffer.from('abc'), 'utf-8')).toBe(0);
  });
});

describe('decodeStream', () => {
  const text = 'email;name\r\nzoe@example.com;Zoë 😀\r\n"x";"Müller ""M"""\r\n';
  const files: [string, Buffer][] = [
    ['UTF-8 with BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])],
    ['UTF-8', Buffer.from(text)],
    ['UTF-16LE with BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])],
    ['UTF-16BE with BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(text)])],
    ['UTF-16LE without BOM', Buffer.from(text, 'utf16le')],
  ];

  it.each(files)('decodes %s identically in 1-byte, 3-byte and whole chunks', async (_, bytes) => {
    expect(await decodeAll(bytes)).toBe(text);
    expect(await decodeAll(bytes, 3)).toBe(text);
    expect(await decodeAll(bytes, 1)).toBe(text);
  });

  it('decodes Windows-1252, including the € and curly quotes Latin-1 lacks', async () => {
    const bytes = Buffer.from([
      0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72, 0x20, 0x80, 0x35, 0x20, 0x93, 0x68, 0x69, 0x94, 0x20,
      0x92, 0x9f, 0xe9,
    ]);
    expect(await decodeAll(bytes)).toBe('Müller €5 “hi” ’Ÿé');
    expect(await decodeAll(bytes, 1)).toBe('Müller €5 “hi” ’Ÿé');
  });

  it('maps all 32 Windows-1252 bytes 0x80–0x9F per the WHATWG table', async () => {
    const bytes = Buffer.from(Array.from({ length: 32 }, (_, i) => 0x80 + i));
    const decoded = await decodeWith(bytes, 'windows-1252', 0, 32);
    expect([...decoded].map((c) => c.codePointAt(0))).toEqual([
      0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039,
      0x152, 0x8d, 0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc,
      0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
    ]);
  });

  it('replaces invalid bytes in a UTF-8 stream instead of failing', async () => {
    const bytes = Buffer.concat([Buffer.from('ok,'), Buffer.from([0xff]), Buffer.from(',end')]);
    expect(await decodeWith(bytes, 'utf-8', 0, 1)).toBe('ok,\ufffd,end');
  });

  it('reports a character cut off by the end of the file as U+FFFD', async () => {
    const bytes = Buffer.from('Zoë').subarray(0, 3);
    expect(await decodeWith(bytes, 'utf-8', 0, 1)).toBe('Zo\ufffd');
  });

  it('skips a BOM split across chunks', async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a')]);
    expect(await decodeWith(bytes, 'utf-8', 3, 1)).toBe('a');
  });
});

describe('decodeSample', () => {
  it('decodes a prefix without the BOM and leaves out a trailing partial character', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Zoë')]);
    expect(decodeSample(bytes, 'utf-8', 3)).toBe('Zoë');
    expect(decodeSample(bytes.subarray(0, bytes.length - 1), 'utf-8', 3)).toBe('Zo');
  });
});
