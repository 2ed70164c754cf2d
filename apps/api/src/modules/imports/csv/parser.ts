export interface CsvRecord {
  /** 1-based physical line of the file on which the record starts. */
  line: number;
  cells: string[];
  /** Set when the record is malformed (an unterminated quote, an oversized record). */
  error?: string;
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

interface SlowRecord {
  cells: string[];
  /** Index just past the record's line break (or the end of the text). */
  end: number;
  /** Line breaks consumed, including the one that ends the record. */
  lineBreaks: number;
  error?: string;
}

/**
 * Incremental RFC 4180 parser over decoded text. Line breaks are LF, CRLF or a lone CR, inside
 * quotes too, so `line` stays the physical line number. Lenient where real files are sloppy:
 * a quote that does not open a field is literal (`5" screen`), and text after a closing quote
 * is kept (`"a"b` → `ab`). Records whose cells are all blank (empty lines, whitespace-only
 * lines, Excel's trailing `,,,` rows) carry no data and are skipped.
 *
 * Most rows of a contacts file contain no quote at all; those take a fast path that finds the
 * line end with indexOf and splits natively. Only records containing a quote or a lone CR go
 * through the character-level state machine.
 */
export class CsvParser {
  private readonly delimiter: string;
  private readonly delimiterCode: number;
  private readonly maxRecordLength: number;
  /** Text of a record that has started but not ended in the text seen so far. */
  private rest = '';
  /** Physical line on which `rest` starts. */
  private line = 1;
  private isStopped = false;

  constructor(delimiter: string, maxRecordLength: number) {
    if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
      throw new Error(`unusable CSV delimiter ${JSON.stringify(delimiter)}`);
    }
    this.delimiter = delimiter;
    this.delimiterCode = delimiter.charCodeAt(0);
    this.maxRecordLength = maxRecordLength;
  }

  /** Appends the complete records found in `text` (plus any carried-over text) to `out`. */
  push(text: string, out: CsvRecord[]): void {
    if (this.isStopped) return;
    this.parse(this.rest + text, false, out);
  }

  /** Flushes the last record: one without a final line break, or an unterminated quote. */
  end(out: CsvRecord[]): void {
    if (this.isStopped) return;
    this.parse(this.rest, true, out);
    this.rest = '';
    this.isStopped = true;
  }

  private parse(buf: string, isFinal: boolean, out: CsvRecord[]): void {
    const len = buf.length;
    const delimiter = this.delimiter;
    let line = this.line;
    let pos = 0;
    // Positions of the next quote / CR / LF at or after pos (len when none), refreshed lazily:
    // a file without quotes costs one quote search per chunk, and a CR-only file does not
    // rescan to the end of the chunk for an LF on every record.
    let nextQuote = -1;
    let nextCR = -1;
    let nl = -1;
    while (pos < len) {
      if (nextQuote < pos) nextQuote = indexOrEnd(buf, '"', pos);
      if (nextCR < pos) nextCR = indexOrEnd(buf, '\r', pos);
      if (nl < pos) nl = indexOrEnd(buf, '\n', pos);
      const isCrlf = nl < len && nextCR === nl - 1;
      if (nextQuote >= nl && (nextCR >= nl || isCrlf)) {
        if (nl === len && !isFinal) break;
        const text = buf.slice(pos, isCrlf ? nl - 1 : nl);
        if (text.length > 0) {
          const cells = text.split(delimiter);
          if (!isBlankRecord(cells)) out.push({ line, cells });
        }
        line++;
        pos = nl + 1;
        continue;
      }
      const record = this.parseQuotedRecord(buf, pos, line, isFinal);
      if (record === null) break;
      if (record.error !== undefined) {
        out.push({ line, cells: record.cells, error: record.error });
      } else if (!isBlankRecord(record.cells)) {
        out.push({ line, cells: record.cells });
      }
      line += record.lineBreaks;
      pos = record.end;
    }
    this.line = line;
    this.rest = pos < len ? buf.slice(pos) : '';
    if (this.rest.length > this.maxRecordLength) {
      // Almost always a stray quote swallowing the rest of the file: nothing after it can be
      // trusted, and buffering on would hold the whole file in memory.
      out.push({
        line,
        cells: [],
        error: `record is longer than ${this.maxRecordLength} characters (an unclosed quote?); reading stopped here`,
      });
      this.rest = '';
      this.isStopped = true;
    }
  }

  /** Parses one record at `start`, or returns null when it may continue past the text. */
  private parseQuotedRecord(
    buf: string,
    start: number,
    line: number,
    isFinal: boolean,
  ): SlowRecord | null {
    const len = buf.length;
    const d = this.delimiterCode;
    const cells: string[] = [];
    let lineBreaks = 0;
    let i = start;
    for (;;) {
      let value: string;
      if (i < len && buf.charCodeAt(i) === QUOTE) {
        const openedOnLine = line + lineBreaks;
        value = '';
        let from = i + 1;
        for (;;) {
          const q = buf.indexOf('"', from);
          if (q === -1) {
            if (!isFinal) return null;
            cells.push(value + buf.slice(from));
            return {
              cells,
              end: len,
              lineBreaks: lineBreaks + countLineBreaks(buf, from, len),
              error: `unterminated quoted field: the quote opened on line ${openedOnLine} is never closed`,
            };
          }
          lineBreaks += countLineBreaks(buf, from, q);
          value += buf.slice(from, q);
          // A quote at the very end may be the first half of an escaped "" in the next chunk.
          if (q + 1 >= len && !isFinal) return null;
          if (buf.charCodeAt(q + 1) === QUOTE) {
            value += '"';
            from = q + 2;
            continue;
          }
          i = q + 1;
          break;
        }
        const j = scanUnquoted(buf, i, d);
        if (j > i) value += buf.slice(i, j);
        i = j;
      } else {
        const j = scanUnquoted(buf, i, d);
        value = buf.slice(i, j);
        i = j;
      }
      cells.push(value);
      if (i >= len) {
        if (!isFinal) return null;
        return { cells, end: len, lineBreaks };
      }
      const c = buf.charCodeAt(i);
      if (c === d) {
        i++;
        continue;
      }
      if (c === LF) return { cells, end: i + 1, lineBreaks: lineBreaks + 1 };
      // CR: the LF of a CRLF may be the first character of the next chunk.
      if (i + 1 >= len && !isFinal) return null;
      const end = buf.charCodeAt(i + 1) === LF ? i + 2 : i + 1;
      return { cells, end, lineBreaks: lineBreaks + 1 };
    }
  }
}

function indexOrEnd(buf: string, search: string, from: number): number {
  const at = buf.indexOf(search, from);
  return at === -1 ? buf.length : at;
}

/** Index of the first delimiter, CR or LF at or after `from` (or the end of the text). */
function scanUnquoted(buf: string, from: number, delimiter: number): number {
  const len = buf.length;
  let j = from;
  while (j < len) {
    const c = buf.charCodeAt(j);
    if (c === delimiter || c === LF || c === CR) break;
    j++;
  }
  return j;
}

/** Counts LF, CRLF and lone CR as one line break each. */
function countLineBreaks(buf: string, from: number, to: number): number {
  let breaks = 0;
  for (let i = from; i < to; i++) {
    const c = buf.charCodeAt(i);
    if (c === LF) breaks++;
    else if (c === CR && buf.charCodeAt(i + 1) !== LF) breaks++;
  }
  return breaks;
}

function isBlankRecord(cells: string[]): boolean {
  for (const cell of cells) {
    if (cell.length > 0 && cell.trim().length > 0) return false;
  }
  return true;
}
