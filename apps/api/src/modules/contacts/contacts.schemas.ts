import { z } from 'zod';
import { PageQuerySchema } from '../../http/pagination.js';
import { BULK_ACTIONS } from './contacts.bulk.js';
import { CONTACT_SORTS } from './contacts.repo.js';

/** Request and response shapes of the contact routes (also used by lists and suppressions). */

export const CONTACT_STATUSES = [
  'subscribed',
  'unsubscribed',
  'bounced',
  'complained',
  'blocked',
] as const;

const IANA_ZONE = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/;

/** The canonical spelling of an IANA time zone (europe/paris → Europe/Paris), or null. */
export function canonicalTimeZone(value: string): string | null {
  if (!IANA_ZONE.test(value)) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** The canonical BCP 47 form of a language tag (EN-us → en-US), or null. */
export function canonicalLocale(value: string): string | null {
  try {
    return Intl.getCanonicalLocales(value)[0] ?? null;
  } catch {
    return null;
  }
}

export const EmailSchema = z
  .string()
  .trim()
  .min(3)
  .max(320)
  .refine((v) => z.regexes.email.test(v), 'must be a valid email address');

export const TagSchema = z.string().trim().min(1).max(100);

const text = (max: number) => z.string().trim().max(max).nullable().optional();

const ContactFieldsSchema = z.strictObject({
  externalId: text(255).describe(
    "Your own product's id for this person (the event API's userId); unique per organization, null clears it",
  ),
  firstName: text(200),
  lastName: text(200),
  phone: text(50),
  timezone: z
    .string()
    .trim()
    .max(64)
    .refine((v) => canonicalTimeZone(v) !== null, 'must be an IANA time zone such as Europe/Paris')
    .nullable()
    .optional(),
  locale: z
    .string()
    .trim()
    .max(35)
    .refine((v) => canonicalLocale(v) !== null, 'must be a language tag such as en or pt-BR')
    .nullable()
    .optional(),
  status: z.enum(CONTACT_STATUSES).optional(),
  tags: z.array(TagSchema).max(100).optional().describe('Replaces all tags when given'),
  attributes: z
    .record(z.string().min(1).max(100), z.unknown())
    .refine((v) => Object.keys(v).length <= 200, 'at most 200 attributes per request')
    .optional()
    .describe(
      'Merged into the stored attributes; null removes a key. Keys defined in /fields must hold values of that type.',
    ),
  source: text(100).describe('Where the contact came from, e.g. api, form, import'),
});

export const CreateContactSchema = ContactFieldsSchema.extend({ email: EmailSchema });
export const UpdateContactSchema = ContactFieldsSchema.extend({ email: EmailSchema.optional() });
export type ContactInput = z.infer<typeof UpdateContactSchema>;

export const ContactSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  externalId: z.string().nullable().describe('The event API userId of this contact'),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  phone: z.string().nullable(),
  timezone: z.string().nullable(),
  locale: z.string().nullable(),
  status: z.enum(CONTACT_STATUSES),
  tags: z.array(z.string()),
  attributes: z.record(z.string(), z.unknown()),
  source: z.string().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});

export const ActivitySchema = z.object({
  id: z.uuid(),
  type: z.string().describe('created, status_changed, …'),
  data: z.record(z.string(), z.unknown()),
  createdAt: z.date(),
});

export const SuppressionSchema = z.object({
  id: z.uuid(),
  email: z.string().describe('Lowercased'),
  reason: z.string(),
  createdAt: z.date(),
});

const AudienceQuery = {
  status: z.enum(CONTACT_STATUSES).optional(),
  listId: z.uuid().optional().describe('Only members of this list'),
  segmentId: z.uuid().optional().describe('Only contacts matching this segment'),
};

export const ListContactsQuerySchema = PageQuerySchema.extend({
  search: z
    .string()
    .trim()
    .max(320)
    .optional()
    .describe('Prefix of the email, first name, last name or full name (case-insensitive)'),
  tag: TagSchema.optional(),
  ...AudienceQuery,
  sort: z.enum(CONTACT_SORTS).default('-created_at'),
});
export type ListContactsQuery = z.infer<typeof ListContactsQuerySchema>;

export const ExportQuerySchema = z.strictObject(AudienceQuery);
export type ExportQuery = z.infer<typeof ExportQuerySchema>;

export const BulkSchema = z
  .strictObject({
    action: z.enum(BULK_ACTIONS),
    tag: TagSchema.optional().describe('For add_tag and remove_tag'),
    listId: z.uuid().optional().describe('For add_to_list and remove_from_list'),
    target: z
      .union([
        z.strictObject({ contactIds: z.array(z.uuid()).min(1).max(1000) }),
        z.strictObject({ segmentId: z.uuid() }),
        z.strictObject({ all: z.literal(true) }),
      ])
      .describe('Up to 1000 ids run at once; a segment or all contacts run as a job'),
  })
  .superRefine((body, ctx) => {
    if ((body.action === 'add_tag' || body.action === 'remove_tag') && body.tag === undefined) {
      ctx.addIssue({ code: 'custom', path: ['tag'], message: `is required for ${body.action}` });
    }
    const isListAction = body.action === 'add_to_list' || body.action === 'remove_from_list';
    if (isListAction && body.listId === undefined) {
      ctx.addIssue({ code: 'custom', path: ['listId'], message: `is required for ${body.action}` });
    }
  });
export type BulkInput = z.infer<typeof BulkSchema>;

export const EraseSchema = z
  .strictObject({
    suppress: z
      .boolean()
      .default(false)
      .describe('Add the address to suppressions first, so it is never mailed again'),
  })
  .nullish()
  .describe('Optional: a request without a body erases without suppressing');
