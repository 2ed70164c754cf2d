import { and, eq, sql } from 'drizzle-orm';
import type { InjectOptions } from 'fastify';
import { contacts, events } from '../../db/schema/index.js';
import type { Session, TestApp } from '../../test/harness.js';

/** Test helpers for the event API: write keys, Basic-auth sends, row counts. */

export async function createWriteKey(t: TestApp, owner: Session, name = 'Website') {
  const res = await t.call(owner.accessToken, {
    method: 'POST',
    url: '/api/v1/write-keys',
    payload: { name },
  });
  if (res.statusCode !== 201) throw new Error(`write key failed: ${res.statusCode} ${res.body}`);
  return res.json() as { id: string; key: string; prefix: string };
}

export const basic = (writeKey: string) =>
  `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;

/** POSTs like a Segment SDK: Basic auth with the write key, JSON body. */
export function send(
  t: TestApp,
  writeKey: string,
  path: string,
  payload: unknown,
  options: Partial<InjectOptions> = {},
) {
  return t.app.inject({
    method: 'POST',
    url: path,
    ...options,
    headers: { authorization: basic(writeKey), ...options.headers },
    payload: payload as object,
  });
}

export async function eventsOf(t: TestApp, orgId: string) {
  return t.database.db.select().from(events).where(eq(events.orgId, orgId)).orderBy(events.id);
}

export async function countEvents(t: TestApp, orgId: string): Promise<number> {
  const [row] = await t.database.db
    .select({ n: sql<number>`count(*)::int` })
    .from(events)
    .where(eq(events.orgId, orgId));
  return row!.n;
}

export async function contactByEmail(t: TestApp, orgId: string, email: string) {
  const [row] = await t.database.db
    .select()
    .from(contacts)
    .where(and(eq(contacts.orgId, orgId), sql`lower(${contacts.email}) = lower(${email})`));
  return row;
}

export async function countContacts(t: TestApp, orgId: string): Promise<number> {
  const [row] = await t.database.db
    .select({ n: sql<number>`count(*)::int` })
    .from(contacts)
    .where(eq(contacts.orgId, orgId));
  return row!.n;
}
