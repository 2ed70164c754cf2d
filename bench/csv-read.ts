/**
 * CSV read throughput: csv-parse (with info + raw for line numbers) against Herald's
 * hand-written reader, both streaming the same generated contacts file from disk through the
 * same decoder. Prints JSON. Run: npx tsx bench/csv-read.ts [rows]
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { decodeStream } from '../apps/api/src/modules/imports/csv/encoding.js';
import { readCsv, type CsvRecord } from '../apps/api/src/modules/imports/csv/reader.js';

const ROWS = Number(process.argv[2] ?? 200_000);
const RUNS = 5;
const FIRST = ['Anna', 'Ben', 'Chloé', 'David', 'Emma', 'Jörg', 'Liam', 'Mia', 'Noah', 'Zoë'];
const LAST = ['Müller', 'Smith', 'García', 'Dubois', 'Rossi', "O'Brien", 'Nowak', 'Kim'];
const CITIES = ['Berlin', 'Paris', 'New York', 'São Paulo', 'Tokyo', 'Lagos'];

/** Typical 8-column export; one row in ten has a quoted company with an embedded comma. */
function generate(rows: number, quoteEverything: boolean): string {
  const q = (value: string) => (quoteEverything ? `"${value.replaceAll('"', '""')}"` : value);
  const lines = ['email,first_name,last_name,phone,company,city,signup_date,tags'.split(',')];
  for (let i = 0; i < rows; i++) {
    const first = FIRST[i % FIRST.length]!;
    const last = LAST[i % LAST.length]!;
    const company = i % 10 === 0 ? `"Acme ${i}, Inc."` : q(`Company ${i % 997}`);
    lines.push([
      q(`${first.toLowerCase()}.${i}@example${i % 50}.com`),
      q(first),
      q(last),
      q(`+4930${String(1_000_000 + i)}`),
      company,
      q(CITIES[i % CITIES.length]!),
      q(`2024-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`),
      q(i % 3 === 0 ? 'vip;newsletter' : 'newsletter'),
    ]);
  }
  return lines.map((cells) => cells.join(',')).join('\r\n') + '\r\n';
}

interface Result {
  rows: number;
  checksum: number;
}

function consume(batch: CsvRecord[], result: Result): void {
  for (const record of batch) {
    result.rows++;
    result.checksum = (result.checksum + record.line + record.cells.length) | 0;
  }
}

async function runHandWritten(path: string): Promise<Result> {
  const result = { rows: 0, checksum: 0 };
  for await (const batch of readCsv(createReadStream(path), { delimiter: ',' })) {
    consume(batch, result);
  }
  return result;
}

/** The same contract driven through csv-parse; line numbers derived from info.lines and raw. */
async function runCsvParse(path: string): Promise<Result> {
  const result = { rows: 0, checksum: 0 };
  const text = Readable.from(decodeStream(createReadStream(path), 'utf-8', 0));
  const parser = text.pipe(
    parse({
      delimiter: ',',
      info: true,
      raw: true,
      relax_quotes: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
    }),
  );
  let batch: CsvRecord[] = [];
  for await (const item of parser as AsyncIterable<{
    record: string[];
    raw: string;
    info: { lines: number };
  }>) {
    const embedded = item.raw.split('\n').length - 2;
    batch.push({ line: item.info.lines - Math.max(embedded, 0), cells: item.record });
    if (batch.length === 1000) {
      consume(batch, result);
      batch = [];
    }
  }
  consume(batch, result);
  return result;
}

async function measure(
  run: (path: string) => Promise<Result>,
  path: string,
): Promise<{ rowsPerSec: number; bestMs: number; result: Result }> {
  let bestMs = Infinity;
  let result: Result = { rows: 0, checksum: 0 };
  for (let i = 0; i < RUNS; i++) {
    const started = process.hrtime.bigint();
    result = await run(path);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    bestMs = Math.min(bestMs, ms);
  }
  // Header included: both readers yield it as the first record.
  return {
    rowsPerSec: Math.round((result.rows / bestMs) * 1000),
    bestMs: Math.round(bestMs),
    result,
  };
}

async function compare(path: string) {
  const csvParse = await measure(runCsvParse, path);
  const handWritten = await measure(runHandWritten, path);
  if (csvParse.result.rows !== handWritten.result.rows) {
    throw new Error(`row counts differ: ${csvParse.result.rows} vs ${handWritten.result.rows}`);
  }
  return {
    csvParse: { rowsPerSec: csvParse.rowsPerSec, bestMs: csvParse.bestMs },
    handWritten: { rowsPerSec: handWritten.rowsPerSec, bestMs: handWritten.bestMs },
    speedup: Math.round((handWritten.rowsPerSec / csvParse.rowsPerSec) * 10) / 10,
  };
}

const dir = await mkdtemp(join(tmpdir(), 'herald-csv-bench-'));
try {
  const plainPath = join(dir, 'contacts.csv');
  const quotedPath = join(dir, 'contacts-quoted.csv');
  const plain = generate(ROWS, false);
  await writeFile(plainPath, plain);
  await writeFile(quotedPath, generate(ROWS, true));
  const typical = await compare(plainPath);
  const allQuoted = await compare(quotedPath);
  console.log(
    JSON.stringify({
      rows: ROWS,
      bytes: Buffer.byteLength(plain),
      runs: RUNS,
      ...typical,
      allQuoted,
    }),
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
