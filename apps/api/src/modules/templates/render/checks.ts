import { Parser } from 'htmlparser2';
import type { CompiledTemplate, TemplateSource, VariableUse } from './compile.js';
import { CONTACT_FIELDS, KNOWN_VARIABLES } from './context.js';
import { locate, positionAt, type TemplateIssue } from './positions.js';

/**
 * Pre-send checks. `error` blocks a campaign send (no unsubscribe link, empty subject); the rest
 * are warnings a marketer may accept. Render errors are not repeated here: renderTemplate
 * reports them and they block too.
 */

export interface TemplateCheck {
  code:
    | 'missing_unsubscribe'
    | 'unknown_variable'
    | 'malformed_link'
    | 'insecure_link'
    | 'image_missing_alt'
    | 'html_too_large'
    | 'missing_text_part'
    | 'subject_empty'
    | 'subject_too_long';
  severity: 'error' | 'warning';
  message: string;
  field?: TemplateIssue['field'];
  line?: number;
  column?: number;
}

/** Gmail hides everything after the first 102 KB of HTML behind "View entire message". */
export const HTML_CLIP_BYTES = 102 * 1024;
/** Inboxes cut subjects far shorter; past this length the end is never seen. */
export const SUBJECT_MAX_CHARS = 100;

type Where = Pick<TemplateCheck, 'field' | 'line' | 'column'>;

export function checkTemplate(
  source: TemplateSource,
  template: CompiledTemplate,
  rendered: { subject: string; html: string; text: string },
  knownAttributeKeys: readonly string[],
): TemplateCheck[] {
  const checks: TemplateCheck[] = [];
  const add = (
    code: TemplateCheck['code'],
    severity: TemplateCheck['severity'],
    message: string,
    where: Where = {},
  ) => checks.push({ code, severity, message, ...where });

  const subjectLength = [...rendered.subject.trim()].length;
  if (subjectLength === 0) {
    add('subject_empty', 'error', 'The subject is empty.', {
      field: 'subject',
      line: 1,
      column: 1,
    });
  } else if (subjectLength > SUBJECT_MAX_CHARS) {
    add(
      'subject_too_long',
      'warning',
      `The subject is ${subjectLength} characters long; inboxes show about the first 40–60, keep it under ${SUBJECT_MAX_CHARS}.`,
      { field: 'subject' },
    );
  }

  const usesUnsubscribe = (field: TemplateIssue['field']) =>
    template.variables.some((v) => v.field === field && v.path[0] === 'unsubscribe_url');
  const inBody = usesUnsubscribe('body');
  const inText = template.isTextGenerated ? inBody : usesUnsubscribe('text');
  if (!inBody && !inText) {
    add(
      'missing_unsubscribe',
      'error',
      'Add an unsubscribe link, e.g. <a href="{{ unsubscribe_url }}">Unsubscribe</a>: marketing email must let recipients opt out.',
      { field: 'body' },
    );
  } else if (!inBody || !inText) {
    add(
      'missing_unsubscribe',
      'warning',
      `The ${inBody ? 'text part' : 'HTML body'} has no {{ unsubscribe_url }} link; recipients who read that version cannot opt out.`,
      { field: inBody ? 'text' : 'body' },
    );
  }

  const attributeKeys = new Set(knownAttributeKeys);
  for (const use of template.variables) {
    const problem = unknownVariable(use, attributeKeys);
    if (problem) {
      add('unknown_variable', 'warning', problem, {
        field: use.field,
        line: use.line,
        column: use.column,
      });
    }
  }

  const whereInBody = (offset: number, text: string | undefined): Where => {
    const at = locate(template.parts.html.segments, offset);
    if (at) return { field: at.field, ...positionAt(template.sources[at.field], at.offset) };
    // MJML writes its own HTML; find the value in what the marketer wrote instead.
    const found = text ? template.sources.body.indexOf(text) : -1;
    return found === -1
      ? { field: 'body' }
      : { field: 'body', ...positionAt(template.sources.body, found) };
  };
  scanHtml(template.html, (name, attributes, offset) => {
    if ((name === 'a' || name === 'area') && attributes.href !== undefined) {
      const problem = linkProblem(attributes.href);
      if (problem)
        add(problem.code, 'warning', problem.message, whereInBody(offset, attributes.href));
    } else if (name === 'img' && attributes.alt === undefined && !isPixel(attributes)) {
      add(
        'image_missing_alt',
        'warning',
        altMessage(attributes.src),
        whereInBody(offset, attributes.src),
      );
    }
  });
  if (template.format === 'mjml') {
    // MJML always writes alt="", so a missing alt is only visible in the source.
    scanHtml(template.sources.body, (name, attributes, offset) => {
      if (name === 'mj-image' && attributes.alt === undefined) {
        const where = positionAt(template.sources.body, offset);
        add('image_missing_alt', 'warning', altMessage(attributes.src), {
          field: 'body',
          ...where,
        });
      }
    });
  }

  const htmlBytes = Buffer.byteLength(rendered.html);
  if (htmlBytes > HTML_CLIP_BYTES) {
    add(
      'html_too_large',
      'warning',
      `The HTML is ${Math.ceil(htmlBytes / 1024)} KB; Gmail clips messages over 102 KB and hides the rest, including the unsubscribe link.`,
      { field: 'body' },
    );
  }

  if (!source.text?.trim()) {
    add(
      'missing_text_part',
      'warning',
      'No text version was written; one is generated from the HTML. Review it, or write your own.',
      { field: 'text' },
    );
  }
  return checks;
}

function scanHtml(
  html: string,
  onTag: (name: string, attributes: Record<string, string>, offset: number) => void,
): void {
  const parser: Parser = new Parser(
    { onopentag: (name, attributes) => onTag(name, attributes, parser.startIndex) },
    { lowerCaseTags: true, lowerCaseAttributeNames: true, decodeEntities: true },
  );
  parser.end(html);
}

const LIQUID = /\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g;

function linkProblem(
  href: string,
): { code: 'malformed_link' | 'insecure_link'; message: string } | null {
  const value = href.trim();
  const malformed = (message: string) => ({ code: 'malformed_link' as const, message });
  if (value === '') return malformed('A link has an empty address.');
  // The address is a Liquid value such as {{ unsubscribe_url }}: it is checked when rendered.
  if (/^\{[{%]/.test(value)) return null;
  const literal = value.replace(LIQUID, 'x');
  if (literal.startsWith('#')) return null;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(literal)?.[1]?.toLowerCase();
  if (!scheme) {
    return malformed(`The link "${value}" is not a full address; links in email need https://.`);
  }
  if (scheme === 'mailto' || scheme === 'tel' || scheme === 'sms') return null;
  if (scheme !== 'http' && scheme !== 'https') {
    return malformed(`The link "${value}" uses "${scheme}:", which email clients do not open.`);
  }
  if (/\s/.test(literal) || !URL.canParse(literal) || new URL(literal).hostname === '') {
    return malformed(`The link "${value}" is not a valid address.`);
  }
  if (scheme === 'http') {
    return {
      code: 'insecure_link',
      message: `The link "${value}" uses http://; use https:// so clients and browsers do not flag it.`,
    };
  }
  return null;
}

/** Tracking pixels need no text alternative. */
function isPixel(attributes: Record<string, string>): boolean {
  return attributes.width === '1' && attributes.height === '1';
}

function altMessage(src: string | undefined): string {
  const image = src ? `The image "${src}"` : 'An image';
  return `${image} has no alt text, shown when images are blocked and read by screen readers. Use alt="" for decoration.`;
}

const ARRAY_PROPERTIES = new Set(['size', 'first', 'last']);

function unknownVariable(use: VariableUse, attributeKeys: ReadonlySet<string>): string | null {
  const [root, key, subKey] = use.path;
  if (root === undefined) return null;
  const written = `{{ ${use.expression} }}`;
  if (!Object.hasOwn(KNOWN_VARIABLES, root)) {
    return `Unknown variable ${written}: it will render empty.${suggest(root, Object.keys(KNOWN_VARIABLES))}`;
  }
  const keys = KNOWN_VARIABLES[root];
  if (!keys || key === undefined || ARRAY_PROPERTIES.has(key)) return null;
  if (root !== 'contact') {
    if (keys.includes(key)) return null;
    return `Unknown variable ${written}: ${root} has no "${key}", so it will render empty.${suggest(key, keys, `${root}.`)}`;
  }
  const fields: readonly string[] = CONTACT_FIELDS;
  if (key === 'attributes') {
    if (subKey === undefined || attributeKeys.has(subKey)) return null;
    return `Unknown variable ${written}: no contact has an attribute "${subKey}", so it will render empty.${suggest(subKey, [...attributeKeys], 'contact.attributes.')}`;
  }
  if (fields.includes(key) || attributeKeys.has(key)) return null;
  return `Unknown variable ${written}: contacts have no field or attribute "${key}", so it will render empty.${suggest(key, [...fields, ...attributeKeys], 'contact.')}`;
}

function suggest(name: string, candidates: readonly string[], prefix = ''): string {
  let best: string | undefined;
  let bestDistance = Math.min(2, Math.floor(name.length / 3));
  for (const candidate of candidates) {
    const d = distance(name.toLowerCase(), candidate.toLowerCase());
    if (d <= bestDistance && candidate !== name) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best ? ` Did you mean ${prefix}${best}?` : '';
}

/** Levenshtein distance; names here are short. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}
