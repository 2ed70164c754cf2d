import {
  bomLength,
  decodeSample,
  decodeStream,
  detectEncoding,
  type CsvEncoding,
  type DetectedEncoding,
} from './encoding.js';
import { CsvParser, type CsvRecord } from './parser.js';
import { sniffDelimiter, type CsvDelimiter } from './sniff.js';

export type { CsvRecord } from './parser.js';

export interface ReadCsvOptions {
  /** Field delimiter. (Default: sniffed from the first 64 KiB) */
  delimiter?: CsvDelimiter;
  /** Text encoding of the file. (Default: detected from the first 64 KiB) */
  encoding?: CsvEncoding;
  /** Records per yielded batch. (Default: 1000) */
  batchSize?: number;
  /**
   * Characters one record may span before reading stops with an error record; guards against
   * an unclosed quote buffering the rest of the file. (Default: 1_048_576)
   */
  maxRecordLength?: number;
}

export interface CsvPreview {
  encoding: CsvEncoding;
  delimiter: CsvDelimiter;
  /** Cells of the first non-blank record. */
  header: string[];
  /** Cells of up to 10 records after the header. */
  rows: string[][];
}

export interface InspectCsvOptions {
  delimiter?: CsvDelimiter;
  encoding?: CsvEncoding;
  /**
   * Whether `firstBytes` is the whole file. When it is only a prefix, a last record without a
   * line break may be cut short and is left out. (Default: false)
   */
  isComplete?: boolean;
}

const SAMPLE_BYTES = 64 * 1024;
const PREVIEW_ROWS = 10;

/**
 * Streams the records of a CSV file in batches, the header included as the first record.
 * Memory stays at about one chunk plus one batch whatever the file size. Malformed records
 * (an unterminated quote at the end of the file) arrive with `error` set instead of throwing,
 * so the import can report them by line. Cell counts are not checked here: the caller
 * compares them with the header.
 */
export async function* readCsv(
  source: AsyncIterable<Buffer>,
  options: ReadCsvOptions = {},
): AsyncGenerator<CsvRecord[]> {
  const batchSize = options.batchSize ?? 1000;
  const iterator = source[Symbol.asyncIterator]();
  try {
    const head = await readHead(iterator, SAMPLE_BYTES);
    const { encoding, bom } = resolveEncoding(head, options.encoding);
    const delimiter = options.delimiter ?? sniffDelimiter(decodeSample(head, encoding, bom));
    const parser = new CsvParser(delimiter, options.maxRecordLength ?? 1_048_576);
    let pending: CsvRecord[] = [];
    for await (const text of decodeStream(prepend(head, iterator), encoding, bom)) {
      parser.push(text, pending);
      if (pending.length >= batchSize) {
        let start = 0;
        for (; pending.length - start >= batchSize; start += batchSize) {
          yield pending.slice(start, start + batchSize);
        }
        pending = pending.slice(start);
      }
    }
    parser.end(pending);
    for (let start = 0; start < pending.length; start += batchSize) {
      yield pending.slice(start, start + batchSize);
    }
  } finally {
    // Closes the underlying file when the consumer stops early.
    await iterator.return?.();
  }
}

/**
 * Encoding, delimiter, header and first rows of a file from its first bytes, for the mapping
 * screen. 64 KiB is plenty for the preview and the guesses.
 */
export async function inspectCsv(
  firstBytes: Buffer,
  options: InspectCsvOptions = {},
): Promise<CsvPreview> {
  const { encoding, bom } = resolveEncoding(firstBytes, options.encoding);
  const text = decodeSample(firstBytes, encoding, bom);
  const delimiter = options.delimiter ?? sniffDelimiter(text);
  const parser = new CsvParser(delimiter, Number.MAX_SAFE_INTEGER);
  const records: CsvRecord[] = [];
  parser.push(text, records);
  if (options.isComplete) parser.end(records);
  const [header, ...rest] = records;
  return {
    encoding,
    delimiter,
    header: header?.cells ?? [],
    rows: rest.slice(0, PREVIEW_ROWS).map((record) => record.cells),
  };
}

function resolveEncoding(head: Buffer, encoding: CsvEncoding | undefined): DetectedEncoding {
  return encoding ? { encoding, bom: bomLength(head, encoding) } : detectEncoding(head);
}

async function readHead(iterator: AsyncIterator<Buffer>, bytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  while (length < bytes) {
    const next = await iterator.next();
    if (next.done) break;
    chunks.push(next.value);
    length += next.value.length;
  }
  return Buffer.concat(chunks, length);
}

async function* prepend(head: Buffer, iterator: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  if (head.length > 0) yield head;
  for (;;) {
    const next = await iterator.next();
    if (next.done) return;
    yield next.value;
  }
}
