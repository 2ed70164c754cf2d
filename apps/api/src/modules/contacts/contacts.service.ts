import type { SQL } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../../db/client.js';
import type { Principal } from '../../http/access.js';
import { AppError, notFound, type FieldError } from '../../http/errors.js';
import { decodeCursor, toPage } from '../../http/pagination.js';
import type { AppJobCatalog } from '../../jobs/catalog.js';
import type { Clock } from '../../platform/clock.js';
import type { DomainEvents } from '../../platform/domain-events.js';
import type { Queue } from '../../platform/queue/queue.js';
import { normalizeEmail } from '../auth/auth.service.js';
import { createFieldsRepo, type FieldType } from '../fields/fields.repo.js';
import { createListsRepo } from '../lists/lists.repo.js';
import { createSuppressionsRepo } from '../suppressions/suppressions.repo.js';
import { suppressionKey } from '../suppressions/suppressions.service.js';
import { createContactsBulk } from './contacts.bulk.js';
import { createContactsExport } from './contacts.export.js';
import { createContactsPrivacy } from './contacts.privacy.js';
import {
  createContactsRepo,
  isUniqueViolation,
  type ContactFilter,
  type ContactRow,
  type ContactsRepo,
  type ContactStatus,
} from './contacts.repo.js';
import {
  canonicalLocale,
  canonicalTimeZone,
  type ContactInput,
  type ListContactsQuery,
} from './contacts.schemas.js';

/** What contacts need from segments: a segment's rules as a condition over `contacts`. */
export interface SegmentConditions {
  /** Throws AppError not_found for a segment the organization does not have. */
  whereForSegment(orgId: string, segmentId: string): Promise<SQL>;
}

export interface ContactsServiceDeps {
  db: Db;
  clock: Clock;
  queue: Queue<AppJobCatalog>;
  segments: SegmentConditions;
  /** contact.created / .updated / .unsubscribed, told after the change commits. */
  domainEvents?: Pick<DomainEvents, 'emit'> | undefined;
}

/** The fields a contact.updated event names when they change. */
const ANNOUNCED_FIELDS = [
  'email',
  'externalId',
  'firstName',
  'lastName',
  'phone',
  'timezone',
  'locale',
  'status',
  'tags',
  'attributes',
] as const;

const PG_TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2}){0,2}$/;
const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function isIsoDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (!match || Number.isNaN(Date.parse(value))) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  );
}

/** How a value is checked against its custom field's type (also used by event ingestion). */
export const TYPE_CHECKS: Record<FieldType, { test: (v: unknown) => boolean; message: string }> = {
  string: { test: (v) => typeof v === 'string', message: 'must be a string' },
  number: { test: (v) => typeof v === 'number' && Number.isFinite(v), message: 'must be a number' },
  boolean: { test: (v) => typeof v === 'boolean', message: 'must be true or false' },
  date: {
    test: (v) => typeof v === 'string' && isIsoDate(v),
    message: 'must be an ISO 8601 date such as 2024-05-31 or 2024-05-31T12:00:00Z',
  },
};

/** The unique index a violation names, whichever driver (and Drizzle wrapper) raised it. */
function violatedConstraint(error: unknown): string | undefined {
  for (let e = error; e instanceof Error; e = e.cause) {
    const constraint = (e as { constraint?: unknown }).constraint;
    if (typeof constraint === 'string') return constraint;
  }
  return undefined;
}

const presentContact = ({ sortKey: _sortKey, ...row }: ContactRow & { sortKey?: string }) => row;

export function createContactsService(deps: ContactsServiceDeps) {
  const { db, clock, queue, segments } = deps;
  const repo = createContactsRepo(db);
  const fieldsRepo = createFieldsRepo(db);
  const listsRepo = createListsRepo(db);

  /** Values of keys defined in /fields must match the field's type; other keys are free-form. */
  async function checkAttributes(orgId: string, attributes: Record<string, unknown> | undefined) {
    if (!attributes) return;
    const keys = Object.keys(attributes).filter((k) => attributes[k] !== null);
    const types = await fieldsRepo.typesOf(orgId, keys);
    const errors: FieldError[] = [];
    for (const key of keys) {
      const type = types.get(key);
      if (type && !TYPE_CHECKS[type].test(attributes[key])) {
        errors.push({ path: `body.attributes.${key}`, message: TYPE_CHECKS[type].message });
      }
    }
    if (errors.length > 0) {
      throw new AppError('validation_failed', 'Some attributes do not match their field types.', {
        errors,
      });
    }
  }

  /** Audience filters shared by the list, the export and bulk actions; unknown ids are a 404. */
  async function audienceFilter(
    orgId: string,
    query: {
      status?: ContactStatus | undefined;
      listId?: string | undefined;
      segmentId?: string | undefined;
    },
  ): Promise<ContactFilter> {
    if (query.listId && !(await listsRepo.exists(orgId, query.listId))) throw notFound('List');
    return {
      status: query.status,
      listId: query.listId,
      segment: query.segmentId ? await segments.whereForSegment(orgId, query.segmentId) : undefined,
    };
  }

  const statusChanged = (
    orgId: string,
    contactId: string,
    from: ContactStatus,
    to: ContactStatus,
    source: string,
    now: Date,
  ) => ({
    id: uuidv7(),
    orgId,
    contactId,
    type: 'status_changed',
    data: { from, to, source },
    createdAt: now,
  });

  /** Applies input to a locked, existing contact: attributes merge, tags replace. */
  async function applyChanges(
    tx: ContactsRepo,
    orgId: string,
    existing: ContactRow,
    input: ContactInput,
    isSuppressed: boolean,
    now: Date,
  ): Promise<ContactRow> {
    const patch: Parameters<ContactsRepo['update']>[2] = { updatedAt: now };
    if (input.email !== undefined) patch.email = normalizeEmail(input.email);
    if (input.externalId !== undefined) patch.externalId = input.externalId || null;
    if (input.firstName !== undefined) patch.firstName = input.firstName || null;
    if (input.lastName !== undefined) patch.lastName = input.lastName || null;
    if (input.phone !== undefined) patch.phone = input.phone || null;
    if (input.source !== undefined) patch.source = input.source || null;
    if (input.timezone !== undefined)
      patch.timezone = input.timezone ? canonicalTimeZone(input.timezone) : null;
    if (input.locale !== undefined)
      patch.locale = input.locale ? canonicalLocale(input.locale) : null;
    if (input.tags !== undefined) patch.tags = [...new Set(input.tags)];
    if (input.attributes !== undefined) {
      const merged = { ...existing.attributes, ...input.attributes };
      patch.attributes = Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== null));
    }
    const status = isSuppressed ? 'blocked' : (input.status ?? existing.status);
    if (status !== existing.status) {
      patch.status = status;
      const source = isSuppressed ? 'suppression' : 'api';
      await tx.insertActivities([
        statusChanged(orgId, existing.id, existing.status, status, source, now),
      ]);
    }
    const row = await tx.update(orgId, existing.id, patch);
    if (!row) throw notFound('Contact');
    return row;
  }

  /** After commit: what changed, for webhooks and flow triggers. */
  async function announce(orgId: string, before: ContactRow | null, after: ContactRow) {
    const events = deps.domainEvents;
    if (!events) return;
    if (!before) {
      await events.emit(orgId, 'contact.created', {
        contactId: after.id,
        source: after.source ?? 'api',
      });
      return;
    }
    const changed = ANNOUNCED_FIELDS.filter(
      (f) => JSON.stringify(before[f] ?? null) !== JSON.stringify(after[f] ?? null),
    );
    if (changed.length > 0)
      await events.emit(orgId, 'contact.updated', { contactId: after.id, changed: [...changed] });
    if (after.status === 'unsubscribed' && before.status !== 'unsubscribed')
      await events.emit(orgId, 'contact.unsubscribed', { contactId: after.id, source: 'api' });
  }

  const emailTaken = () =>
    new AppError('conflict', 'Another contact already has this email address.', {
      errors: [{ path: 'body.email', message: 'is already used by another contact' }],
    });

  const externalIdTaken = () =>
    new AppError('conflict', 'Another contact already has this external id.', {
      errors: [{ path: 'body.externalId', message: 'is already used by another contact' }],
    });

  /** Unique violations from a concurrent write of the same email become a 409, not a 500. */
  async function guardEmail<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (isUniqueViolation(error))
        throw violatedConstraint(error) === 'contacts_org_external_id_key'
          ? externalIdTaken()
          : emailTaken();
      throw error;
    }
  }

  return {
    /**
     * Creates the contact, or updates the one with the same email (case-insensitively).
     * A suppressed address is always stored as blocked, whatever status was asked for.
     */
    async upsert(
      principal: Principal,
      input: ContactInput & { email: string },
    ): Promise<{ contact: ContactRow; created: boolean }> {
      const orgId = principal.orgId;
      const email = normalizeEmail(input.email);
      await checkAttributes(orgId, input.attributes);
      const now = clock.now();
      // A lost insert race (the same new email from two requests) finds the winner's row next time.
      for (let attempt = 0; attempt < 3; attempt++) {
        const result = await guardEmail(() =>
          repo.transaction(async (txDb) => {
            const tx = createContactsRepo(txDb);
            const isSuppressed = Boolean(
              await createSuppressionsRepo(txDb).findByEmail(orgId, suppressionKey(email)),
            );
            const existing = await tx.findByEmail(orgId, email, { lock: true });
            if (existing) {
              // The stored spelling of the address stays; the email only identifies the contact here.
              const changes = { ...input, email: undefined };
              const contact = await applyChanges(tx, orgId, existing, changes, isSuppressed, now);
              return { contact, created: false, before: existing };
            }
            // The insert skips any conflict, so a taken external id must be named before it.
            if (input.externalId && (await tx.findByExternalId(orgId, input.externalId)))
              throw externalIdTaken();
            const attributes = Object.fromEntries(
              Object.entries(input.attributes ?? {}).filter(([, v]) => v !== null),
            );
            const status = isSuppressed ? 'blocked' : (input.status ?? 'subscribed');
            const contact = await tx.insert({
              id: uuidv7(),
              orgId,
              email,
              externalId: input.externalId || null,
              firstName: input.firstName || null,
              lastName: input.lastName || null,
              phone: input.phone || null,
              timezone: input.timezone ? canonicalTimeZone(input.timezone) : null,
              locale: input.locale ? canonicalLocale(input.locale) : null,
              status,
              tags: [...new Set(input.tags ?? [])],
              attributes,
              source: input.source || 'api',
              createdAt: now,
              updatedAt: now,
            });
            if (!contact) return null;
            await tx.insertActivities([
              {
                id: uuidv7(),
                orgId,
                contactId: contact.id,
                type: 'created',
                data: { status, source: contact.source },
                createdAt: now,
              },
            ]);
            return { contact, created: true, before: null };
          }),
        );
        if (result) {
          await announce(orgId, result.before, result.contact);
          return { contact: result.contact, created: result.created };
        }
      }
      throw new AppError('conflict', 'The contact was being changed concurrently; try again.');
    },

    async get(principal: Principal, id: string): Promise<ContactRow> {
      const row = await repo.find(principal.orgId, id);
      if (!row) throw notFound('Contact');
      return row;
    },

    async update(principal: Principal, id: string, input: ContactInput): Promise<ContactRow> {
      const orgId = principal.orgId;
      await checkAttributes(orgId, input.attributes);
      const now = clock.now();
      let before: ContactRow | null = null;
      const updated = await guardEmail(() =>
        repo.transaction(async (txDb) => {
          const tx = createContactsRepo(txDb);
          const existing = await tx.find(orgId, id, { lock: true });
          if (!existing) throw notFound('Contact');
          before = existing;
          const email = input.email !== undefined ? normalizeEmail(input.email) : existing.email;
          if (email.toLowerCase() !== existing.email.toLowerCase()) {
            const other = await tx.findByEmail(orgId, email);
            if (other) throw emailTaken();
          }
          const isSuppressed = Boolean(
            await createSuppressionsRepo(txDb).findByEmail(orgId, suppressionKey(email)),
          );
          return applyChanges(tx, orgId, existing, input, isSuppressed, now);
        }),
      );
      await announce(orgId, before, updated);
      return updated;
    },

    async remove(principal: Principal, id: string): Promise<void> {
      if (!(await repo.delete(principal.orgId, id))) throw notFound('Contact');
    },

    async list(principal: Principal, query: ListContactsQuery) {
      const byEmail = query.sort === 'email' || query.sort === '-email';
      const after = decodeCursor(query.cursor, [
        byEmail ? 'string' : (k) => PG_TIMESTAMP.test(k),
        'uuid',
      ]);
      const filter: ContactFilter = {
        ...(await audienceFilter(principal.orgId, query)),
        search: query.search || undefined,
        tag: query.tag,
      };
      const rows = await repo.list(
        principal.orgId,
        filter,
        query.sort,
        query.limit + 1,
        after as [string, string] | undefined,
      );
      const page = toPage(rows, query.limit, (r) => [r.sortKey, r.id]);
      return { items: page.items.map(presentContact), nextCursor: page.nextCursor };
    },

    /** The contact's activities, newest first. */
    async timeline(
      principal: Principal,
      id: string,
      query: { cursor?: string | undefined; limit: number },
    ) {
      const before = decodeCursor(query.cursor, ['uuid']) as [string] | undefined;
      if (!(await repo.find(principal.orgId, id))) throw notFound('Contact');
      const rows = await repo.listActivities(principal.orgId, id, query.limit + 1, before?.[0]);
      return toPage(rows, query.limit, (r) => [r.id]);
    },

    ...createContactsBulk({ repo, listsRepo, segments, queue, clock }),
    ...createContactsExport({ repo, fieldsRepo, clock, audienceFilter }),
    ...createContactsPrivacy({ db, repo, listsRepo }),
  };
}

export type ContactsService = ReturnType<typeof createContactsService>;
