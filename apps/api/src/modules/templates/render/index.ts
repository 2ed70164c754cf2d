/**
 * The template rendering engine: compile a template version once (`compileTemplate`), render it
 * per recipient (`renderTemplate`), and check it before a send (`checkTemplate`). Pure code:
 * no database, no HTTP.
 */
export {
  compileTemplate,
  type BodyFormat,
  type CompiledPart,
  type CompiledTemplate,
  type CompileResult,
  type TemplateIssue,
  type TemplateSource,
  type VariableUse,
} from './compile.js';
export { renderTemplate, type RenderResult } from './render.js';
export { checkTemplate, HTML_CLIP_BYTES, SUBJECT_MAX_CHARS, type TemplateCheck } from './checks.js';
export { KNOWN_VARIABLES, type RenderContextInput } from './context.js';
export {
  MEMORY_LIMIT_UNITS,
  OUTPUT_LIMIT_CHARS,
  PARSE_LIMIT_CHARS,
  RENDER_TIME_LIMIT_MS,
} from './liquid.js';
