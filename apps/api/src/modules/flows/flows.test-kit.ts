import { expect } from 'vitest';
import type { Session, TestApp } from '../../test/harness.js';

/** Factories and waits shared by the flow tests. */

export type Call = (
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  payload?: object,
) => ReturnType<TestApp['call']>;

export interface FlowOrg {
  s: Session;
  call: Call;
  templateId: string;
  outboxId: string;
  contact(email?: string, extra?: object): Promise<string>;
  /** Creates the flow with this definition and activates it (publishing v1). */
  activeFlow(definition: object, name?: string): Promise<string>;
}

let seq = 0;

export async function flowOrg(t: TestApp): Promise<FlowOrg> {
  const s = await t.register();
  const call: Call = (method, url, payload) =>
    t.call(s.accessToken, { method, url, ...(payload ? { payload } : {}) });
  const template = await call('POST', '/api/v1/templates', {
    name: 'Welcome',
    subject: 'Hello {{ firstName | default: "there" }}',
    format: 'html',
    body: '<p>Hi {{ firstName }}</p><p><a href="https://example.com/start">Start</a></p><p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p>',
  });
  expect(template.statusCode, template.body).toBe(201);
  const senders = (await call('GET', '/api/v1/senders')).json() as { items: { id: string }[] };
  return {
    s,
    call,
    templateId: (template.json() as { id: string }).id,
    outboxId: senders.items[0]!.id,
    async contact(email, extra = {}) {
      const res = await call('POST', '/api/v1/contacts', {
        email: email ?? `reader${seq++}@example.com`,
        firstName: 'Ada',
        ...extra,
      });
      expect(res.statusCode, res.body).toBeLessThan(300);
      return (res.json() as { id: string }).id;
    },
    async activeFlow(definition, name = 'Flow') {
      const created = await call('POST', '/api/v1/flows', { name, definition });
      expect(created.statusCode, created.body).toBe(201);
      const id = (created.json() as { id: string }).id;
      const activated = await call('POST', `/api/v1/flows/${id}/activate`);
      expect(activated.statusCode, activated.body).toBe(200);
      return id;
    },
  };
}

/** A straight line of nodes after a trigger, each joined to the next. */
export function line(
  trigger: object,
  nodes: { id: string; type: string; config?: object }[],
  extra: object = {},
) {
  const all = [
    { id: 'trigger', type: 'trigger', position: { x: 0, y: 0 }, config: trigger },
    ...nodes.map((n, i) => ({
      ...n,
      position: { x: 0, y: (i + 1) * 100 },
      config: n.config ?? {},
    })),
  ];
  return {
    reEntry: 'once',
    exitConditions: [],
    ...extra,
    nodes: all,
    edges: all.slice(1).map((n, i) => ({ id: `e${i}`, source: all[i]!.id, target: n.id })),
  };
}

export interface RunView {
  id: string;
  status: string;
  currentStep: string | null;
  version: number;
  contactId: string;
  exitReason: string | null;
  error: string | null;
  steps: {
    stepId: string;
    visit: number;
    status: string;
    outcome: string | null;
    detail: Record<string, unknown>;
  }[];
}

export async function runsOf(call: Call, flowId: string): Promise<RunView[]> {
  const res = await call('GET', `/api/v1/flows/${flowId}/runs?limit=200`);
  expect(res.statusCode, res.body).toBe(200);
  const items = (res.json() as { items: { id: string }[] }).items;
  return Promise.all(
    items.map(async (r) => (await call('GET', `/api/v1/flow-runs/${r.id}`)).json() as RunView),
  );
}

/** Polls until `check` passes (or throws its last failure after the deadline). */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export async function runsSettled(
  call: Call,
  flowId: string,
  count: number,
  statuses = ['completed'],
) {
  return eventually(async () => {
    const runs = await runsOf(call, flowId);
    expect(runs).toHaveLength(count);
    for (const run of runs) expect(statuses, JSON.stringify(run)).toContain(run.status);
    return runs;
  });
}

export async function outboxFor(call: Call, to?: string) {
  const res = await call('GET', '/api/v1/outbox?limit=200');
  expect(res.statusCode, res.body).toBe(200);
  const items = (
    res.json() as { items: { toEmail: string; subject: string; campaignId: string | null }[] }
  ).items;
  return to ? items.filter((m) => m.toEmail === to) : items;
}
