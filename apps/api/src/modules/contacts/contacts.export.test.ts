import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import { segments } from '../../db/schema/index.js';
import { createTestApp, type Session, type TestApp } from '../../test/harness.js';
import { csvCell, csvRow } from './contacts.export.js';

const HEADER = [
  'email',
  'first_name',
  'last_name',
  'phone',
  'timezone',
  'locale',
  'status',
  'tags',
  'created_at',
];

describe('CSV cells', () => {
  it('quotes delimiters, quotes and line breaks (RFC 4180)', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('cr\r')).toBe('"cr\r"');
    expect(csvRow(['a', '', 'b c'])).toBe('a,,b c\r\n');
  });

  it('neutralizes spreadsheet formulas with a leading apostrophe', () => {
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('+1 555 0100')).toBe("'+1 555 0100");
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\t=cmd')).toBe("'\t=cmd");
    expect(csvCell('=HYPERLINK("http://evil","x")')).toBe('"\'=HYPERLINK(""http://evil"",""x"")"');
    expect(csvCell('a=b')).toBe('a=b');
  });
});

describe('contact export', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const create = (s: Session, payload: object) =>
    t.call(s.accessToken, { method: 'POST', url: '/api/v1/contacts', payload });
  const exportCsv = (s: Session, query = '') =>
    t.call(s.accessToken, { method: 'GET', url: `/api/v1/contacts/export${query}` });
  const rowsOf = (body: string) => parse(body, { relax_column_count: false }) as string[][];

  it('streams every contact with custom field columns, escaped, and nobody else’s', async () => {
    const owner = await t.register();
    const stranger = await t.register();
    for (const [key, type] of [
      ['seats', 'number'],
      ['plan', 'string'],
    ]) {
      await t.call(owner.accessToken, {
        method: 'POST',
        url: '/api/v1/fields',
        payload: { key, label: key, type },
      });
    }
    const tricky = await create(owner, {
      email: 'tricky@example.com',
      firstName: '=HYPERLINK("http://evil.example","click")',
      lastName: 'Smith, "Jr"\nII',
      phone: '+1 555 0100',
      timezone: 'Europe/Paris',
      locale: 'fr-FR',
      tags: ['a', 'b'],
      attributes: { plan: '@SUM(A1)', seats: 3, other: 'not a field' },
    });
    expect(tricky.statusCode).toBe(201);
    await create(owner, { email: 'plain@example.com', status: 'unsubscribed' });
    await create(stranger, { email: 'stranger@example.com' });

    const res = await exportCsv(owner);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(
      /^attachment; filename="contacts-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const [header, ...rows] = rowsOf(res.body);
    expect(header).toEqual([...HEADER, 'plan', 'seats']);
    expect(rows).toHaveLength(2);
    const created = (tricky.json() as { createdAt: string }).createdAt;
    expect(rows.find((r) => r[0] === 'tricky@example.com')).toEqual([
      'tricky@example.com',
      '\'=HYPERLINK("http://evil.example","click")',
      'Smith, "Jr"\nII',
      "'+1 555 0100",
      'Europe/Paris',
      'fr-FR',
      'subscribed',
      'a;b',
      created,
      "'@SUM(A1)",
      '3',
    ]);
    expect(rows.find((r) => r[0] === 'plain@example.com')).toEqual(
      expect.arrayContaining(['plain@example.com', 'unsubscribed']),
    );
    expect(res.body).not.toContain('stranger@example.com');

    const theirs = rowsOf((await exportCsv(stranger)).body);
    expect(theirs).toEqual([HEADER, expect.arrayContaining(['stranger@example.com'])]);
  });

  it('exports a status, a list or a segment; unknown ids are a 404 problem, not a file', async () => {
    const owner = await t.register();
    const stranger = await t.register();
    const ids: Record<string, string> = {};
    for (const [email, status, tags] of [
      ['a@example.com', 'subscribed', ['vip']],
      ['b@example.com', 'bounced', ['vip']],
      ['c@example.com', 'subscribed', []],
    ] as const) {
      ids[email] = ((await create(owner, { email, status, tags })).json() as { id: string }).id;
    }
    const list = await t.call(owner.accessToken, {
      method: 'POST',
      url: '/api/v1/lists',
      payload: { name: 'L' },
    });
    const listId = (list.json() as { id: string }).id;
    await t.call(owner.accessToken, {
      method: 'POST',
      url: `/api/v1/lists/${listId}/members`,
      payload: { contactIds: [ids['b@example.com'], ids['c@example.com']] },
    });
    const segmentId = uuidv7();
    await t.database.db.insert(segments).values({
      id: segmentId,
      orgId: owner.organization.id,
      name: 'VIPs',
      definition: { tag: 'vip', op: 'has' },
    });

    const emails = async (query: string) =>
      rowsOf((await exportCsv(owner, query)).body)
        .slice(1)
        .map((r) => r[0])
        .sort();
    expect(await emails('?status=subscribed')).toEqual(['a@example.com', 'c@example.com']);
    expect(await emails(`?listId=${listId}`)).toEqual(['b@example.com', 'c@example.com']);
    expect(await emails(`?segmentId=${segmentId}`)).toEqual(['a@example.com', 'b@example.com']);
    expect(await emails(`?segmentId=${segmentId}&listId=${listId}&status=bounced`)).toEqual([
      'b@example.com',
    ]);

    for (const query of [`?listId=${listId}`, `?segmentId=${segmentId}`, `?listId=${uuidv7()}`]) {
      const res = await exportCsv(stranger, query);
      expect(res.statusCode, query).toBe(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    for (const query of ['?status=vip', '?limit=10', '?segmentId=x']) {
      expect((await exportCsv(owner, query)).statusCode, query).toBe(400);
    }
    const viewer = await t.memberOf(owner.organization.id, 'viewer');
    expect((await exportCsv(viewer)).statusCode).toBe(403);
  });

  it('pages through more rows than one query fetches, each contact once', async () => {
    const owner = await t.register();
    await t.database.db.execute(sql`
      insert into contacts (id, org_id, email, tags, attributes)
      select gen_random_uuid(), ${owner.organization.id}::uuid, 'row' || n || '@example.com',
        array['t' || (n % 3)], jsonb_build_object('n', n)
      from generate_series(1, 5003) n`);
    const res = await exportCsv(owner);
    expect(res.statusCode).toBe(200);
    const [header, ...rows] = rowsOf(res.body);
    expect(header).toEqual(HEADER);
    expect(rows).toHaveLength(5003);
    expect(new Set(rows.map((r) => r[0])).size).toBe(5003);
  });
});
