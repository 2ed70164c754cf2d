import { describe, expect, it } from 'vitest';
import { inspectCsv, readCsv, type CsvRecord, type ReadCsvOptions } from './reader.js';

async function* inChunks(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function readAll(
  file: string | Buffer,
  options: ReadCsvOptions = {},
  chunkSize = 64 * 1024,
): Promise<CsvRecord[]> {
  const bytes = typeof file === 'string' ? Buffer.from(file) : file;
  const records: CsvRecord[] = [];
  for await (const batch of readCsv(inChunks(bytes, chunkSize), options)) records.push(...batch);
  return records;
}

const cellsOf = (records: CsvRecord[]) => records.map((r) => r.cells);

describe('readCsv', () => {
  it('yields the header and rows with 1-based line numbers', async () => {
    const records = await readAll('email,name\na@x.com,Ann\nb@x.com,Bo\n');
    expect(records).toEqual([
      { line: 1, cells: ['email', 'name'] },
      { line: 2, cells: ['a@x.com', 'Ann'] },
      { line: 3, cells: ['b@x.com', 'Bo'] },
    ]);
  });

  it.each([
    [';', 'email;name\na@x.com;Ann, Lee\n'],
    ['\t', 'email\tname\na@x.com\tAnn, Lee\n'],
    ['|', 'email|name\na@x.com|Ann, Lee\n'],
  ])('sniffs the %j delimiter', async (_, file) => {
    expect(cellsOf(await readAll(file))).toEqual([
      ['email', 'name'],
      ['a@x.com', 'Ann, Lee'],
    ]);
  });

  it('uses the given delimiter instead of sniffing', async () => {
    expect(cellsOf(await readAll('a;b\n1;2\n', { delimiter: ',' }))).toEqual([['a;b'], ['1;2']]);
  });

  it('handles RFC 4180 quoting: delimiters, doubled quotes, empty quoted fields', async () => {
    const records = await readAll(
      'name,company,note\n"Doe, John","Acme ""Rockets"" Inc",""\n"",x,\n',
    );
    expect(cellsOf(records)).toEqual([
      ['name', 'company', 'note'],
      ['Doe, John', 'Acme "Rockets" Inc', ''],
      ['', 'x', ''],
    ]);
  });

  it('keeps newlines inside quotes and numbers later lines by physical line', async () => {
    const file =
      'email,note\na@x.com,"line one\nline two\r\nline three"\nb@x.com,plain\n"c@x.com","x\ry"\nd@x.com,z\n';
    const records = await readAll(file);
    expect(records).toEqual([
      { line: 1, cells: ['email', 'note'] },
      { line: 2, cells: ['a@x.com', 'line one\nline two\r\nline three'] },
      { line: 5, cells: ['b@x.com', 'plain'] },
      { line: 6, cells: ['c@x.com', 'x\ry'] },
      { line: 8, cells: ['d@x.com', 'z'] },
    ]);
  });

  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['lone CR', '\r'],
  ])('reads %s line endings', async (_, eol) => {
    const file =
      ['email,name', 'a@x.com,Ann', '"b@x.com","B""o"', '', 'c@x.com,Cy'].join(eol) + eol;
    expect(await readAll(file, {}, 1)).toEqual(await readAll(file));
    expect(await readAll(file)).toEqual([
      { line: 1, cells: ['email', 'name'] },
      { line: 2, cells: ['a@x.com', 'Ann'] },
      { line: 3, cells: ['b@x.com', 'B"o'] },
      { line: 5, cells: ['c@x.com', 'Cy'] },
    ]);
  });

  it('reads mixed line endings in one file', async () => {
    const records = await readAll('a,b\r\n1,2\n3,4\r5,6\r\n');
    expect(records.map((r) => [r.line, ...r.cells])).toEqual([
      [1, 'a', 'b'],
      [2, '1', '2'],
      [3, '3', '4'],
      [4, '5', '6'],
    ]);
  });

  it('reads a last record without a final newline, quoted or not', async () => {
    expect(cellsOf(await readAll('a,b\n1,2'))).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(cellsOf(await readAll('a,b\n1,"2"'))).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(cellsOf(await readAll('a,b\n1,'))).toEqual([
      ['a', 'b'],
      ['1', ''],
    ]);
  });

  it('skips empty, whitespace-only and all-blank lines but keeps counting them', async () => {
    const file = '\nemail,name\n\n   \n\t\na@x.com,Ann\n,,\n" ", \nb@x.com,\n\n\n\r\n';
    expect(await readAll(file)).toEqual([
      { line: 2, cells: ['email', 'name'] },
      { line: 6, cells: ['a@x.com', 'Ann'] },
      { line: 9, cells: ['b@x.com', ''] },
    ]);
  });

  it('passes rows with too few or too many cells through unchanged', async () => {
    expect(cellsOf(await readAll('a,b,c\n1\n1,2,3,4\n'))).toEqual([
      ['a', 'b', 'c'],
      ['1'],
      ['1', '2', '3', '4'],
    ]);
  });

  it('keeps a quote inside an unquoted field and text after a closing quote', async () => {
    expect(cellsOf(await readAll('a,b\n55" TV,"x"y\n'))).toEqual([
      ['a', 'b'],
      ['55" TV', 'xy'],
    ]);
    // RFC 4180 has no spaces before an opening quote; such a quote is data.
    expect(cellsOf(await readAll('a,b\nx, "y"\n'))).toEqual([
      ['a', 'b'],
      ['x', ' "y"'],
    ]);
  });

  it('reports an unterminated quote at the end of the file as an error record', async () => {
    const records = await readAll('email,note\na@x.com,ok\nb@x.com,"never closed\nc@x.com,x\n');
    expect(records).toEqual([
      { line: 1, cells: ['email', 'note'] },
      { line: 2, cells: ['a@x.com', 'ok'] },
      {
        line: 3,
        cells: ['b@x.com', 'never closed\nc@x.com,x\n'],
        error: 'unterminated quoted field: the quote opened on line 3 is never closed',
      },
    ]);
  });

  it('stops with an error record when one record outgrows maxRecordLength', async () => {
    const file = `email,note\na@x.com,"${'x'.repeat(500)}\nb@x.com,y\n${'z,z\n'.repeat(200)}`;
    const records = await readAll(file, { maxRecordLength: 100 }, 16);
    expect(records).toHaveLength(2);
    expect(records[1]!.line).toBe(2);
    expect(records[1]!.cells).toEqual([]);
    expect(records[1]!.error).toMatch(/longer than 100 characters/);
  });

  it('yields batches of at most batchSize records', async () => {
    const file = 'email\n' + Array.from({ length: 2500 }, (_, i) => `u${i}@x.com`).join('\n');
    const sizes: number[] = [];
    let lastLine = 0;
    for await (const batch of readCsv(inChunks(Buffer.from(file), 1000), { batchSize: 1000 })) {
      sizes.push(batch.length);
      lastLine = batch.at(-1)!.line;
    }
    expect(sizes).toEqual([1000, 1000, 501]);
    expect(lastLine).toBe(2501);
  });

  it('closes the source when the consumer stops early', async () => {
    let isClosed = false;
    async function* source(): AsyncGenerator<Buffer> {
      try {
        for (let i = 0; ; i++) yield Buffer.from(`row${i},x\n`.repeat(100));
      } finally {
        isClosed = true;
      }
    }
    for await (const batch of readCsv(source(), { batchSize: 10 })) {
      expect(batch).toHaveLength(10);
      break;
    }
    expect(isClosed).toBe(true);
  });

  it('reads Windows-1252 and UTF-16 files', async () => {
    const latin = Buffer.concat([
      Buffer.from('name;city\n'),
      Buffer.from([0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72, 0x3b, 0x4b, 0xf6, 0x6c, 0x6e, 0x0a]),
    ]);
    expect(cellsOf(await readAll(latin))).toEqual([
      ['name', 'city'],
      ['Müller', 'Köln'],
    ]);
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from('name\tcity\r\nZoë\tNîmes\r\n', 'utf16le'),
    ]);
    expect(cellsOf(await readAll(utf16))).toEqual([
      ['name', 'city'],
      ['Zoë', 'Nîmes'],
    ]);
  });

  it('honours a forced encoding and still skips its BOM', async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a,b\nZoë,1\n')]);
    expect(cellsOf(await readAll(bytes, { encoding: 'utf-8' }))).toEqual([
      ['a', 'b'],
      ['Zoë', '1'],
    ]);
  });

  describe('chunk boundaries', () => {
    // Every kind of boundary: inside a multibyte character and a surrogate pair, between CR and
    // LF, between the two quotes of an escaped quote, after a closing quote, inside a BOM.
    const text = [
      'email,first name,note',
      'zoe@example.com,Zoë,"said ""hi"", then left"',
      '"multi@example.com","Ünal","a\r\nb\nc"',
      'emoji@example.com,😀,""""',
      '',
      '   ',
      'last@example.com,Łukasz,"end"',
    ].join('\r\n');
    const files: [string, Buffer][] = [
      ['UTF-8 + BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])],
      ['UTF-8, no final newline', Buffer.from(text)],
      ['UTF-8, final CRLF', Buffer.from(text + '\r\n')],
      ['UTF-16LE + BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])],
      [
        'UTF-16BE + BOM',
        Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]),
      ],
    ];
    const expected: CsvRecord[] = [
      { line: 1, cells: ['email', 'first name', 'note'] },
      { line: 2, cells: ['zoe@example.com', 'Zoë', 'said "hi", then left'] },
      { line: 3, cells: ['multi@example.com', 'Ünal', 'a\r\nb\nc'] },
      { line: 6, cells: ['emoji@example.com', '😀', '"'] },
      { line: 9, cells: ['last@example.com', 'Łukasz', 'end'] },
    ];

    it.each(files)('gives the same records for %s in any chunk size', async (_, bytes) => {
      expect(await readAll(bytes)).toEqual(expected);
      for (const size of [1, 2, 3, 5, 7, 64]) {
        expect(await readAll(bytes, {}, size)).toEqual(expected);
      }
    });

    it('gives the same records for Windows-1252 in 1-byte chunks', async () => {
      const bytes = Buffer.from(
        'name,city\r\n"M\xfcller, J","K\xf6ln"\r\n\x80,\x93x\x94\r\n',
        'latin1',
      );
      const whole = await readAll(bytes);
      expect(cellsOf(whole)).toEqual([
        ['name', 'city'],
        ['Müller, J', 'Köln'],
        ['€', '“x”'],
      ]);
      expect(await readAll(bytes, {}, 1)).toEqual(whole);
    });
  });
});

describe('readCsv round-trip', () => {
  /** Deterministic so a failure reproduces. */
  function random(seed: number): () => number {
    let state = seed;
    return () => {
      state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
      return state / 2 ** 31;
    };
  }

  it('reads back whatever an RFC 4180 writer produced, in any chunking', async () => {
    const next = random(42);
    const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
    const pieces = ['a', 'Zoë', '😀', ',', ';', '"', '""', ' ', '\n', '\r\n', '\r', 'x y'];
    for (let round = 0; round < 60; round++) {
      const eol = pick(['\n', '\r\n', '\r']);
      const delimiter = pick([',', ';', '\t', '|'] as const);
      const expected: CsvRecord[] = [];
      let text = '';
      let line = 1;
      for (let r = 0; r < 1 + Math.floor(next() * 8); r++) {
        // A leading letter keeps the record from being all blank, which the reader skips.
        const cells = Array.from({ length: 1 + Math.floor(next() * 4) }, (_, c) => {
          let cell = c === 0 ? 'k' : '';
          for (let k = Math.floor(next() * 5); k > 0; k--) cell += pick(pieces);
          return cell;
        });
        const quoted = cells.map((cell) =>
          /[",;\t|\r\n]/.test(cell) || next() < 0.2 ? `"${cell.replaceAll('"', '""')}"` : cell,
        );
        const record = quoted.join(delimiter);
        expected.push({ line, cells });
        text += record + eol;
        line += 1 + (record.match(/\r\n|\r|\n/g)?.length ?? 0);
      }
      const bytes = Buffer.from(next() < 0.5 ? text : text.slice(0, -eol.length));
      expect(await readAll(bytes, { delimiter }), text).toEqual(expected);
      expect(await readAll(bytes, { delimiter }, 1 + Math.floor(next() * 6)), text).toEqual(
        expected,
      );
    }
  });
});

describe('inspectCsv', () => {
  const file =
    'Email Address;First Name\n' +
    Array.from({ length: 15 }, (_, i) => `u${i}@x.com;Name ${i}`).join('\n');

  it('returns encoding, delimiter, header and the first 10 rows', async () => {
    const preview = await inspectCsv(Buffer.from(file));
    expect(preview.encoding).toBe('utf-8');
    expect(preview.delimiter).toBe(';');
    expect(preview.header).toEqual(['Email Address', 'First Name']);
    expect(preview.rows).toHaveLength(10);
    expect(preview.rows[0]).toEqual(['u0@x.com', 'Name 0']);
    expect(preview.rows[9]).toEqual(['u9@x.com', 'Name 9']);
  });

  it('leaves out a possibly cut last record unless told the bytes are the whole file', async () => {
    const bytes = Buffer.from('email,name\na@x.com,Ann\nb@x.com,Bo');
    expect((await inspectCsv(bytes)).rows).toEqual([['a@x.com', 'Ann']]);
    expect((await inspectCsv(bytes, { isComplete: true })).rows).toEqual([
      ['a@x.com', 'Ann'],
      ['b@x.com', 'Bo'],
    ]);
  });

  it('detects a UTF-16 file with a BOM and a tab delimiter', async () => {
    const bytes = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from('Email\tVorname\r\nzoe@x.de\tZoë\r\n', 'utf16le'),
    ]);
    expect(await inspectCsv(bytes)).toEqual({
      encoding: 'utf-16le',
      delimiter: '\t',
      header: ['Email', 'Vorname'],
      rows: [['zoe@x.de', 'Zoë']],
    });
  });

  it('returns an empty preview for an empty file', async () => {
    expect(await inspectCsv(Buffer.alloc(0), { isComplete: true })).toEqual({
      encoding: 'utf-8',
      delimiter: ',',
      header: [],
      rows: [],
    });
  });
});
