import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import type { FieldError } from '../../http/errors.js';
import { normalizeEmail } from '../auth/auth.service.js';
import { canonicalTimeZone, EmailSchema } from '../contacts/contacts.schemas.js';

/**
 * One message of the Segment spec (identify, track, page, screen, group, alias), checked and
 * turned into what Herald stores. Pure: the batch ingestion resolves contacts and writes.
 * Fields Herald does not use (integrations, _metadata, channel, version…) are accepted and
 * dropped, as Segment's own API does.
 */

export const MESSAGE_TYPES = ['identify', 'track', 'page', 'screen', 'group', 'alias'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

/** Segment's limits: a message is at most 32 KB, a batch request at most 500 KB. */
export const MAX_MESSAGE_BYTES = 32 * 1024;
export const MAX_BATCH_BYTES = 500 * 1024;
/** Deeper JSON than this is refused: nothing real nests so far, and jsonb parsing recurses. */
const MAX_DEPTH = 32;
const MAX_ATTRIBUTE_KEYS = 200;

const Id = z
  .union([z.string().trim().min(1).max(255), z.number().finite()])
  .transform(String)
  .describe('A string (numbers are accepted and stored as text)');
const Json = z.record(z.string(), z.unknown());
const DateText = z
  .string()
  .max(64)
  .refine((v) => !Number.isNaN(Date.parse(v)), 'must be an ISO 8601 date-time')
  .describe('ISO 8601 date-time');

const common = {
  messageId: z
    .string()
    .trim()
    .min(1)
    .max(255)
    .optional()
    .describe(
      'Unique per message; a retry with the same messageId is stored once. Generated when missing (then retries are not recognised).',
    ),
  userId: Id.nullish().describe('Your id of the user; matched to contacts.externalId'),
  anonymousId: Id.nullish().describe('A device or visitor id, for events before identify'),
  context: Json.nullish().describe(
    'Segment context; context.traits.email identifies the contact of any message',
  ),
  timestamp: DateText.nullish().describe('When it happened (default: when received)'),
  originalTimestamp: DateText.nullish().describe(
    "The device's time; corrected for its clock skew with sentAt when timestamp is absent",
  ),
  sentAt: DateText.nullish(),
  integrations: Json.nullish().describe('Accepted and ignored'),
};

export const IdentifyMessageSchema = z
  .looseObject({
    type: z.literal('identify'),
    ...common,
    traits: Json.nullish().describe(
      'email finds (or creates) the contact; firstName / first_name, lastName / last_name, name, phone and timezone update it; every other trait goes into its attributes (null removes one). An existing contact keeps its email.',
    ),
  })
  .describe('identify: who the user is');
export const TrackMessageSchema = z
  .looseObject({
    type: z.literal('track'),
    ...common,
    event: z.string().trim().min(1).max(200).describe('The event name, e.g. Order Completed'),
    properties: Json.nullish().describe('properties.email identifies the contact too'),
  })
  .describe('track: something the user did');
export const PageMessageSchema = z
  .looseObject({
    type: z.literal('page'),
    ...common,
    name: z.string().trim().max(200).nullish(),
    category: z.string().trim().max(200).nullish(),
    properties: Json.nullish(),
  })
  .describe('page: a page view, stored as an event named after the page');
export const ScreenMessageSchema = z
  .looseObject({
    type: z.literal('screen'),
    ...common,
    name: z.string().trim().max(200).nullish(),
    properties: Json.nullish(),
  })
  .describe('screen: a mobile screen view, stored as an event named after the screen');
export const GroupMessageSchema = z
  .looseObject({
    type: z.literal('group'),
    ...common,
    groupId: Id.describe('The account or company'),
    traits: Json.nullish(),
  })
  .describe(
    'group: stored as an event (groupId and traits in its properties); contacts are not changed',
  );
export const AliasMessageSchema = z
  .looseObject({
    type: z.literal('alias'),
    ...common,
    previousId: Id.describe('The former id (an anonymousId or an old userId)'),
    userId: Id.describe('The new id'),
  })
  .describe("alias: previousId's events now belong to userId's contact");

export const MessageSchema = z.discriminatedUnion('type', [
  IdentifyMessageSchema,
  TrackMessageSchema,
  PageMessageSchema,
  ScreenMessageSchema,
  GroupMessageSchema,
  AliasMessageSchema,
]);
type Message = z.infer<typeof MessageSchema>;

/** Contact columns an identify sets; a key that is absent leaves the column as it is. */
export interface ContactTraits {
  firstName?: string | null;
  lastName?: string | null;
  phone?: string | null;
  timezone?: string | null;
  /** Merged into attributes; a null value removes the key. */
  attributes: Record<string, unknown>;
}

export interface NormalizedMessage {
  index: number;
  type: MessageType;
  messageId: string;
  userId: string | null;
  anonymousId: string | null;
  /** track: the event; page/screen: the page or screen name; others: null. */
  name: string | null;
  properties: Record<string, unknown>;
  context: Record<string, unknown> | null;
  occurredAt: Date;
  /** The normalized address that identifies the contact, if the message carries one. */
  email: string | null;
  /** identify only. */
  traits: ContactTraits | null;
  /** alias only. */
  previousId: string | null;
}

export type Rejection = { index: number; messageId?: string; errors: FieldError[] };

export interface MessageDefaults {
  receivedAt: Date;
  /** The batch's sentAt, for clock-skew correction. */
  sentAt?: unknown;
  /** The batch's context; each message's own context wins key by key. */
  context?: Record<string, unknown> | undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function depthOf(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > deepest) deepest = depth;
    if (deepest > limit) return deepest;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return deepest;
}

const validEmail = (v: unknown): string | null =>
  typeof v === 'string' && EmailSchema.safeParse(v).success ? normalizeEmail(v) : null;

const parseDate = (v: unknown): number | null => {
  if (typeof v !== 'string') return null;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : t;
};

function occurredAt(m: Message, defaults: MessageDefaults): Date {
  const received = defaults.receivedAt.getTime();
  const timestamp = parseDate(m.timestamp);
  if (timestamp !== null) return new Date(timestamp);
  const original = parseDate(m.originalTimestamp);
  if (original === null) return defaults.receivedAt;
  // Segment's skew correction: the device's clock may be off, but not the gap it measured.
  const sent = parseDate(m.sentAt ?? defaults.sentAt);
  return new Date(sent === null ? original : received - (sent - original));
}

const NAME_TRAITS = new Set(['email', 'firstName', 'first_name', 'lastName', 'last_name', 'name']);
const traitText = (max: number) => z.string().trim().max(max).nullable();
const TraitColumns = z.object({
  firstName: traitText(200).optional(),
  first_name: traitText(200).optional(),
  lastName: traitText(200).optional(),
  last_name: traitText(200).optional(),
  name: traitText(400).optional(),
  phone: traitText(50).optional(),
  timezone: z
    .string()
    .trim()
    .max(64)
    .refine((v) => v === '' || canonicalTimeZone(v) !== null, 'must be an IANA time zone')
    .nullable()
    .optional(),
});

function contactTraits(traits: Record<string, unknown>, errors: FieldError[]): ContactTraits {
  const parsed = TraitColumns.safeParse(traits);
  if (!parsed.success) {
    for (const issue of parsed.error.issues)
      errors.push({ path: `traits.${issue.path.join('.')}`, message: issue.message });
    return { attributes: {} };
  }
  const t = parsed.data;
  const result: ContactTraits = { attributes: {} };
  const firstName = t.firstName !== undefined ? t.firstName : t.first_name;
  const lastName = t.lastName !== undefined ? t.lastName : t.last_name;
  if (firstName !== undefined) result.firstName = firstName || null;
  if (lastName !== undefined) result.lastName = lastName || null;
  // A full name fills what the separate traits left out: "Ada King Lovelace" → Ada / King Lovelace.
  if (t.name && firstName === undefined && lastName === undefined) {
    const [first, ...rest] = t.name.split(/\s+/);
    result.firstName = first || null;
    result.lastName = rest.join(' ') || null;
  }
  if (t.phone !== undefined) result.phone = t.phone || null;
  if (t.timezone !== undefined) result.timezone = t.timezone ? canonicalTimeZone(t.timezone) : null;
  for (const [key, value] of Object.entries(traits)) {
    if (NAME_TRAITS.has(key) || key === 'phone' || key === 'timezone') continue;
    if (key.length === 0 || key.length > 100) {
      errors.push({ path: `traits.${key.slice(0, 100)}`, message: 'keys are 1–100 characters' });
      continue;
    }
    result.attributes[key] = value;
  }
  if (Object.keys(result.attributes).length > MAX_ATTRIBUTE_KEYS)
    errors.push({ path: 'traits', message: `at most ${MAX_ATTRIBUTE_KEYS} traits per identify` });
  return result;
}

/**
 * Checks one message and brings it into the stored shape, or says everything wrong with it.
 * `checkSize`: measure the message against the 32 KB limit (skipped when the whole request
 * is smaller than that anyway).
 */
export function normalizeMessage(
  raw: unknown,
  index: number,
  defaults: MessageDefaults,
  checkSize: boolean,
): { ok: true; message: NormalizedMessage } | { ok: false; rejection: Rejection } {
  const messageId =
    isObject(raw) && typeof raw.messageId === 'string' && raw.messageId.length <= 255
      ? raw.messageId.trim()
      : undefined;
  const reject = (errors: FieldError[]) => ({
    ok: false as const,
    rejection: { index, ...(messageId ? { messageId } : {}), errors },
  });
  if (!isObject(raw)) return reject([{ path: '', message: 'must be an object' }]);
  if (!(MESSAGE_TYPES as readonly unknown[]).includes(raw.type)) {
    return reject([{ path: 'type', message: `must be one of ${MESSAGE_TYPES.join(', ')}` }]);
  }
  if (checkSize && Buffer.byteLength(JSON.stringify(raw)) > MAX_MESSAGE_BYTES) {
    return reject([{ path: '', message: 'is larger than 32 KB' }]);
  }
  if (depthOf(raw, MAX_DEPTH) > MAX_DEPTH) {
    return reject([{ path: '', message: `nests deeper than ${MAX_DEPTH} levels` }]);
  }
  const parsed = MessageSchema.safeParse(raw);
  if (!parsed.success) {
    return reject(
      parsed.error.issues.map((issue) => ({
        path: issue.path.join('.'),
        message: issue.message,
      })),
    );
  }
  const m = parsed.data;
  const errors: FieldError[] = [];
  const context =
    defaults.context || m.context ? { ...defaults.context, ...(m.context ?? {}) } : null;
  const contextTraits = isObject(context?.traits) ? context.traits : undefined;
  let email = validEmail(contextTraits?.email);
  let name: string | null = null;
  let properties: Record<string, unknown> = {};
  let traits: ContactTraits | null = null;
  let previousId: string | null = null;

  switch (m.type) {
    case 'identify': {
      const given = m.traits ?? {};
      if (given.email !== undefined && given.email !== null) {
        email = validEmail(given.email);
        if (!email) errors.push({ path: 'traits.email', message: 'must be a valid email address' });
      }
      traits = contactTraits(given, errors);
      properties = given;
      break;
    }
    case 'track':
      name = m.event;
      properties = m.properties ?? {};
      email ??= validEmail(properties.email);
      break;
    case 'page':
    case 'screen':
      name = m.name || null;
      properties = {
        ...(m.properties ?? {}),
        ...(m.type === 'page' && m.category ? { category: m.category } : {}),
      };
      email ??= validEmail(properties.email);
      break;
    case 'group':
      properties = { ...(m.traits ?? {}), groupId: m.groupId };
      break;
    case 'alias':
      previousId = m.previousId;
      properties = { previousId: m.previousId };
      break;
  }
  if (!m.userId && !m.anonymousId && !email) {
    errors.push({
      path: 'userId',
      message: 'one of userId, anonymousId or an email (traits.email) is required',
    });
  }
  if (errors.length > 0) return reject(errors);
  return {
    ok: true,
    message: {
      index,
      type: m.type,
      messageId: m.messageId ?? `herald-${uuidv7()}`,
      userId: m.userId ?? null,
      anonymousId: m.anonymousId ?? null,
      name,
      properties,
      context,
      occurredAt: occurredAt(m, defaults),
      email,
      traits,
      previousId,
    },
  };
}
