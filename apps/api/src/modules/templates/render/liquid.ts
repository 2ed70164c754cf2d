import {
  Context,
  Liquid,
  LiquidError,
  toValue,
  toValueSync,
  type Emitter,
  type FilterImplOptions,
  type Template,
} from 'liquidjs';
import type { DisplayTimezone } from './context.js';
import type { FastPart, FastTags } from './fast.js';
import { registerDateFilters, TIMEZONE_REGISTER } from './dates.js';

/**
 * The two LiquidJS engines every template shares, sandboxed and bounded. Engines are built once
 * per process: per-render state (time and memory budgets, display timezone, preheader) travels
 * in a LiquidJS Context, never in engine options.
 */

/** Wall-clock budget for rendering one message, all parts together. (1 s) */
export const RENDER_TIME_LIMIT_MS = 1_000;
/** Characters one rendered message may have, all parts together. (2 MiB) */
export const OUTPUT_LIMIT_CHARS = 2 * 1024 * 1024;
/**
 * LiquidJS allocation units per message: range elements plus characters built by filters.
 * `(1..100000000)` exceeds it before the loop starts. (5,000,000)
 */
export const MEMORY_LIMIT_UNITS = 5_000_000;
/** Characters per parsed part, as written or as compiled from MJML/Markdown. (2 MiB) */
export const PARSE_LIMIT_CHARS = 2 * 1024 * 1024;

const PREHEADER_REGISTER = 'herald:preheader';
/** Internal tag that prints the rendered preheader (HTML-escaped) inside the HTML part. */
export const PREHEADER_TAG = '{% herald_preheader %}';

type FilterHandler = Extract<FilterImplOptions, (...args: never[]) => unknown>;

function createEngine(escapeOutput: boolean): Liquid {
  const engine = new Liquid({
    ownPropertyOnly: true,
    strictFilters: true,
    // Missing values render empty; unknown names are reported by the pre-send checks instead.
    strictVariables: false,
    // An empty in-memory file system: nothing can ever be read from disk.
    templates: {},
    cache: false,
    locale: 'en-US',
    timezoneOffset: 0,
    parseLimit: PARSE_LIMIT_CHARS,
    renderLimit: RENDER_TIME_LIMIT_MS,
    memoryLimit: MEMORY_LIMIT_UNITS,
    outputEscape: escapeOutput ? 'escape' : undefined,
  });
  for (const name of ['include', 'render', 'layout']) {
    engine.registerTag(name, {
      parse() {
        throw new Error(
          `{% ${name} %} is not available in email templates: each template is self-contained`,
        );
      },
      render() {
        return undefined;
      },
    });
  }
  registerDateFilters(engine);
  if (escapeOutput) {
    // Marked raw so `{{ x | escape }}` written out of habit is not escaped a second time.
    for (const name of ['escape', 'escape_once', 'xml_escape']) {
      engine.registerFilter(name, { handler: builtinFilter(engine, name), raw: true });
    }
    engine.registerTag('herald_preheader', {
      render(ctx: Context) {
        return escapeHtml(ctx.getRegister<string>(PREHEADER_REGISTER, ''));
      },
    });
  }
  return engine;
}

function builtinFilter(engine: Liquid, name: string): FilterHandler {
  const impl = engine.filters[name];
  if (typeof impl !== 'function') throw new Error(`LiquidJS has no built-in ${name} filter`);
  return impl;
}

/** Subject, preheader and text: nothing is escaped. */
export const plainLiquid = createEngine(false);
/** The HTML part: every output is HTML-escaped unless its last filter is `raw`. */
export const htmlLiquid = createEngine(true);

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&#34;',
  "'": '&#39;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** Engine-internal tags the fast path renders itself (see fast.ts). */
export const FAST_TAGS: FastTags = {
  herald_preheader: (context) => escapeHtml(context().getRegister<string>(PREHEADER_REGISTER, '')),
};

export interface LiquidFailure {
  /** Offset in the parsed or rendered input where the problem is. */
  offset: number;
  message: string;
  /** A time, memory or size limit stopped the render; later parts would fail the same way. */
  isLimit: boolean;
}

export function parseLiquid(
  engine: Liquid,
  input: string,
): { ok: true; templates: Template[] } | { ok: false; failure: LiquidFailure } {
  try {
    return { ok: true, templates: engine.parse(input) };
  } catch (error) {
    return { ok: false, failure: describeLiquidError(error) };
  }
}

class OutputLimitError extends Error {
  constructor() {
    super(`output limit of ${OUTPUT_LIMIT_CHARS} characters exceeded`);
  }
}

/**
 * Renders the parts of one message. All parts share one time budget, one memory budget and
 * one output budget, so a message costs at most RENDER_TIME_LIMIT_MS however it is split.
 */
export class RenderSession {
  private limits: Context | undefined;
  private shared: { engine: Liquid; ctx: Context } | undefined;
  private remainingOutput = OUTPUT_LIMIT_CHARS;
  /** Printed by the preheader slot of the HTML part; set once the preheader is rendered. */
  preheader = '';

  constructor(
    private readonly scope: Record<string, unknown>,
    private readonly timezone: DisplayTimezone,
  ) {}

  /** Synchronous: every tag and filter we register is synchronous. */
  render(engine: Liquid, templates: Template[], fast: FastPart | null = null): string {
    if (fast) {
      const text = fast(this.scope, () => this.context(engine));
      if (text.length > this.remainingOutput) throw new OutputLimitError();
      this.remainingOutput -= text.length;
      return text;
    }
    const ctx = this.context(engine, true);
    const emitter: Emitter = {
      buffer: '',
      write: (value: unknown) => {
        const text = stringify(value);
        if (text.length > this.remainingOutput) throw new OutputLimitError();
        this.remainingOutput -= text.length;
        emitter.buffer += text;
      },
    };
    toValueSync(engine.renderer.renderTemplates(templates, ctx, emitter));
    return emitter.buffer;
  }

  /**
   * The part's LiquidJS Context. A fresh one per part for the LiquidJS path, so `assign` in the
   * subject does not leak into the body; the fast path cannot assign, so its parts share one.
   */
  private context(engine: Liquid, isFresh = false): Context {
    if (!isFresh && this.shared?.engine === engine) {
      this.shared.ctx.setRegister(PREHEADER_REGISTER, this.preheader);
      return this.shared.ctx;
    }
    const ctx = new Context(
      this.scope,
      engine.options,
      { sync: true },
      {
        liquid: engine,
        renderLimit: this.limits?.renderLimit,
        memoryLimit: this.limits?.memoryLimit,
      },
    );
    this.limits ??= ctx;
    ctx.setRegister(TIMEZONE_REGISTER, this.timezone);
    ctx.setRegister(PREHEADER_REGISTER, this.preheader);
    if (!isFresh) this.shared = { engine, ctx };
    return ctx;
  }
}

/** Same conversion LiquidJS applies to output values. */
function stringify(value: unknown): string {
  const v: unknown = toValue(value);
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map(stringify).join('');
  return String(v);
}

const MESSAGES: [RegExp, (m: RegExpExecArray) => string][] = [
  [
    /^template render limit exceeded/,
    () =>
      `Rendering took longer than ${RENDER_TIME_LIMIT_MS / 1000} s and was stopped. Look for a loop over a very large range.`,
  ],
  [
    /^memory alloc limit exceeded|^Invalid string length/,
    () =>
      'Rendering was stopped because it built too much data, for example a loop over a huge range or text repeated many times.',
  ],
  [
    /^output limit of/,
    () =>
      `The rendered email would be larger than ${OUTPUT_LIMIT_CHARS / 1024 / 1024} MB. Look for a loop that repeats content many times.`,
  ],
  [
    /^parse length limit exceeded/,
    () => `This part is larger than ${PARSE_LIMIT_CHARS / 1024 / 1024} MB.`,
  ],
  [
    /^tag (\{%-?\s*(\w+)[\s\S]*?%\}) not closed/,
    (m) => `${m[1]} is never closed: add {% end${m[2]} %}.`,
  ],
  [/^tag "(.+)" not found/, (m) => `Unknown tag {% ${m[1]} %}.`],
  [/^undefined filter: (.+)/, (m) => `Unknown filter "${m[1]}".`],
  [/^output "(.*)" not closed/s, (m) => `${m[1]} is never closed: add }}.`],
];

export function describeLiquidError(error: unknown): LiquidFailure {
  if (!LiquidError.is(error)) {
    return { offset: 0, message: capitalize(String(error)), isLimit: false };
  }
  const original = error.originalError ?? error;
  const raw = original.message.replace(/, line:\d+, col:\d+$/, '');
  // V8's own string length cap is reached by doubling a captured string in a loop.
  const isLimit =
    original instanceof OutputLimitError ||
    /limit exceeded$/.test(raw) ||
    /^Invalid string length/.test(raw);
  let message = capitalize(raw);
  for (const [pattern, describe] of MESSAGES) {
    const match = pattern.exec(raw);
    if (match) {
      message = describe(match);
      break;
    }
  }
  return { offset: error.token.begin, message, isLimit };
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
