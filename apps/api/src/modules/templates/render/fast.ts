import { Output, Tag, type Context, type Liquid, type Template } from 'liquidjs';

/**
 * A straight-line renderer for the parts most email templates are made of: text and
 * `{{ path | filter: literal }}` outputs, nothing else. LiquidJS evaluates every output through
 * generators, which costs ~6 µs per output on our boxes (measured: a 2 KB body with 20 outputs
 * took ~250 µs, the largest cost of sending a message). Here a part compiles to an array of
 * literals and output functions that read the scope with the same own-property rules and call
 * the same filter implementations, so the result is identical — tested against LiquidJS on
 * the same templates. Anything else (tags, expressions with operators, dynamic keys, filters
 * that are not plain functions) keeps the LiquidJS path.
 */

export type FastPart = (scope: Record<string, unknown>, context: () => Context) => string;

interface Token {
  kind: number;
  content?: unknown;
  props?: Token[];
  variable?: Token;
}
interface FilterNode {
  handler: (this: unknown, ...args: unknown[]) => unknown;
  args: (Token | [string, Token])[];
  token: unknown;
}
interface OutputNode {
  value: { initial: { postfix: Token[] }; filters: FilterNode[] };
}

type Read = (scope: Record<string, unknown>, context: () => Context) => unknown;
type Step = string | ((scope: Record<string, unknown>, context: () => Context) => string);

/** A placeholder tag compiled by the engine itself (the preheader slot), rendered by `tags`. */
export type FastTags = Record<string, (context: () => Context) => string>;

export function compileFast(
  engine: Liquid,
  templates: readonly Template[],
  tags: FastTags = {},
): FastPart | null {
  const steps: Step[] = [];
  for (const node of templates) {
    if (node instanceof Tag) {
      const render = tags[node.name];
      if (!render) return null;
      steps.push((_scope, context) => render(context));
      continue;
    }
    if (node instanceof Output) {
      const output = compileOutput(engine, node as unknown as OutputNode);
      if (!output) return null;
      steps.push(output);
      continue;
    }
    // What is neither a tag nor an output is literal text (LiquidJS's HTML node).
    const text = (node as { str?: unknown }).str;
    if (typeof text !== 'string') return null;
    steps.push(text);
  }
  return (scope, context) => {
    let out = '';
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i]!;
      out += typeof step === 'string' ? step : step(scope, context);
    }
    return out;
  };
}

function compileOutput(engine: Liquid, node: OutputNode): Step | null {
  const { postfix } = node.value.initial;
  if (postfix.length !== 1) return null;
  const initial = compileValue(postfix[0]!);
  if (!initial) return null;
  const filters: ((
    value: unknown,
    scope: Record<string, unknown>,
    ctx: () => Context,
  ) => unknown)[] = [];
  for (const filter of node.value.filters) {
    // Generator and async filters need LiquidJS's machinery; so do keyword arguments.
    const kind = filter.handler.constructor.name;
    if (kind !== 'Function') return null;
    const args: Read[] = [];
    for (const arg of filter.args) {
      if (Array.isArray(arg)) return null;
      const read = compileValue(arg);
      if (!read) return null;
      args.push(read);
    }
    const token = filter.token;
    filters.push((value, scope, context) => {
      const argv: unknown[] = [value];
      for (const read of args) argv.push(read(scope, context));
      const result = filter.handler.apply({ context: context(), token, liquid: engine }, argv);
      if (isDeferred(result)) throw new Error('a filter returned a deferred value');
      return result;
    });
  }
  return (scope, context) => {
    let value = initial(scope, context);
    for (const apply of filters) value = apply(value, scope, context);
    return stringify(value);
  };
}

/** A literal, or a property path whose keys are all literal (`a.b`, `a["b c"]`, `a[0]`). */
function compileValue(token: Token): Read | null {
  if ('content' in token && token.props === undefined) {
    const value = token.content;
    return () => value;
  }
  if (token.props === undefined || token.variable !== undefined) return null;
  const keys: (string | number)[] = [];
  for (const prop of token.props) {
    if (!('content' in prop) || prop.props !== undefined) return null;
    const key = prop.content;
    if (typeof key !== 'string' && typeof key !== 'number') return null;
    keys.push(key);
  }
  if (typeof keys[0] !== 'string') return null;
  return (scope) => {
    let value: unknown = scope;
    for (const key of keys) {
      value = readProperty(value, key);
      if (value === undefined || value === null) return value;
    }
    return value;
  };
}

const hasOwn = Object.prototype.hasOwnProperty;

/** LiquidJS's readProperty with ownPropertyOnly, for the plain data a render scope holds. */
function readProperty(obj: unknown, key: string | number): unknown {
  if (obj === null || obj === undefined) return obj;
  if (Array.isArray(obj) && typeof key === 'number') {
    const index = key < 0 ? obj.length + key : key;
    return hasOwn.call(obj, index) ? obj[index] : undefined;
  }
  const value =
    (typeof obj === 'object' || typeof obj === 'string') && hasOwn.call(obj, key)
      ? (obj as never)[key]
      : undefined;
  if (typeof value === 'function') return undefined;
  if (value !== undefined) return value;
  if (key === 'size') {
    if (Array.isArray(obj) || typeof obj === 'string') return obj.length;
    if (typeof obj === 'object') return Object.keys(obj).length;
  }
  if (Array.isArray(obj) && key === 'first') return obj[0];
  if (Array.isArray(obj) && key === 'last') return obj[obj.length - 1];
  return undefined;
}

function isDeferred(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (typeof (value as { then?: unknown }).then === 'function' ||
      typeof (value as { next?: unknown }).next === 'function')
  );
}

/** The conversion LiquidJS applies when it writes an output. */
function stringify(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(stringify).join('');
  return String(value);
}
