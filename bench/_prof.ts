import { createReadStream } from 'node:fs';
import { readCsv } from '../apps/api/src/modules/imports/csv/reader.js';
import { mapColumns } from '../apps/api/src/modules/imports/csv/mapping.js';
import { convertRecord, copyLine } from '../apps/api/src/modules/imports/import.rows.js';
const file = '/tmp/herald-bench-100000.csv';
let t = performance.now(); let n = 0;
for await (const b of readCsv(createReadStream(file))) n += b.length;
console.log('parse', n, performance.now() - t);
t = performance.now(); let header: string[] | undefined; let cols: any; let k = 0; let bytes = 0;
for await (const b of readCsv(createReadStream(file))) for (const r of b) {
  if (!header) { header = r.cells; cols = mapColumns(header, []).columns; continue; }
  const x = convertRecord(r, cols, header.length, ',');
  if (!('reason' in x)) { bytes += copyLine('0191c0de-0000-7000-8000-000000000000', x).length; k++; }
}
console.log('convert+copyline', k, bytes, performance.now() - t);
