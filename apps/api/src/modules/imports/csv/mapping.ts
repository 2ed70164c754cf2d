export const CONTACT_FIELDS = [
  'email',
  'firstName',
  'lastName',
  'phone',
  'timezone',
  'locale',
  'status',
  'tags',
] as const;
export type ContactField = (typeof CONTACT_FIELDS)[number];

export type AttributeType = 'string' | 'number' | 'boolean' | 'date';

export interface CustomFieldDefinition {
  key: string;
  type: AttributeType;
}

export type Target =
  | { kind: 'field'; field: ContactField }
  /** `type` is set when the column matched a custom field definition. */
  | { kind: 'attribute'; key: string; type?: AttributeType }
  | { kind: 'ignore' };

export interface ColumnMapping {
  header: string;
  /** 0-based position of the column in each record. */
  index: number;
  target: Target;
}

export interface MappingResult {
  /** One entry per header column, in file order. */
  columns: ColumnMapping[];
  /** Guesses and conflicts the user should look at before importing. */
  warnings: string[];
}

/**
 * Header spellings per built-in field, already normalized (see normalizeHeader). The first
 * entry is the field's canonical name. English plus the exports of Mailchimp, HubSpot and
 * Brevo, and the German, French, Spanish and Dutch words such files commonly carry.
 */
const SYNONYMS: Record<ContactField, readonly string[]> = {
  email: [
    'email',
    'emailaddress',
    'mail',
    'mailaddress',
    'emailadresse',
    'adresseemail',
    'primaryemail',
    'courriel',
    'correo',
    'correoelectronico',
  ],
  firstName: [
    'firstname',
    'fname',
    'first',
    'givenname',
    'forename',
    'vorname',
    'prenom',
    'nombre',
    'voornaam',
  ],
  lastName: [
    'lastname',
    'lname',
    'last',
    'surname',
    'familyname',
    'nachname',
    'nom',
    'apellido',
    'apellidos',
    'achternaam',
  ],
  phone: [
    'phone',
    'phonenumber',
    'mobile',
    'mobilephone',
    'mobilenumber',
    'mobilephonenumber',
    'telephone',
    'telephonenumber',
    'tel',
    'cell',
    'cellphone',
    'sms',
    'telefon',
    'telefonnummer',
    'handy',
  ],
  timezone: ['timezone', 'tz', 'ianatimezone'],
  locale: ['locale', 'language', 'lang', 'languagecode', 'preferredlanguage', 'sprache', 'langue'],
  status: ['status', 'subscriptionstatus', 'subscriberstatus', 'memberstatus', 'emailstatus'],
  tags: ['tags', 'tag'],
};

/**
 * Abbreviations match only exactly: one typo away from "fname" is "name" (a full-name column)
 * and from "lname" is "fname", neither of which is a typo of last name.
 */
const EXACT_ONLY = new Set(['fname', 'lname', 'first', 'last', 'mail', 'cell', 'handy', 'nom']);
/** Typos tolerated: none for short words, one for 5–8 characters, two from 9. */
const maxTypos = (length: number) => (length < 5 ? 0 : length < 9 ? 1 : 2);

const EXPLICIT_FIELDS = new Map(CONTACT_FIELDS.map((field) => [normalizeHeader(field), field]));

interface Candidate {
  index: number;
  field: ContactField;
  /** Typos between the header and the synonym; 0 is an exact synonym. */
  distance: number;
  synonym: string;
}

/**
 * Proposes where each CSV column goes, in this order of precedence:
 * 1. `explicit` (header → built-in field name, `ignore`, or an attribute key);
 * 2. a custom field definition whose key equals the header (normalized), unless the header
 *    is a built-in field's own name; like a built-in field, it takes one column;
 * 3. a built-in field, by synonym or by a close typo of one; each built-in field takes at
 *    most one column: the closest match wins, the leftmost on a tie, and the others become
 *    attributes with a warning;
 * 4. otherwise an attribute keyed by the header in snake_case: `Company Name` → `company_name`,
 *    `MEMBER_RATING` → `member_rating`, `OptinTime` → `optin_time`; a header with no letters
 *    or digits becomes `column_<n>`, and repeated keys get `_2`, `_3`.
 * Headers compare case-, accent-, space- and punctuation-insensitively.
 */
export function mapColumns(
  header: string[],
  fields: CustomFieldDefinition[],
  explicit: Record<string, string> = {},
): MappingResult {
  const warnings: string[] = [];
  const targets: (Target | undefined)[] = header.map(() => undefined);
  const claimedFields = new Map<ContactField, number>();
  const claimedCustom = new Map<string, number>();
  const customByName = new Map(fields.map((f) => [normalizeHeader(f.key), f]));

  const explicitByHeader = resolveExplicitHeaders(header, explicit, warnings);
  header.forEach((name, index) => {
    const wanted = explicitByHeader.get(index);
    if (wanted === undefined) return;
    const target = explicitTarget(wanted, customByName);
    if (target.kind === 'field') {
      const owner = claimedFields.get(target.field);
      if (owner !== undefined) {
        warnings.push(
          `Columns "${header[owner]}" and "${name}" are both mapped to ${target.field}; "${name}" is imported as an attribute instead.`,
        );
        return;
      }
      claimedFields.set(target.field, index);
    }
    if (target.kind === 'attribute' && target.type) claimedCustom.set(target.key, index);
    targets[index] = target;
  });

  const candidates: Candidate[] = [];
  header.forEach((name, index) => {
    if (targets[index] !== undefined || explicitByHeader.has(index)) return;
    const normalized = normalizeHeader(name);
    const custom = customByName.get(normalized);
    if (custom && !isCanonicalFieldName(normalized)) {
      const owner = claimedCustom.get(custom.key);
      if (owner === undefined) {
        claimedCustom.set(custom.key, index);
        targets[index] = { kind: 'attribute', key: custom.key, type: custom.type };
        return;
      }
      warnings.push(
        `Column "${name}" also names custom field ${custom.key}, which "${header[owner]}" fills; "${name}" is imported as an attribute.`,
      );
    }
    const match = matchContactField(normalized);
    if (match) candidates.push({ index, ...match });
  });

  const byQuality = [...candidates].sort((a, b) => a.distance - b.distance || a.index - b.index);
  const winningDistance = new Map<ContactField, number>();
  for (const candidate of byQuality) {
    const name = header[candidate.index]!;
    const owner = claimedFields.get(candidate.field);
    if (owner !== undefined) {
      const reason = explicitByHeader.has(owner)
        ? 'is mapped to it'
        : winningDistance.get(candidate.field) === candidate.distance
          ? 'comes first'
          : 'matches better';
      warnings.push(
        `Column "${name}" looks like ${candidate.field}, but "${header[owner]}" ${reason}; "${name}" is imported as an attribute.`,
      );
      continue;
    }
    claimedFields.set(candidate.field, candidate.index);
    winningDistance.set(candidate.field, candidate.distance);
    targets[candidate.index] = { kind: 'field', field: candidate.field };
    if (candidate.distance > 0) {
      warnings.push(
        `Column "${name}" is mapped to ${candidate.field} as a likely misspelling of "${candidate.synonym}".`,
      );
    }
  }

  const usedKeys = new Set<string>();
  for (const target of targets) if (target?.kind === 'attribute') usedKeys.add(target.key);
  const columns = header.map((name, index): ColumnMapping => {
    let target = targets[index];
    if (target === undefined) {
      let key = toAttributeKey(name);
      if (key === '') {
        key = `column_${index + 1}`;
        warnings.push(`Column ${index + 1} has no name; it is imported as attribute "${key}".`);
      }
      key = uniqueKey(key, usedKeys);
      target = { kind: 'attribute', key };
    }
    return { header: name, index, target };
  });
  return { columns, warnings };
}

/** `E-Mail Address ` → `emailaddress`, `Prénom` → `prenom`: the key synonyms are compared on. */
export function normalizeHeader(header: string): string {
  return stripAccents(header)
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

/** `Company Name` → `company_name`, `OptinTime` → `optin_time`, `Größe (cm)` → `grosse_cm`. */
export function toAttributeKey(header: string): string {
  return stripAccents(header.replace(/(\p{Ll}|\p{N})(\p{Lu})/gu, '$1_$2'))
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/[^\p{L}\p{N}]+/gu, '_')
    .replace(/^_+|_+$/g, '');
}

function stripAccents(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '');
}

function isCanonicalFieldName(normalized: string): boolean {
  return CONTACT_FIELDS.some((field) => SYNONYMS[field][0] === normalized);
}

function matchContactField(normalized: string): Omit<Candidate, 'index'> | null {
  if (normalized === '') return null;
  let best: Omit<Candidate, 'index'> | null = null;
  for (const field of CONTACT_FIELDS) {
    for (const synonym of SYNONYMS[field]) {
      if (synonym === normalized) return { field, distance: 0, synonym };
      if (EXACT_ONLY.has(synonym)) continue;
      const allowed = maxTypos(Math.min(synonym.length, normalized.length));
      if (allowed === 0 || Math.abs(synonym.length - normalized.length) > allowed) continue;
      const distance = editDistance(normalized, synonym, allowed);
      if (distance <= allowed && (best === null || distance < best.distance)) {
        best = { field, distance, synonym };
      }
    }
  }
  return best;
}

/**
 * Optimal string alignment distance (Levenshtein plus adjacent transpositions, so "emial" is
 * one typo from "email"). Returns limit + 1 as soon as the distance must exceed `limit`.
 */
export function editDistance(a: string, b: string, limit = Infinity): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  let before = new Array<number>(cols).fill(0);
  let previous = Array.from({ length: cols }, (_, j) => j);
  let current = new Array<number>(cols).fill(0);
  for (let i = 1; i < rows; i++) {
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, before[j - 2]! + 1);
      }
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > limit) return limit + 1;
    [before, previous, current] = [previous, current, before];
  }
  return previous[cols - 1]!;
}

/** Explicit keys are matched to header cells exactly first, then normalized. */
function resolveExplicitHeaders(
  header: string[],
  explicit: Record<string, string>,
  warnings: string[],
): Map<number, string> {
  const byIndex = new Map<number, string>();
  for (const [name, wanted] of Object.entries(explicit)) {
    if (wanted.trim() === '') {
      warnings.push(
        `The mapping for column "${name}" is empty; the column is matched automatically.`,
      );
      continue;
    }
    let indexes = header.flatMap((h, i) => (h === name ? [i] : []));
    if (indexes.length === 0) {
      const normalized = normalizeHeader(name);
      indexes = header.flatMap((h, i) => (normalizeHeader(h) === normalized ? [i] : []));
    }
    if (indexes.length === 0) {
      warnings.push(`The mapping names column "${name}", which the file does not have.`);
      continue;
    }
    for (const index of indexes) if (!byIndex.has(index)) byIndex.set(index, wanted);
  }
  return byIndex;
}

function explicitTarget(wanted: string, customByName: Map<string, CustomFieldDefinition>): Target {
  const trimmed = wanted.trim();
  if (trimmed.toLowerCase() === 'ignore') return { kind: 'ignore' };
  const field = EXPLICIT_FIELDS.get(normalizeHeader(trimmed));
  if (field) return { kind: 'field', field };
  const custom = customByName.get(normalizeHeader(trimmed));
  if (custom) return { kind: 'attribute', key: custom.key, type: custom.type };
  return { kind: 'attribute', key: trimmed };
}

function uniqueKey(key: string, used: Set<string>): string {
  let unique = key;
  for (let n = 2; used.has(unique); n++) unique = `${key}_${n}`;
  used.add(unique);
  return unique;
}
