import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../../db/client.js';
import type { FieldError } from '../../http/errors.js';
import type { Clock } from '../../platform/clock.js';
import type { DomainEvents } from '../../platform/domain-events.js';
import { isUniqueViolation } from '../contacts/contacts.repo.js';
import { TYPE_CHECKS } from '../contacts/contacts.service.js';
import { createFieldsRepo } from '../fields/fields.repo.js';
import {
  createEventsRepo,
  type EventRow,
  type EventsRepo,
  type TraitState,
} from './events.repo.js';
import {
  normalizeMessage,
  type MessageDefaults,
  type NormalizedMessage,
  type Rejection,
} from './events.message.js';

/**
 * Set-based ingestion of a batch of Segment messages: every step is one statement for the
 * whole batch (contact lookups, new contacts, the event insert, identify updates, attaching
 * earlier anonymous events), in one transaction, so a retried batch either finds all of it or
 * none of it. Idempotent on messageId: only rows the insert reports as new update contacts and
 * emit `event.tracked`.
 */

export interface IngestInput {
  messages: readonly unknown[];
  /** The batch's sentAt and context, applied to every message. */
  sentAt?: unknown;
  context?: Record<string, unknown> | undefined;
  /** Whether messages may exceed 32 KB (the request was bigger than that). */
  checkSize: boolean;
}

export interface IngestResult {
  success: true;
  accepted: number;
  rejected: Rejection[];
}

interface ContactRef {
  /** Empty when a racing request took the address and nothing could be resolved. */
  id: string;
  email: string | null;
  externalId: string | null;
  isNew: boolean;
}

/** NUL and lone surrogates, as JSON.stringify writes them: PostgreSQL cannot store either. */
const UNSTORABLE = /(?<!\\)(?:\\\\)*\\u(?:0000|d[89a-f][0-9a-f]{2})/i;
const SQLSTATE_RETRY = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 3;

function isRetryable(error: unknown): boolean {
  if (isUniqueViolation(error)) return true;
  for (let e = error; e instanceof Error; e = e.cause) {
    if (SQLSTATE_RETRY.has(String((e as { code?: unknown }).code))) return true;
  }
  return false;
}

export function createEventIngestion(deps: { db: Db; clock: Clock; domainEvents: DomainEvents }) {
  const { db, clock, domainEvents } = deps;
  const fieldsRepo = createFieldsRepo(db);

  /** Trait values for keys defined in /fields must have the field's type, as in the contacts API. */
  async function typeErrors(orgId: string, messages: NormalizedMessage[]) {
    const keys = new Set<string>();
    for (const m of messages)
      for (const [k, v] of Object.entries(m.traits?.attributes ?? {})) if (v !== null) keys.add(k);
    const types = await fieldsRepo.typesOf(orgId, [...keys]);
    const errors = new Map<number, FieldError[]>();
    if (types.size === 0) return errors;
    for (const m of messages) {
      for (const [key, value] of Object.entries(m.traits?.attributes ?? {})) {
        const type = types.get(key);
        if (value === null || !type || TYPE_CHECKS[type].test(value)) continue;
        const list = errors.get(m.index) ?? [];
        list.push({ path: `traits.${key}`, message: TYPE_CHECKS[type].message });
        errors.set(m.index, list);
      }
    }
    return errors;
  }

  /** Which contact each message belongs to; plans the contacts to create and ids to link. */
  async function resolve(repo: EventsRepo, orgId: string, messages: NormalizedMessage[]) {
    const userIds = new Set<string>();
    const emails = new Set<string>();
    const anonymousIds = new Set<string>();
    for (const m of messages) {
      if (m.userId) userIds.add(m.userId);
      if (m.previousId) userIds.add(m.previousId);
      if (m.email) emails.add(m.email);
      if (m.anonymousId) anonymousIds.add(m.anonymousId);
    }
    const [known, anonymousLinks] = await Promise.all([
      repo.findContacts(orgId, [...userIds], [...emails]),
      repo.findAnonymousLinks(orgId, [...anonymousIds]),
    ]);
    const byId = new Map<string, ContactRef>();
    const byUser = new Map<string, ContactRef>();
    const byEmail = new Map<string, ContactRef>();
    for (const c of known) {
      const ref: ContactRef = { ...c, isNew: false };
      byId.set(c.id, ref);
      if (c.externalId) byUser.set(c.externalId, ref);
      byEmail.set(c.email.toLowerCase(), ref);
    }
    const refById = (id: string | undefined): ContactRef | null => {
      if (!id) return null;
      let ref = byId.get(id);
      if (!ref) {
        ref = { id, email: null, externalId: null, isNew: false };
        byId.set(id, ref);
      }
      return ref;
    };
    const created: ContactRef[] = [];
    /** Contacts whose external id this batch sets (a first userId, or an alias renaming it). */
    const relinked = new Map<ContactRef, string>();
    const anonymousOf = new Map<string, ContactRef>();
    const contactOf: (ContactRef | null)[] = [];

    for (const m of messages) {
      let c =
        (m.userId ? byUser.get(m.userId) : undefined) ??
        (m.email ? byEmail.get(m.email.toLowerCase()) : undefined) ??
        null;
      if (!c && m.type === 'alias' && m.previousId && m.userId) {
        // alias(old userId → new userId): the contact known by the old id takes the new one.
        const previous = byUser.get(m.previousId);
        if (previous) {
          byUser.set(m.userId, previous);
          relinked.set(previous, m.userId);
          c = previous;
        }
      }
      if (!c && m.email) {
        const externalId = m.userId && !byUser.has(m.userId) ? m.userId : null;
        c = { id: uuidv7(), email: m.email, externalId, isNew: true };
        created.push(c);
        byEmail.set(m.email.toLowerCase(), c);
        if (externalId) byUser.set(externalId, c);
      }
      if (c && m.userId && !byUser.has(m.userId) && c.externalId === null && !c.isNew) {
        // A contact found by email takes its first userId.
        c.externalId = m.userId;
        relinked.set(c, m.userId);
        byUser.set(m.userId, c);
      }
      const linksAnonymous = m.type === 'identify' ? m.anonymousId : m.previousId;
      if (c && linksAnonymous) anonymousOf.set(linksAnonymous, c);
      contactOf.push(c);
    }
    // Second pass: messages that named only a userId or anonymousId the batch itself linked.
    messages.forEach((m, i) => {
      if (contactOf[i]) return;
      contactOf[i] =
        (m.userId ? byUser.get(m.userId) : undefined) ??
        (m.anonymousId
          ? (anonymousOf.get(m.anonymousId) ?? refById(anonymousLinks.get(m.anonymousId)))
          : null) ??
        null;
    });
    return { contactOf, created, relinked, anonymousOf };
  }

  /** Applies links and identify traits in message order; returns what changed per contact. */
  function nextState(
    state: TraitState,
    externalId: string | undefined,
    identifies: NormalizedMessage[],
  ): { next: TraitState; changed: string[] } {
    const next: TraitState = { ...state, attributes: { ...state.attributes } };
    const changed = new Set<string>();
    if (externalId !== undefined && externalId !== next.externalId) {
      next.externalId = externalId;
      changed.add('externalId');
    }
    for (const m of identifies) {
      const t = m.traits!;
      for (const key of ['firstName', 'lastName', 'phone', 'timezone'] as const) {
        const value = t[key];
        if (value !== undefined && value !== next[key]) {
          next[key] = value;
          changed.add(key);
        }
      }
      for (const [key, value] of Object.entries(t.attributes)) {
        if (value === null) {
          if (key in next.attributes) {
            next.attributes = Object.fromEntries(
              Object.entries(next.attributes).filter(([k]) => k !== key),
            );
            changed.add('attributes');
          }
        } else if (JSON.stringify(next.attributes[key]) !== JSON.stringify(value)) {
          next.attributes[key] = value;
          changed.add('attributes');
        }
      }
    }
    return { next, changed: [...changed] };
  }

  async function write(orgId: string, messages: NormalizedMessage[]) {
    const now = clock.now();
    return createEventsRepo(db).transaction(async (tx) => {
      const repo = createEventsRepo(tx);
      const { contactOf, created, relinked, anonymousOf } = await resolve(repo, orgId, messages);

      const inserted = await repo.createContacts(
        orgId,
        created.map((c) => ({
          id: c.id,
          activityId: uuidv7(),
          email: c.email!,
          externalId: c.externalId,
        })),
        now,
      );
      const insertedIds = new Set(inserted.map((r) => r.id));
      const lost = created.filter((c) => !insertedIds.has(c.id));
      if (lost.length > 0) {
        // A concurrent request created these first: use its contacts.
        const found = await repo.findContacts(
          orgId,
          lost.flatMap((c) => (c.externalId ? [c.externalId] : [])),
          lost.map((c) => c.email!),
        );
        for (const c of lost) {
          const winner =
            found.find((f) => f.email.toLowerCase() === c.email!.toLowerCase()) ??
            found.find((f) => c.externalId !== null && f.externalId === c.externalId);
          Object.assign(c, {
            id: winner?.id ?? '',
            externalId: winner?.externalId ?? null,
            isNew: false,
          });
        }
      }

      const rows: EventRow[] = messages.map((m, i) => ({
        id: uuidv7(),
        contactId: contactOf[i]?.id || null,
        type: m.type,
        name: m.name,
        messageId: m.messageId,
        userId: m.userId,
        // An alias links its previousId like an identify links its anonymousId.
        anonymousId: m.type === 'alias' ? m.previousId : m.anonymousId,
        properties: m.properties,
        context: m.context,
        occurredAt: m.occurredAt,
      }));
      const fresh = new Set((await repo.insertEvents(orgId, rows, now)).map((r) => r.messageId));

      const identifiesOf = new Map<string, NormalizedMessage[]>();
      messages.forEach((m, i) => {
        const id = contactOf[i]?.id;
        if (m.type !== 'identify' || !id || !fresh.has(m.messageId)) return;
        identifiesOf.set(id, [...(identifiesOf.get(id) ?? []), m]);
      });
      const relinkOf = new Map<string, string>();
      for (const [ref, userId] of relinked) if (ref.id) relinkOf.set(ref.id, userId);
      const states = await repo.lockTraitState(orgId, [
        ...new Set([...identifiesOf.keys(), ...relinkOf.keys()]),
      ]);
      const updates: TraitState[] = [];
      const updated: { contactId: string; changed: string[] }[] = [];
      for (const state of states) {
        const { next, changed } = nextState(
          state,
          relinkOf.get(state.id),
          identifiesOf.get(state.id) ?? [],
        );
        if (changed.length === 0) continue;
        updates.push(next);
        if (!insertedIds.has(state.id)) updated.push({ contactId: state.id, changed });
      }
      await repo.writeTraitState(orgId, updates, now);

      const anonymousLinks = new Map<string, string>();
      for (const [anonymousId, ref] of anonymousOf)
        if (ref.id) anonymousLinks.set(anonymousId, ref.id);
      // Earlier events that named only a userId join its contact when an identify or alias
      // names it, or when a contact takes that userId; a plain track batch probes nothing.
      const userLinks = new Map<string, string>();
      messages.forEach((m, i) => {
        const id = contactOf[i]?.id;
        if (!id || (m.type !== 'identify' && m.type !== 'alias')) return;
        if (m.userId) userLinks.set(m.userId, id);
        if (m.previousId) userLinks.set(m.previousId, id);
      });
      for (const c of [...created, ...relinked.keys()])
        if (c.id && c.externalId) userLinks.set(c.externalId, c.id);
      await repo.attach(orgId, 'anonymous_id', anonymousLinks);
      await repo.attach(orgId, 'user_id', userLinks);

      const tracked = rows.filter(
        (r) => r.type === 'track' && r.contactId !== null && fresh.has(r.messageId),
      );
      return { inserted, updated, tracked };
    });
  }

  /** The batch's stored track events, in the order they were sent, told once. */
  async function emitTracked(orgId: string, tracked: EventRow[]) {
    if (tracked.length === 0) return;
    await domainEvents.emit(orgId, 'event.tracked', {
      events: tracked.map((r) => ({
        eventId: r.id,
        contactId: r.contactId!,
        name: r.name!,
        properties: r.properties,
      })),
    });
  }

  return {
    async ingest(orgId: string, input: IngestInput): Promise<IngestResult> {
      const defaults: MessageDefaults = {
        receivedAt: clock.now(),
        sentAt: input.sentAt,
        context: input.context,
      };
      const rejected: Rejection[] = [];
      let valid: NormalizedMessage[] = [];
      input.messages.forEach((raw, index) => {
        const result = normalizeMessage(raw, index, defaults, input.checkSize);
        if (result.ok) valid.push(result.message);
        else rejected.push(result.rejection);
      });
      const reject = (m: NormalizedMessage, errors: FieldError[]) =>
        rejected.push({ index: m.index, messageId: m.messageId, errors });

      if (UNSTORABLE.test(JSON.stringify(valid))) {
        valid = valid.filter((m) => {
          if (!UNSTORABLE.test(JSON.stringify(m))) return true;
          reject(m, [{ path: '', message: 'contains a NUL character or broken Unicode text' }]);
          return false;
        });
      }
      const badTypes = await typeErrors(orgId, valid);
      if (badTypes.size > 0) {
        valid = valid.filter((m) => {
          const errors = badTypes.get(m.index);
          if (errors) reject(m, errors);
          return !errors;
        });
      }
      // The first of repeated messageIds in one request counts; the others are its retries.
      const seen = new Set<string>();
      const unique = valid.filter((m) => !seen.has(m.messageId) && seen.add(m.messageId));

      if (unique.length > 0) {
        let outcome: Awaited<ReturnType<typeof write>> | undefined;
        for (let attempt = 1; !outcome; attempt++) {
          try {
            outcome = await write(orgId, unique);
          } catch (error) {
            // A concurrent batch took an address or userId first: the next try sees its rows.
            if (attempt >= MAX_ATTEMPTS || !isRetryable(error)) throw error;
          }
        }
        for (const c of outcome.inserted)
          await domainEvents.emit(orgId, 'contact.created', { contactId: c.id, source: 'events' });
        for (const u of outcome.updated) await domainEvents.emit(orgId, 'contact.updated', u);
        await emitTracked(orgId, outcome.tracked);
      }
      rejected.sort((a, b) => a.index - b.index);
      return { success: true, accepted: valid.length, rejected };
    },
  };
}

export type EventIngestion = ReturnType<typeof createEventIngestion>;
