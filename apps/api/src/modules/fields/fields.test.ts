import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../test/harness.js';

interface Field {
  id: string;
  key: string;
  label: string;
  type: string;
}

describe('custom fields', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const call = (
    s: Session,
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    payload?: object,
  ) => t.call(s.accessToken, { method, url: `/api/v1${url}`, ...(payload ? { payload } : {}) });
  const keys = async (s: Session) =>
    ((await call(s, 'GET', '/fields?limit=200')).json() as { items: Field[] }).items.map((f) => [
      f.key,
      f.label,
      f.type,
    ]);

  it('defines, lists by key, relabels and deletes fields', async () => {
    const owner = await t.register();
    const created = await call(owner, 'POST', '/fields', {
      key: 'plan',
      label: ' Plan ',
      type: 'string',
    });
    expect(created.statusCode).toBe(201);
    const plan = created.json() as Field;
    expect(plan).toMatchObject({ key: 'plan', label: 'Plan', type: 'string' });
    await call(owner, 'POST', '/fields', { key: 'age', label: 'Age', type: 'number' });

    const relabeled = await call(owner, 'PATCH', `/fields/${plan.id}`, { label: 'Pricing plan' });
    expect(relabeled.statusCode).toBe(200);
    expect(await keys(owner)).toEqual([
      ['age', 'Age', 'number'],
      ['plan', 'Pricing plan', 'string'],
    ]);

    expect((await call(owner, 'DELETE', `/fields/${plan.id}`)).statusCode).toBe(204);
    expect((await call(owner, 'DELETE', `/fields/${plan.id}`)).statusCode).toBe(404);
    expect((await call(owner, 'PATCH', `/fields/${plan.id}`, { label: 'x' })).statusCode).toBe(404);
    expect(await keys(owner)).toEqual([['age', 'Age', 'number']]);
  });

  it('pages through fields in key order', async () => {
    const owner = await t.register();
    const made = ['f_e', 'f_a', 'f_d', 'f_b', 'f_c'];
    for (const key of made)
      await call(owner, 'POST', '/fields', { key, label: key, type: 'boolean' });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await call(owner, 'GET', `/fields?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      const page = res.json() as { items: Field[]; nextCursor: string | null };
      seen.push(...page.items.map((f) => f.key));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...made].sort());
  });

  it('refuses duplicates, bad keys, type changes and non-admins, changing nothing', async () => {
    const owner = await t.register();
    const created = (
      await call(owner, 'POST', '/fields', { key: 'plan', label: 'Plan', type: 'string' })
    ).json() as Field;
    const editor = await t.memberOf(owner.organization.id, 'editor');
    const stranger = await t.register();
    const cases: [
      Session,
      'POST' | 'PATCH' | 'DELETE',
      string,
      object | undefined,
      number,
      string?,
    ][] = [
      [owner, 'POST', '/fields', { key: 'plan', label: 'Again', type: 'number' }, 409, 'conflict'],
      [owner, 'POST', '/fields', { key: 'Plan', label: 'x', type: 'string' }, 400],
      [owner, 'POST', '/fields', { key: '1st', label: 'x', type: 'string' }, 400],
      [owner, 'POST', '/fields', { key: 'has-dash', label: 'x', type: 'string' }, 400],
      [owner, 'POST', '/fields', { key: `a${'b'.repeat(64)}`, label: 'x', type: 'string' }, 400],
      [owner, 'POST', '/fields', { key: 'email', label: 'x', type: 'string' }, 400],
      [owner, 'POST', '/fields', { key: 'ok', label: 'x', type: 'json' }, 400],
      [owner, 'POST', '/fields', { key: 'ok', label: '', type: 'string' }, 400],
      [owner, 'PATCH', `/fields/${created.id}`, { type: 'number' }, 400],
      [owner, 'PATCH', `/fields/${created.id}`, { label: 'x', type: 'number' }, 400],
      [editor, 'POST', '/fields', { key: 'other', label: 'x', type: 'string' }, 403],
      [editor, 'PATCH', `/fields/${created.id}`, { label: 'x' }, 403],
      [editor, 'DELETE', `/fields/${created.id}`, undefined, 403],
      [stranger, 'PATCH', `/fields/${created.id}`, { label: 'x' }, 404],
      [stranger, 'DELETE', `/fields/${created.id}`, undefined, 404],
    ];
    for (const [who, method, url, payload, status, code] of cases) {
      const res = await call(who, method, url, payload);
      expect(res.statusCode, `${method} ${url} ${JSON.stringify(payload)}`).toBe(status);
      if (code) expect((res.json() as { code: string }).code).toBe(code);
    }
    expect(await keys(owner)).toEqual([['plan', 'Plan', 'string']]);
    // Viewers and editors may read the definitions.
    expect((await call(editor, 'GET', '/fields')).statusCode).toBe(200);
  });

  it('stops typing an attribute once its field is deleted', async () => {
    const owner = await t.register();
    const field = (
      await call(owner, 'POST', '/fields', { key: 'seats', label: 'Seats', type: 'number' })
    ).json() as Field;
    const typed = await call(owner, 'POST', '/contacts', {
      email: 'f@example.com',
      attributes: { seats: 'many' },
    });
    expect(typed.statusCode).toBe(400);
    await call(owner, 'DELETE', `/fields/${field.id}`);
    const free = await call(owner, 'POST', '/contacts', {
      email: 'f@example.com',
      attributes: { seats: 'many' },
    });
    expect(free.statusCode).toBe(201);
  });
});
