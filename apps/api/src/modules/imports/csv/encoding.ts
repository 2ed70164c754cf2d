export type CsvEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

export interface DetectedEncoding {
  encoding: CsvEncoding;
  /** Bytes of byte-order mark at the start of the file, to skip before decoding. */
  bom: number;
}

/** How many leading bytes the UTF-16 heuristic and the UTF-8 check look at. */
const SNIFF_BYTES = 64 * 1024;

/**
 * Guesses the encoding of a file from its first bytes (a few KiB is plenty; 64 KiB is used).
 * Order: byte-order mark, then the NUL pattern of BOM-less UTF-16, then UTF-8 validity.
 * Anything that is not valid UTF-8 is taken as Windows-1252, which is what Excel on Windows
 * writes for "CSV" and which maps every byte to a character, so decoding never fails.
 */
export function detectEncoding(sample: Buffer): DetectedEncoding {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) {
    return { encoding: 'utf-8', bom: 3 };
  }
  if (sample[0] === 0xff && sample[1] === 0xfe) return { encoding: 'utf-16le', bom: 2 };
  if (sample[0] === 0xfe && sample[1] === 0xff) return { encoding: 'utf-16be', bom: 2 };

  const head = sample.subarray(0, SNIFF_BYTES);
  const utf16 = guessBomlessUtf16(head);
  if (utf16) return { encoding: utf16, bom: 0 };
  return { encoding: isValidUtf8Prefix(head) ? 'utf-8' : 'windows-1252', bom: 0 };
}

/** Length of the byte-order mark of `encoding` at the start of `sample`, or 0. */
export function bomLength(sample: Buffer, encoding: CsvEncoding): number {
  const detected = detectEncoding(sample.subarray(0, 3));
  return detected.encoding === encoding ? detected.bom : 0;
}

/**
 * CSV text is mostly ASCII, which in UTF-16 puts a NUL in every other byte: odd offsets for
 * little-endian, even offsets for big-endian. UTF-8 and Windows-1252 text has no NULs at all.
 */
function guessBomlessUtf16(head: Buffer): 'utf-16le' | 'utf-16be' | null {
  const pairs = head.length >> 1;
  if (pairs < 2) return null;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < pairs * 2; i += 2) {
    if (head[i] === 0) evenNul++;
    if (head[i + 1] === 0) oddNul++;
  }
  if (oddNul >= pairs * 0.3 && evenNul <= pairs * 0.05) return 'utf-16le';
  if (evenNul >= pairs * 0.3 && oddNul <= pairs * 0.05) return 'utf-16be';
  return null;
}

/** The sample may end in the middle of a character; `stream: true` keeps that from failing. */
function isValidUtf8Prefix(head: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return true;
  } catch {
    return false;
  }
}

interface ChunkDecoder {
  decode(chunk: Buffer): string;
  flush(): string;
}

/**
 * Windows-1252 bytes 0x80–0x9F as Unicode (WHATWG index-windows-1252). Node's own
 * TextDecoder('windows-1252') decodes these as Latin-1 control characters since 20.18.3
 * (nodejs/node#60888), which would turn Excel's € and curly quotes into garbage.
 */
const WINDOWS_1252_C1 =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';
const C1_RANGE = /[\u0080-\u009f]/g;

function decodeWindows1252(chunk: Buffer): string {
  const latin1 = chunk.toString('latin1');
  return latin1.replace(C1_RANGE, (c) => WINDOWS_1252_C1[c.charCodeAt(0) - 0x80]!);
}

function createDecoder(encoding: CsvEncoding): ChunkDecoder {
  // Single-byte: a chunk boundary can never split a character.
  if (encoding === 'windows-1252') return { decode: decodeWindows1252, flush: () => '' };
  // ignoreBOM stays false so a second BOM (some exporters write two) is dropped as well.
  const decoder = new TextDecoder(encoding);
  return {
    decode: (chunk) => decoder.decode(chunk, { stream: true }),
    flush: () => decoder.decode(),
  };
}

/** Decodes a whole in-memory sample; an incomplete character at its end is left out. */
export function decodeSample(sample: Buffer, encoding: CsvEncoding, bom: number): string {
  return createDecoder(encoding).decode(sample.subarray(bom));
}

/**
 * Decodes a byte stream chunk by chunk without holding more than one chunk. Characters split
 * across chunks are carried over by the decoder; invalid bytes become U+FFFD rather than
 * failing the import.
 */
export async function* decodeStream(
  source: AsyncIterable<Buffer>,
  encoding: CsvEncoding,
  bom: number,
): AsyncGenerator<string> {
  const decoder = createDecoder(encoding);
  let toSkip = bom;
  for await (const raw of source) {
    let chunk = raw;
    if (toSkip > 0) {
      const skipped = Math.min(toSkip, chunk.length);
      chunk = chunk.subarray(skipped);
      toSkip -= skipped;
    }
    if (chunk.length === 0) continue;
    const text = decoder.decode(chunk);
    if (text.length > 0) yield text;
  }
  const tail = decoder.flush();
  if (tail.length > 0) yield tail;
}
