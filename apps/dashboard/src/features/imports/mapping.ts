import type { SelectOption } from '../../components/ui/select';
import type { CustomField } from '../fields/api';
import { FIELD_TYPE_LABELS } from '../fields/field-types';
import type { ImportColumn } from './api';

/** Where a CSV column can go, as the API's mapping names it. */
export const CONTACT_TARGETS: readonly { field: string; label: string; hint: string }[] = [
  { field: 'email', label: 'Email', hint: 'Required: identifies the contact' },
  { field: 'firstName', label: 'First name', hint: 'Built-in field' },
  { field: 'lastName', label: 'Last name', hint: 'Built-in field' },
  { field: 'phone', label: 'Phone', hint: 'Built-in field' },
  { field: 'timezone', label: 'Time zone', hint: 'e.g. Europe/Paris' },
  { field: 'locale', label: 'Language', hint: 'e.g. en or pt-BR' },
  { field: 'status', label: 'Status', hint: 'subscribed, unsubscribed…' },
  { field: 'tags', label: 'Tags', hint: 'Several tags separated by commas or semicolons' },
];

/** The select value for a column's target: `field:email`, `attr:plan` or `ignore`. */
export function targetValue(column: ImportColumn): string {
  const { target } = column;
  if (target.kind === 'field' && target.field) return `field:${target.field}`;
  if (target.kind === 'attribute' && target.key) return `attr:${target.key}`;
  return 'ignore';
}

/** A mapping choice (`email`, `plan`, `ignore`) → its select value. */
export function selectValue(choice: string): string {
  if (choice === 'ignore') return 'ignore';
  return CONTACT_TARGETS.some((t) => t.field === choice) ? `field:${choice}` : `attr:${choice}`;
}

/** Select value → what the API's `mapping` expects for that column. */
export const mappingValue = (value: string): string =>
  value === 'ignore' ? 'ignore' : value.slice(value.indexOf(':') + 1);

const BUILT_IN = new Set(CONTACT_TARGETS.map((t) => t.field.toLowerCase()));
const normalize = (text: string) =>
  text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');

/** Mirrors the API: `Company Name` → `company_name`, the key an unmatched column is stored under. */
export function toAttributeKey(header: string): string {
  return header
    .replace(/(\p{Ll}|\p{N})(\p{Lu})/gu, '$1_$2')
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/[^\p{L}\p{N}]+/gu, '_')
    .replace(/^_+|_+$/g, '');
}

/**
 * The choices for one column: the built-in fields, every custom field, an attribute named after
 * the column, and "don't import". An attribute key that reads like a built-in field can't be
 * offered: the API would take it as that field.
 */
export function targetOptions(
  column: ImportColumn,
  fields: readonly CustomField[],
  ownKey: string,
): SelectOption<string>[] {
  const options: SelectOption<string>[] = CONTACT_TARGETS.map((t) => ({
    value: `field:${t.field}`,
    label: t.label,
    description: t.hint,
  }));
  const keys = new Set<string>();
  for (const field of fields) {
    keys.add(field.key);
    options.push({
      value: `attr:${field.key}`,
      label: `Attribute: ${field.key}`,
      description: `${field.label} · ${FIELD_TYPE_LABELS[field.type]}`,
    });
  }
  const current = column.target.kind === 'attribute' ? column.target.key : undefined;
  for (const key of [current, ownKey]) {
    if (!key || keys.has(key) || BUILT_IN.has(normalize(key))) continue;
    keys.add(key);
    options.push({ value: `attr:${key}`, label: `Attribute: ${key}`, description: 'Text' });
  }
  options.push({ value: 'ignore', label: 'Don’t import', description: 'Skip this column' });
  return options;
}

const DELIMITERS: Record<string, string> = {
  ',': 'Comma',
  ';': 'Semicolon',
  '\t': 'Tab',
  '|': 'Pipe',
};
export const delimiterLabel = (delimiter: string) =>
  DELIMITERS[delimiter]
    ? `${DELIMITERS[delimiter]} (${delimiter === '\t' ? '⇥' : delimiter})`
    : delimiter;

const ENCODINGS: Record<string, string> = {
  'utf-8': 'UTF-8',
  'utf-16le': 'UTF-16 LE',
  'utf-16be': 'UTF-16 BE',
  'windows-1252': 'Windows-1252 (Western European)',
};
export const encodingLabel = (encoding: string) =>
  ENCODINGS[encoding.toLowerCase()] ?? encoding.toUpperCase();

const count = (text: string, char: string) => text.split(char).length - 1;

/** One CSV line into cells, honouring double quotes ("a, b" and "" inside quotes). */
export function splitCsvLine(line: string, delimiter: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let isQuoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (isQuoted) {
      if (char === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') isQuoted = false;
      else cell += char;
    } else if (char === '"' && cell === '') isQuoted = true;
    else if (char === delimiter) {
      cells.push(cell.trim());
      cell = '';
    } else cell += char;
  }
  cells.push(cell.trim());
  return cells;
}

/**
 * The header row, read here in the browser. Only a fallback: when no column looks like email the
 * API's preview refuses the file without naming its columns, and someone has to say which one.
 */
export async function readHeaderRow(file: File): Promise<string[]> {
  const bytes = new Uint8Array(await file.slice(0, 64 * 1024).arrayBuffer());
  const encoding =
    bytes[0] === 0xff && bytes[1] === 0xfe
      ? 'utf-16le'
      : bytes[0] === 0xfe && bytes[1] === 0xff
        ? 'utf-16be'
        : 'utf-8';
  const text = new TextDecoder(encoding).decode(bytes).replace(/^\uFEFF/, '');
  const line = text.split(/\r\n|\n|\r/)[0] ?? '';
  const delimiter = [',', ';', '\t', '|'].reduce((best, d) =>
    count(line, d) > count(line, best) ? d : best,
  );
  return splitCsvLine(line, delimiter).filter((cell) => cell !== '');
}
