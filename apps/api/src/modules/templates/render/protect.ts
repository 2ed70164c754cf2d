import { randomBytes } from 'node:crypto';
import { Tokenizer, TokenKind } from 'liquidjs';
import { plainLiquid } from './liquid.js';

/**
 * MJML, Markdown and html-to-text do not understand Liquid: `[x]({{ unsubscribe_url }})` is not
 * a Markdown link (spaces), MJML drops text between sections, html-to-text wraps lines inside
 * `{{ … }}`. Before such a step every Liquid tag and output is swapped for an inert placeholder
 * (upper-case letters and digits only, so escaping, linkifying and upper-casing leave it alone)
 * and swapped back afterwards.
 */

export interface LiquidSpan {
  /** Offset of the span in the text it was cut from. */
  offset: number;
  source: string;
  /** `{% … %}` (structure) rather than `{{ … }}` (a value). */
  isTag: boolean;
  placeholder: string;
  /** 1-based line of the placeholder in the protected text. */
  protectedLine: number;
}

export interface ProtectedText {
  text: string;
  spans: LiquidSpan[];
  prefix: string;
}

export interface Placement {
  /** Offset of the restored span in the restored text. */
  start: number;
  span: LiquidSpan;
}

export interface RestoredText {
  text: string;
  placements: Placement[];
  /** Spans the step dropped. */
  missing: LiquidSpan[];
}

/** Expects Liquid that already parsed: tokenizing never fails then. */
export function protectLiquid(input: string): ProtectedText {
  let prefix: string;
  do {
    prefix = `HLQ${randomLetters(6)}`;
  } while (input.includes(prefix));

  const tokens = new Tokenizer(input).readTopLevelTokens(plainLiquid.options);
  const spans: LiquidSpan[] = [];
  let text = '';
  let line = 1;
  for (const token of tokens) {
    const source = input.slice(token.begin, token.end);
    if (token.kind === TokenKind.HTML) {
      text += source;
      line += countNewlines(source);
      continue;
    }
    const placeholder = `${prefix}${spans.length}Q`;
    text += placeholder;
    spans.push({
      offset: token.begin,
      source,
      isTag: token.kind === TokenKind.Tag,
      placeholder,
      protectedLine: line,
    });
  }
  return { text, spans, prefix };
}

export function restoreLiquid(output: string, p: ProtectedText): RestoredText {
  const pattern = new RegExp(`${p.prefix}(\\d+)Q`, 'g');
  const seen = new Set<number>();
  const placements: Placement[] = [];
  let text = '';
  let last = 0;
  for (let m = pattern.exec(output); m; m = pattern.exec(output)) {
    const index = Number(m[1]);
    const span = p.spans[index];
    if (!span) continue;
    text += output.slice(last, m.index);
    placements.push({ start: text.length, span });
    text += span.source;
    last = m.index + m[0].length;
    seen.add(index);
  }
  text += output.slice(last);
  return { text, placements, missing: p.spans.filter((_, i) => !seen.has(i)) };
}

/** Maps a line reported on the protected text back to the line in the original input. */
export function originalLine(p: ProtectedText, protectedLine: number): number {
  let line = protectedLine;
  for (const span of p.spans) {
    if (span.protectedLine >= protectedLine) break;
    line += countNewlines(span.source);
  }
  return line;
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

function randomLetters(n: number): string {
  return Array.from(randomBytes(n), (b) => String.fromCharCode(65 + (b % 26))).join('');
}
