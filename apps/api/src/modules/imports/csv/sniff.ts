export type CsvDelimiter = ',' | ';' | '\t' | '|';

/** In order of preference when two candidates score the same. */
const CANDIDATES: readonly CsvDelimiter[] = [',', ';', '\t', '|'];

const CANDIDATE_CODES = new Set(CANDIDATES.map((d) => d.charCodeAt(0)));
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/**
 * Picks the delimiter whose count per record is the most consistent (same non-zero count on
 * the most records) over the first `maxRecords` records of the sample. Delimiters inside
 * quoted fields are not counted, so `"Doe, John";x` still reads as semicolon-separated.
 * Falls back to ',' when no candidate appears (a one-column file).
 */
export function sniffDelimiter(sampleText: string, maxRecords = 50): CsvDelimiter {
  let best: CsvDelimiter = ',';
  let bestConsistency = 0;
  let bestMode = 0;
  for (const delimiter of CANDIDATES) {
    const counts = countPerRecord(sampleText, delimiter.charCodeAt(0), maxRecords);
    const { mode, consistency } = scoreCounts(counts);
    if (
      consistency > bestConsistency ||
      (consistency === bestConsistency && consistency > 0 && mode > bestMode)
    ) {
      best = delimiter;
      bestConsistency = consistency;
      bestMode = mode;
    }
  }
  return best;
}

function scoreCounts(counts: number[]): { mode: number; consistency: number } {
  const frequency = new Map<number, number>();
  for (const count of counts) {
    if (count > 0) frequency.set(count, (frequency.get(count) ?? 0) + 1);
  }
  let mode = 0;
  let modeFrequency = 0;
  for (const [count, times] of frequency) {
    if (times > modeFrequency || (times === modeFrequency && count > mode)) {
      mode = count;
      modeFrequency = times;
    }
  }
  return { mode, consistency: counts.length === 0 ? 0 : modeFrequency / counts.length };
}

/**
 * Counts `delimiter` outside quotes in each non-blank record. A quote opens a quoted field
 * only at the start of a line or after a candidate delimiter, so `5" screen` stays literal.
 */
function countPerRecord(text: string, delimiter: number, maxRecords: number): number[] {
  const counts: number[] = [];
  let count = 0;
  let isBlank = true;
  let inQuotes = false;
  let atFieldStart = true;
  const len = text.length;
  for (let i = 0; i < len && counts.length < maxRecords; i++) {
    const c = text.charCodeAt(i);
    if (inQuotes) {
      if (c === QUOTE) {
        if (text.charCodeAt(i + 1) === QUOTE) i++;
        else inQuotes = false;
      }
      continue;
    }
    if (c === LF || c === CR) {
      if (!isBlank) counts.push(count);
      count = 0;
      isBlank = true;
      atFieldStart = true;
      continue;
    }
    if (c === delimiter) {
      count++;
      isBlank = false;
      atFieldStart = true;
      continue;
    }
    if (c === QUOTE && atFieldStart) inQuotes = true;
    if (c !== 0x20 && c !== 0x09) isBlank = false;
    // Under a wrong candidate the real delimiter is an ordinary character, yet a quote after it
    // still opens a field; otherwise `"a, b";"c, d"` would count a comma in its second field.
    atFieldStart = CANDIDATE_CODES.has(c);
  }
  // A sample cut from a larger file usually ends inside a record; count it only if it is the
  // only record there is.
  if (!isBlank && counts.length === 0) counts.push(count);
  return counts;
}
