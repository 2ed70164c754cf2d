/**
 * The variables a template sees. The scope is rebuilt for every recipient, so it stays shallow:
 * the contact's attributes are copied one level (for the `contact.company` shorthand), never
 * deep, and only whitelisted organization and campaign fields are exposed.
 */

export interface RenderContextInput {
  contact: {
    id?: string;
    email: string;
    firstName?: string | null;
    lastName?: string | null;
    phone?: string | null;
    timezone?: string | null;
    locale?: string | null;
    status?: string;
    tags?: string[];
    attributes?: Record<string, unknown>;
    createdAt?: Date | string;
  };
  /** `address` is optional: the postal address most jurisdictions require in a footer. */
  organization: { name: string; timezone?: string | null; address?: string | null };
  campaign?: { id: string; name: string } | null;
  /** The event that started the contact's flow run, for emails a flow sends. */
  event?: { name: string; properties: Record<string, unknown> } | null;
  urls: { unsubscribe: string; preferences: string; viewInBrowser: string };
}

/** Fields of `contact` that win over an attribute of the same name. */
export const CONTACT_FIELDS = [
  'id',
  'email',
  'firstName',
  'lastName',
  'phone',
  'timezone',
  'locale',
  'status',
  'tags',
  'createdAt',
  'attributes',
] as const;

/** Root variables and, for objects, the keys they offer (`null`: a value with no known keys). */
export const KNOWN_VARIABLES: Readonly<Record<string, readonly string[] | null>> = {
  contact: CONTACT_FIELDS,
  organization: ['name', 'timezone', 'address'],
  campaign: ['id', 'name'],
  // Properties vary per event: any key is accepted (`event.name`, `event.total`).
  event: null,
  unsubscribe_url: null,
  preferences_url: null,
  view_in_browser_url: null,
  // Seed-style shorthands for the contact's values.
  firstName: null,
  lastName: null,
  email: null,
  company: null,
};

/**
 * A date filter without an explicit zone formats in this zone: an IANA name, or 0 for UTC.
 * LiquidJS accepts both forms as the date filter's timezone argument.
 */
export type DisplayTimezone = string | 0;

export interface RenderScope {
  scope: Record<string, unknown>;
  timezone: DisplayTimezone;
}

export function buildRenderScope(input: RenderContextInput): RenderScope {
  const c = input.contact;
  const attributes = c.attributes ?? {};
  const contact: Record<string, unknown> = {
    id: c.id ?? null,
    email: c.email,
    firstName: c.firstName ?? null,
    lastName: c.lastName ?? null,
    phone: c.phone ?? null,
    timezone: c.timezone ?? null,
    locale: c.locale ?? null,
    status: c.status ?? null,
    tags: c.tags ?? [],
    createdAt: c.createdAt instanceof Date ? c.createdAt.toISOString() : (c.createdAt ?? null),
    attributes,
  };
  // A loop, not `{ ...attributes, ...fields }`: V8 builds spread-then-extend objects ~50x slower.
  // "__proto__" is skipped: assigning it would replace the prototype, not add a value.
  for (const key in attributes) {
    if (key !== '__proto__' && !Object.hasOwn(contact, key) && Object.hasOwn(attributes, key)) {
      contact[key] = attributes[key];
    }
  }
  const org = input.organization;
  const scope: Record<string, unknown> = {
    contact,
    organization: { name: org.name, timezone: org.timezone ?? null, address: org.address ?? null },
    campaign: input.campaign ? { id: input.campaign.id, name: input.campaign.name } : null,
    event: input.event ? eventScope(input.event) : null,
    unsubscribe_url: input.urls.unsubscribe,
    preferences_url: input.urls.preferences,
    view_in_browser_url: input.urls.viewInBrowser,
    firstName: contact.firstName,
    lastName: contact.lastName,
    email: contact.email,
    company: attributes.company ?? null,
  };
  return { scope, timezone: displayTimezone(c.timezone, org.timezone) };
}

/**
 * `event.name`, `event.properties.total`, and each property one level up (`event.total`) as
 * the contact's attributes are; `name` and `properties` win over properties of those names.
 */
function eventScope(event: { name: string; properties: Record<string, unknown> }) {
  const scope: Record<string, unknown> = { name: event.name, properties: event.properties };
  for (const key in event.properties) {
    if (key !== '__proto__' && !Object.hasOwn(scope, key) && Object.hasOwn(event.properties, key))
      scope[key] = event.properties[key];
  }
  return scope;
}

/** The contact's zone, else the organization's, else UTC; unknown zone names are skipped. */
export function displayTimezone(...candidates: (string | null | undefined)[]): DisplayTimezone {
  for (const candidate of candidates) {
    if (candidate && isTimezone(candidate)) return candidate;
  }
  return 0;
}

const TIMEZONE_CACHE_SIZE = 1_000;
const timezoneCache = new Map<string, boolean>();

function isTimezone(name: string): boolean {
  const cached = timezoneCache.get(name);
  if (cached !== undefined) return cached;
  let valid = true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
  } catch {
    valid = false;
  }
  // Bounded: contact data can hold any number of distinct bogus zone names.
  if (timezoneCache.size >= TIMEZONE_CACHE_SIZE) timezoneCache.clear();
  timezoneCache.set(name, valid);
  return valid;
}
