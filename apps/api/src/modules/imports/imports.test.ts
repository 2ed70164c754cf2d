import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { contacts, listMembers, suppressions } from '../../db/schema/index.js';
import { createTestApp, type Session, type TestApp } from '../../test/harness.js';
import { v7 as uuidv7 } from 'uuid';

/** Builds a multipart body by hand, the way a browser or curl sends it. */
function multipart(file: Buffer | string, options?: object, fileName = 'contacts.csv') {
  const boundary = `----herald${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  if (options) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="options"\r\n\r\n${JSON.stringify(options)}\r\n`,
      ),
    );
  }
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: text/csv\r\n\r\n`,
    ),
    Buffer.isBuffer(file) ? file : Buffer.from(file),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return {
    payload: Buffer.concat(parts),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

interface ImportView {
  id: string;
  status: string;
  percent: number;
  inserted: number;
  updated: number;
  skipped: number;
  failed: number;
  duplicates: number;
  rowsProcessed: number;
  encoding: string;
  delimiter: string;
}

describe('CSV import', () => {
  let t: TestApp;
  let owner: Session;
  beforeAll(async () => {
    // Two rows per chunk: on PostgreSQL every test crosses chunk boundaries (repeats far apart).
    t = await createTestApp({ env: { IMPORT_CHUNK_ROWS: '2' } });
    await t.startWorker();
    owner = await t.register();
  });
  afterAll(() => t.close());

  async function importFile(
    session: Session,
    file: Buffer | string,
    options?: object,
  ): Promise<ImportView> {
    const res = await t.call(session.accessToken, {
      method: 'POST',
      url: '/api/v1/imports',
      ...multipart(file, options),
    });
    expect(res.statusCode, res.body).toBe(202);
    const { id } = res.json() as ImportView;
    const deadline = Date.now() + 20_000;
    for (;;) {
      const got = (
        await t.call(session.accessToken, { method: 'GET', url: `/api/v1/imports/${id}` })
      ).json() as ImportView;
      if (['completed', 'failed', 'cancelled'].includes(got.status)) return got;
      if (Date.now() > deadline) throw new Error(`import stuck: ${JSON.stringify(got)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const contactsOf = (orgId: string) =>
    t.database.db.select().from(contacts).where(eq(contacts.orgId, orgId)).orderBy(contacts.email);

  it('imports a messy Windows-1252, semicolon-separated file with CRLF, quotes and bad rows, reporting each rejection by line', async () => {
    const s = await t.register();
    const csv = Buffer.concat([
      Buffer.from('E-mail;Vorname;Surname;Company;Tags\r\n'),
      Buffer.from('ana@Example.COM;Ana;M'),
      Buffer.from([0xfc]), // ü in Windows-1252
      Buffer.from('ller;"ACME; Inc.";vip,beta\r\n'),
      Buffer.from('not-an-email;Bob;B;X;\r\n'),
      Buffer.from('carl@example.com;"Carl\r\nMultiline";C;"He said ""hi""";\r\n'),
      Buffer.from('dora@example.com;Dora\r\n'),
      Buffer.from('ANA@example.com;Anabel;;;\r\n'),
      Buffer.from('\r\n\r\n'),
    ]);
    const done = await importFile(s, csv, { tags: ['imported'] });
    expect(done).toMatchObject({
      status: 'completed',
      percent: 100,
      encoding: 'windows-1252',
      delimiter: ';',
      rowsProcessed: 5,
      inserted: 2,
      updated: 0,
      failed: 2,
      duplicates: 1,
    });
    const rows = await contactsOf(s.organization.id);
    // Repeats merge in file order: the first spelling created the contact, a later non-blank
    // cell overrides, blank cells keep what the earlier row had, tags accumulate.
    expect(rows.map((r) => r.email)).toEqual(['ana@example.com', 'carl@example.com']);
    const ana = rows[0]!;
    expect(ana).toMatchObject({
      firstName: 'Anabel',
      lastName: 'Müller',
      attributes: { company: 'ACME; Inc.' },
      source: 'import',
      status: 'subscribed',
    });
    expect([...ana.tags].sort()).toEqual(['beta', 'imported', 'vip']);
    expect(rows[1]).toMatchObject({
      firstName: 'Carl\r\nMultiline',
      attributes: { company: 'He said "hi"' },
    });
    expect(rows[1]!.tags).toEqual(['imported']);

    const errors = await t.call(s.accessToken, {
      method: 'GET',
      url: `/api/v1/imports/${done.id}/errors`,
    });
    expect(errors.statusCode).toBe(200);
    expect(errors.headers['content-type']).toContain('text/csv');
    const lines = errors.body.trim().split('\n');
    expect(lines[0]).toBe('line,reason,row');
    expect(lines[1]).toMatch(/^3,"invalid email ""not-an-email"": missing @"/);
    expect(lines[2]).toMatch(/^6,"expected 5 cells, found 2 \(too few\)"/);
  });

  it('maps a Mailchimp export with no manual step and types attributes by field definitions', async () => {
    const s = await t.register();
    await t.call(s.accessToken, {
      method: 'POST',
      url: '/api/v1/fields',
      payload: { key: 'member_rating', label: 'Rating', type: 'number' },
    });
    const csv =
      '\uFEFFEmail Address,First Name,Last Name,MEMBER_RATING,TAGS\n' +
      'zoe@example.com,Zoë,Ng,4,"a, b"\n' +
      'yan@example.com,Yan,Li,lots,\n';
    const done = await importFile(s, csv);
    expect(done).toMatchObject({ status: 'completed', encoding: 'utf-8', inserted: 1, failed: 1 });
    const [zoe] = await contactsOf(s.organization.id);
    expect(zoe).toMatchObject({
      email: 'zoe@example.com',
      firstName: 'Zoë',
      lastName: 'Ng',
      attributes: { member_rating: 4 },
    });
    expect([...zoe!.tags].sort()).toEqual(['a', 'b']);
  });

  it('upserts by default, never re-subscribes unless asked, blocks suppressed addresses, and adds to a list', async () => {
    const s = await t.register();
    const list = (
      await t.call(s.accessToken, {
        method: 'POST',
        url: '/api/v1/lists',
        payload: { name: 'Imported' },
      })
    ).json() as { id: string };
    await t.call(s.accessToken, {
      method: 'POST',
      url: '/api/v1/contacts',
      payload: { email: 'gone@example.com', status: 'unsubscribed' },
    });
    await t.database.db.insert(suppressions).values({
      id: uuidv7(),
      orgId: s.organization.id,
      email: 'never@example.com',
      reason: 'complaint',
    });
    const csv =
      'email,first name,status\ngone@example.com,Gone,subscribed\nnever@example.com,Never,subscribed\nnew@example.com,New,\n';
    const first = await importFile(s, csv, { listId: list.id });
    expect(first).toMatchObject({ status: 'completed', inserted: 2, updated: 1 });
    const byEmail = Object.fromEntries(
      (await contactsOf(s.organization.id)).map((c) => [c.email, c]),
    );
    expect(byEmail['gone@example.com']).toMatchObject({
      status: 'unsubscribed',
      firstName: 'Gone',
    });
    expect(byEmail['never@example.com']!.status).toBe('blocked');
    expect(byEmail['new@example.com']!.status).toBe('subscribed');
    const members = await t.database.db
      .select()
      .from(listMembers)
      .where(eq(listMembers.listId, list.id));
    expect(members).toHaveLength(3);

    const again = await importFile(s, csv, { resubscribe: true });
    expect(again).toMatchObject({ inserted: 0, updated: 3 });
    const [gone] = await t.database.db
      .select()
      .from(contacts)
      .where(and(eq(contacts.orgId, s.organization.id), eq(contacts.email, 'gone@example.com')));
    expect(gone!.status).toBe('subscribed');
  });

  it('create-only skips existing contacts and update-only skips new ones', async () => {
    const s = await t.register();
    await t.call(s.accessToken, {
      method: 'POST',
      url: '/api/v1/contacts',
      payload: { email: 'old@example.com', firstName: 'Old' },
    });
    const csv = 'email,first_name\nold@example.com,Changed\nfresh@example.com,Fresh\n';
    expect(await importFile(s, csv, { mode: 'create' })).toMatchObject({
      inserted: 1,
      updated: 0,
      skipped: 1,
    });
    expect(
      (await contactsOf(s.organization.id)).find((c) => c.email === 'old@example.com')!.firstName,
    ).toBe('Old');
    const csv2 = 'email,first_name\nold@example.com,Changed\nunknown@example.com,X\n';
    expect(await importFile(s, csv2, { mode: 'update' })).toMatchObject({
      inserted: 0,
      updated: 1,
      skipped: 1,
    });
    expect((await contactsOf(s.organization.id)).map((c) => c.email)).toEqual([
      'fresh@example.com',
      'old@example.com',
    ]);
  });

  it('merges an address repeated far apart in the file and counts it once, in every mode', async () => {
    const csv =
      'email,first name,last name,tags\n' +
      'a@example.com,A,Alpha,t1\n' +
      'b@example.com,B,,\n' +
      'c@example.com,,,\n' +
      'A@example.com,,Second,t2\n' +
      'old@example.com,Old2,,\n' +
      'b@example.com,Bee,,\n' +
      'old@example.com,,Older,\n' +
      'zed@example.com,Zed,,\n' +
      'zed@example.com,,Zz,\n';
    const withOld = async () => {
      const s = await t.register();
      await t.call(s.accessToken, {
        method: 'POST',
        url: '/api/v1/contacts',
        payload: { email: 'old@example.com', firstName: 'Old' },
      });
      return s;
    };
    const byEmail = async (s: Session) =>
      Object.fromEntries((await contactsOf(s.organization.id)).map((c) => [c.email, c]));

    const upsert = await withOld();
    expect(await importFile(upsert, csv)).toMatchObject({
      rowsProcessed: 9,
      inserted: 4,
      updated: 1,
      skipped: 0,
      duplicates: 4,
    });
    const u = await byEmail(upsert);
    expect(Object.keys(u).sort()).toEqual([
      'a@example.com',
      'b@example.com',
      'c@example.com',
      'old@example.com',
      'zed@example.com',
    ]);
    expect(u['a@example.com']).toMatchObject({ firstName: 'A', lastName: 'Second' });
    expect([...u['a@example.com']!.tags].sort()).toEqual(['t1', 't2']);
    expect(u['b@example.com']!.firstName).toBe('Bee');
    expect(u['old@example.com']).toMatchObject({ firstName: 'Old2', lastName: 'Older' });
    expect(u['zed@example.com']).toMatchObject({ firstName: 'Zed', lastName: 'Zz' });

    const create = await withOld();
    expect(await importFile(create, csv, { mode: 'create' })).toMatchObject({
      inserted: 4,
      updated: 0,
      skipped: 1,
      duplicates: 4,
    });
    const c = await byEmail(create);
    expect(c['old@example.com']).toMatchObject({ firstName: 'Old', lastName: null });
    expect(c['a@example.com']!.lastName).toBe('Second');

    const update = await withOld();
    expect(await importFile(update, csv, { mode: 'update' })).toMatchObject({
      inserted: 0,
      updated: 1,
      skipped: 4,
      duplicates: 4,
    });
    expect(Object.keys(await byEmail(update))).toEqual(['old@example.com']);
  });

  it('previews encoding, delimiter, mapping and first rows without importing anything', async () => {
    const s = await t.register();
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from('EMAIL\tFIRSTNAME\tSMS\nx@example.com\tX\t+441234\n', 'utf16le'),
    ]);
    const res = await t.call(s.accessToken, {
      method: 'POST',
      url: '/api/v1/imports/preview',
      ...multipart(utf16),
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as {
      encoding: string;
      delimiter: string;
      header: string[];
      rows: string[][];
      columns: { target: { field?: string } }[];
    };
    expect(body).toMatchObject({
      encoding: 'utf-16le',
      delimiter: '\t',
      header: ['EMAIL', 'FIRSTNAME', 'SMS'],
      rows: [['x@example.com', 'X', '+441234']],
    });
    expect(body.columns.map((c) => c.target.field)).toEqual(['email', 'firstName', 'phone']);
    expect(await contactsOf(s.organization.id)).toEqual([]);

    // A file whose email column isn't recognized still previews, so the user can map it.
    const unknown = await t.call(s.accessToken, {
      method: 'POST',
      url: '/api/v1/imports/preview',
      ...multipart('Kontakt;Name\na@b.co;A\n'),
    });
    expect(unknown.statusCode).toBe(200);
    expect(unknown.json()).toMatchObject({
      header: ['Kontakt', 'Name'],
      warnings: [expect.stringContaining('email')],
    });
    const mapped = await t.call(s.accessToken, {
      method: 'POST',
      url: '/api/v1/imports/preview',
      ...multipart('Kontakt;Name\na@b.co;A\n', { mapping: { Kontakt: 'email' } }),
    });
    expect(
      (mapped.json() as { columns: { target: { field?: string } }[] }).columns[0]!.target.field,
    ).toBe('email');
  });

  it('refuses files it cannot use with a clear 4xx and leaves nothing behind', async () => {
    const s = await t.register();
    const noEmail = await t.call(s.accessToken, {
      method: 'POST',
      url: '/api/v1/imports',
      ...multipart('name,phone\nA,1\n'),
    });
    expect(noEmail.statusCode).toBe(422);
    expect(noEmail.json().detail).toContain('email');
    const empty = await t.call(s.accessToken, {
      method: 'POST',
      url: '/api/v1/imports',
      ...multipart(''),
    });
    expect(empty.statusCode).toBe(422);
    const badOptions = await t.call(s.accessToken, {
      method: 'POST',
      url: '/api/v1/imports',
      ...multipart('email\na@b.co\n', { mode: 'merge' }),
    });
    expect(badOptions.statusCode).toBe(400);
    expect(badOptions.json().errors[0].path).toBe('options.mode');
    const foreignList = await t.call(s.accessToken, {
      method: 'POST',
      url: '/api/v1/imports',
      ...multipart('email\na@b.co\n', { listId: uuidv7() }),
    });
    expect(foreignList.statusCode).toBe(400);
    const json = await t.call(s.accessToken, {
      method: 'POST',
      url: '/api/v1/imports',
      payload: { file: 'x' },
    });
    expect(json.statusCode).toBe(415);
    const list = (
      await t.call(s.accessToken, { method: 'GET', url: '/api/v1/imports' })
    ).json() as { items: unknown[] };
    expect(list.items).toEqual([]);
  });

  it('another organization cannot see, read errors of, or cancel an import', async () => {
    const done = await importFile(owner, 'email\nmine@example.com\n');
    const other = await t.register();
    for (const [method, url] of [
      ['GET', `/api/v1/imports/${done.id}`],
      ['GET', `/api/v1/imports/${done.id}/errors`],
      ['DELETE', `/api/v1/imports/${done.id}`],
    ] as const) {
      expect(
        (await t.call(other.accessToken, { method, url })).statusCode,
        `${method} ${url}`,
      ).toBe(404);
    }
    expect(
      (
        (await t.call(other.accessToken, { method: 'GET', url: '/api/v1/imports' })).json() as {
          items: unknown[];
        }
      ).items,
    ).toEqual([]);
    const cancelDone = await t.call(owner.accessToken, {
      method: 'DELETE',
      url: `/api/v1/imports/${done.id}`,
    });
    expect(cancelDone.statusCode).toBe(409);
  });
});

describe('CSV import crash safety', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Small chunks: on PostgreSQL some are applied inside the transaction before the run dies.
    t = await createTestApp({ env: { IMPORT_CHUNK_ROWS: '3000' } });
  });
  afterAll(() => t.close());

  it('a run that dies mid-file applies nothing; the retried run starts over and applies every row once', async () => {
    const s = await t.register();
    const rows = Array.from({ length: 25_000 }, (_, i) => `person${i}@example.com,Person ${i}`);
    const csv = `email,first name\n${rows.join('\n')}\nbroken-address,X\n`;
    const principal = {
      kind: 'user' as const,
      orgId: s.organization.id,
      role: 'owner' as const,
      userId: null,
      apiKeyId: null,
    };
    const { Readable } = await import('node:stream');
    const received = await t.services.imports.receive(
      Readable.from([Buffer.from(csv)]),
      'big.csv',
      () => false,
    );
    const created = await t.services.imports.create(
      principal,
      received,
      { mode: 'upsert', tags: [], resubscribe: false },
      false,
    );

    // The worker is told to stop (as on SIGTERM or a lost lease) while rows are being staged.
    const controller = new AbortController();
    controller.abort();
    await expect(
      t.services.imports.run(created.id, s.organization.id, controller.signal),
    ).rejects.toThrow(/shutting down/);
    const midway = await t.services.imports.get(principal, created.id);
    expect(midway.status).toBe('running');
    expect(midway.rowsProcessed).toBeGreaterThan(0);
    const none = await t.database.db
      .select()
      .from(contacts)
      .where(eq(contacts.orgId, s.organization.id));
    expect(none).toHaveLength(0);

    await t.services.imports.run(created.id, s.organization.id);
    const done = await t.services.imports.get(principal, created.id);
    expect(done).toMatchObject({
      status: 'completed',
      inserted: 25_000,
      failed: 1,
      rowsProcessed: 25_001,
    });
    const all = await t.database.db
      .select({ email: contacts.email })
      .from(contacts)
      .where(eq(contacts.orgId, s.organization.id));
    expect(all).toHaveLength(25_000);
    // A late duplicate delivery of the job finds the import finished and does nothing.
    await t.services.imports.run(created.id, s.organization.id);
    expect((await t.services.imports.get(principal, created.id)).inserted).toBe(25_000);
  }, 60_000);

  it('an import whose job keeps failing ends visibly failed with the reason', async () => {
    const s = await t.register();
    const principal = {
      kind: 'user' as const,
      orgId: s.organization.id,
      role: 'owner' as const,
      userId: null,
      apiKeyId: null,
    };
    const { Readable } = await import('node:stream');
    const received = await t.services.imports.receive(
      Readable.from([Buffer.from('email\na@example.com\n')]),
      'gone.csv',
      () => false,
    );
    const created = await t.services.imports.create(
      principal,
      received,
      { mode: 'upsert', tags: [], resubscribe: false },
      false,
    );
    await t.services.imports.discard(received);
    await expect(t.services.imports.run(created.id, s.organization.id)).rejects.toThrow();
    await t.services.imports.markFailed(created.id, new Error('the uploaded file is gone'));
    expect(await t.services.imports.get(principal, created.id)).toMatchObject({
      status: 'failed',
      error: 'the uploaded file is gone',
    });
  });
});
