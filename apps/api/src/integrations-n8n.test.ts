import { createHmac, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { DateTime } from 'luxon';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSignedRequest, generateWebhookSecret } from './modules/webhooks/webhooks.signing.js';
import { createTestApp, type TestApp } from './test/harness.js';

// The importable n8n workflows in integrations/n8n/ (docs/integrations/n8n.md). n8n itself is not
// run here: integrations/n8n/verify.ts does that against a real n8n.

interface N8nNode {
  id: string;
  name: string;
  type: string;
  typeVersion: number;
  position: [number, number];
  parameters: Record<string, unknown>;
  credentials?: Record<string, { id: string; name: string }>;
  webhookId?: string;
  onError?: 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';
}
interface N8nWorkflow {
  name: string;
  nodes: N8nNode[];
  connections: Record<string, Record<string, { node: string; type: string; index: number }[][]>>;
  active: boolean;
  settings?: Record<string, unknown>;
}

const DIR = fileURLToPath(new URL('../../../integrations/n8n/', import.meta.url));
const load = (file: string) => JSON.parse(readFileSync(DIR + file, 'utf8')) as N8nWorkflow;
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.json'));

/** Node types these workflows use and the type versions n8n 1.x ships for them. */
const KNOWN_VERSIONS: Record<string, number[]> = {
  'n8n-nodes-base.webhook': [1, 1.1, 2, 2.1],
  'n8n-nodes-base.scheduleTrigger': [1, 1.1, 1.2, 1.3],
  'n8n-nodes-base.code': [1, 2],
  'n8n-nodes-base.set': [3, 3.1, 3.2, 3.3, 3.4],
  'n8n-nodes-base.if': [2, 2.1, 2.2, 2.3],
  'n8n-nodes-base.httpRequest': [3, 4, 4.1, 4.2, 4.3],
  'n8n-nodes-base.respondToWebhook': [1, 1.1, 1.2, 1.3, 1.4, 1.5],
  'n8n-nodes-base.stopAndError': [1],
  'n8n-nodes-base.stickyNote': [1],
};
/** Canvas notes: not part of the graph. */
const NOTE = 'n8n-nodes-base.stickyNote';
const TRIGGERS = new Set(['n8n-nodes-base.webhook', 'n8n-nodes-base.scheduleTrigger']);
const RESPOND = 'n8n-nodes-base.respondToWebhook';
/** Nodes that fail on bad data or a bad answer, rather than on a broken workflow. */
const MAY_FAIL = new Set(['n8n-nodes-base.code', 'n8n-nodes-base.httpRequest']);
/** A node's outputs: IF has true and false; "continue (using error output)" adds one. */
const outputsOf = (n: N8nNode) =>
  (n.type === 'n8n-nodes-base.if' ? 2 : n.type === 'n8n-nodes-base.stopAndError' ? 0 : 1) +
  (n.onError === 'continueErrorOutput' ? 1 : 0);

const node = (wf: N8nWorkflow, name: string) => {
  const found = wf.nodes.find((n) => n.name === name);
  if (!found) throw new Error(`no node "${name}" in ${wf.name}`);
  return found;
};
/** Runs a Code node's JavaScript the way n8n does: the body of an async function, `this` bound. */
async function runCode(
  jsCode: string,
  globals: Record<string, unknown>,
  self: unknown = { helpers: {} },
): Promise<{ json: Record<string, unknown> }[]> {
  const fn = vm.runInNewContext(`(async function () {\n${jsCode}\n})`, {
    Buffer,
    ...globals,
  }) as (this: unknown) => Promise<{ json: Record<string, unknown> }[]>;
  return fn.call(self);
}

/**
 * Evaluates an n8n parameter: `={{ expr }}` yields the expression's value, other `=` strings
 * interpolate each `{{ expr }}`; plain values stay as they are.
 */
function evaluate(value: unknown, scope: Record<string, unknown>): unknown {
  if (typeof value !== 'string' || !value.startsWith('=')) return value;
  const run = (expr: string) => vm.runInNewContext(`(${expr})`, { ...scope }) as unknown;
  const template = value.slice(1);
  const whole = /^\{\{([\s\S]*)\}\}$/.exec(template);
  if (whole && !whole[1]!.includes('}}')) return run(whole[1]!);
  return template.replace(/\{\{([\s\S]*?)\}\}/g, (_, expr: string) => String(run(expr)));
}

describe('n8n workflows: structure', () => {
  it('ships the three documented workflows', () => {
    expect(FILES.sort()).toEqual([
      'daily-campaign.json',
      'flow-webhook-step.json',
      'job-failure-alert.json',
    ]);
  });

  for (const file of FILES) {
    it(`${file} is an importable n8n 1.x workflow`, () => {
      const wf = load(file);
      expect(typeof wf.name).toBe('string');
      // Imported inactive: webhooks go live only once the user has filled in the settings.
      expect(wf.active).toBe(false);
      expect(wf.nodes.length).toBeGreaterThan(1);
      expect(new Set(wf.nodes.map((n) => n.name)).size).toBe(wf.nodes.length);
      expect(new Set(wf.nodes.map((n) => n.id)).size).toBe(wf.nodes.length);
      for (const n of wf.nodes) {
        expect(n.id, n.name).toMatch(/^[0-9a-f-]{36}$/);
        expect(KNOWN_VERSIONS[n.type], `${n.name}: ${n.type}`).toContain(n.typeVersion);
        expect(n.position).toEqual([expect.any(Number), expect.any(Number)]);
        expect(typeof n.parameters).toBe('object');
        for (const [type, ref] of Object.entries(n.credentials ?? {})) {
          expect(type, n.name).toBe('httpHeaderAuth');
          expect(ref.name.length, n.name).toBeGreaterThan(0);
        }
      }

      const triggers = wf.nodes.filter((n) => TRIGGERS.has(n.type));
      expect(triggers).toHaveLength(1);
      const incoming = new Set<string>();
      for (const [source, outputs] of Object.entries(wf.connections)) {
        const from = node(wf, source);
        expect(Object.keys(outputs)).toEqual(['main']);
        expect(outputs.main!.length, source).toBeLessThanOrEqual(outputsOf(from));
        for (const target of outputs.main!.flat()) {
          expect(target.type).toBe('main');
          expect(target.index).toBe(0);
          node(wf, target.node);
          incoming.add(target.node);
        }
      }
      for (const n of wf.nodes) {
        if (TRIGGERS.has(n.type) || n.type === NOTE)
          expect(incoming.has(n.name), n.name).toBe(false);
        else expect(incoming.has(n.name), `${n.name} is never reached`).toBe(true);
      }
      const notes = wf.nodes.filter((n) => n.type === NOTE);
      expect(notes).toHaveLength(1);
      expect(notes[0]!.parameters.content).toContain('docs/integrations/n8n.md');
    });
  }

  it('answers every webhook request, also when a step fails', () => {
    // n8n 1.x answers an empty 200 when a responseNode workflow fails before a Respond node, which
    // Herald would count as delivered: every failing step must lead to a Respond node too.
    for (const file of ['job-failure-alert.json', 'flow-webhook-step.json']) {
      const wf = load(file);
      const trigger = wf.nodes.find((n) => n.type === 'n8n-nodes-base.webhook')!;
      expect(trigger.parameters).toMatchObject({
        httpMethod: 'POST',
        responseMode: 'responseNode',
      });
      expect(trigger.webhookId).toMatch(/^[0-9a-f-]{36}$/);
      let paths = 0;
      const walk = (name: string, path: string[], isAnswered: boolean): void => {
        const current = node(wf, name);
        const here = [...path, name];
        const answered = isAnswered || current.type === RESPOND;
        if (!answered && MAY_FAIL.has(current.type))
          expect(current.onError, `${here.join(' → ')} may fail unanswered`).toBe(
            'continueErrorOutput',
          );
        for (let output = 0; output < Math.max(outputsOf(current), 1); output++) {
          const targets = (wf.connections[name]?.main?.[output] ?? []).map((c) => c.node);
          if (targets.length === 0) {
            paths++;
            expect(answered, `${here.join(' → ')} ends unanswered`).toBe(true);
          }
          for (const target of targets) if (!path.includes(target)) walk(target, here, answered);
        }
      };
      walk(trigger.name, [], false);
      expect(paths).toBeGreaterThan(1);
    }
  });

  it('keeps the raw body for the signature and protects the flow webhook with a header credential', () => {
    const alert = node(load('job-failure-alert.json'), 'Herald webhook');
    expect(alert.parameters).toMatchObject({
      path: 'herald-job-failed',
      options: { rawBody: true },
    });
    const step = node(load('flow-webhook-step.json'), 'Herald flow step');
    expect(step.parameters).toMatchObject({ authentication: 'headerAuth' });
    expect(step.credentials?.httpHeaderAuth?.name).toBe('Herald flow token');
  });
});

describe('n8n workflows: the signature check', () => {
  const wf = load('job-failure-alert.json');
  const code = node(wf, 'Verify signature').parameters.jsCode as string;
  const secret = generateWebhookSecret();
  const event = {
    type: 'job.failed',
    timestamp: new Date().toISOString(),
    data: {
      jobId: '0190a0b0-0000-7000-8000-000000000001',
      name: 'imports.run',
      error: 'Error: gone ✗',
    },
  };

  /** One request as the Webhook node hands it on: parsed JSON, headers, raw body as binary. */
  const request = (headers: Record<string, string>, rawBody: string) => [
    {
      json: { headers, params: {}, query: {}, body: JSON.parse(rawBody) as unknown },
      binary: {
        data: { data: Buffer.from(rawBody).toString('base64'), mimeType: 'application/json' },
      },
    },
  ];
  const verify = (
    items: ReturnType<typeof request>,
    options: {
      env?: Record<string, string>;
      settingsSecret?: string;
      nativeCrypto?: boolean;
      storedBinary?: boolean;
    } = {},
  ) =>
    runCode(
      code,
      {
        $input: { all: () => items },
        $env: options.env ?? { HERALD_WEBHOOK_SECRET: secret },
        $: (name: string) => {
          expect(name).toBe('Settings');
          return { first: () => ({ json: { webhookSecret: options.settingsSecret ?? '' } }) };
        },
        // n8n denies require('crypto') unless NODE_FUNCTION_ALLOW_BUILTIN lists it.
        require: (module: string) => {
          if (options.nativeCrypto && module === 'crypto') return { createHmac };
          throw new Error(`Cannot find module '${module}'`);
        },
      },
      {
        helpers: options.storedBinary
          ? {
              getBinaryDataBuffer: async (index: number, property: string) =>
                Buffer.from(items[index]!.binary[property as 'data'].data, 'base64'),
            }
          : {},
      },
    );

  const heraldRequest = (now = new Date(), secrets = [secret], payload = event) =>
    buildSignedRequest(secrets, `msg_${randomBytes(8).toString('hex')}`, payload, now);

  it('accepts what Herald signs, with and without Node’s crypto, from memory or stored binary data', async () => {
    const signed = heraldRequest();
    for (const options of [{}, { nativeCrypto: true }, { storedBinary: true }]) {
      const [out] = await verify(request(signed.headers, signed.body), options);
      expect(out!.json).toEqual({
        isVerified: true,
        webhookId: signed.headers['webhook-id'],
        type: 'job.failed',
        timestamp: event.timestamp,
        data: event.data,
      });
    }
  });

  it('agrees with the standardwebhooks package over bodies of every SHA-256 padding length', async () => {
    const webhook = new Webhook(secret);
    for (let length = 0; length < 70; length++) {
      const body = JSON.stringify({ ...event, data: { ...event.data, pad: 'é'.repeat(length) } });
      const id = `msg_${length}`;
      const now = new Date();
      const headers = {
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': webhook.sign(id, now, body),
      };
      expect(() => webhook.verify(body, headers)).not.toThrow();
      const [out] = await verify(request(headers, body));
      expect(out!.json.isVerified, `pad ${length}`).toBe(true);
    }
  });

  it('accepts either signature while Herald rotates the secret', async () => {
    const fresh = generateWebhookSecret();
    const signed = heraldRequest(new Date(), [fresh, secret]);
    expect(signed.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    const [out] = await verify(request(signed.headers, signed.body));
    expect(out!.json.isVerified).toBe(true);
  });

  it('rejects a tampered body, a wrong secret, stale or future timestamps and missing headers', async () => {
    const signed = heraldRequest();
    const reasonOf = async (items: ReturnType<typeof request>, env?: Record<string, string>) => {
      const [out] = await verify(items, env ? { env } : {});
      expect(out!.json.isVerified).toBe(false);
      return out!.json.reason;
    };
    const tampered = signed.body.replace('imports.run', 'imports.ran');
    expect(await reasonOf(request(signed.headers, tampered))).toBe('signature mismatch');
    expect(
      await reasonOf(request(signed.headers, signed.body), {
        HERALD_WEBHOOK_SECRET: generateWebhookSecret(),
      }),
    ).toBe('signature mismatch');
    expect(
      await reasonOf(request({ ...signed.headers, 'webhook-id': 'msg_other' }, signed.body)),
    ).toBe('signature mismatch');

    for (const offsetSeconds of [-301, 301]) {
      const old = heraldRequest(new Date(Date.now() + offsetSeconds * 1000));
      expect(await reasonOf(request(old.headers, old.body))).toBe(
        'timestamp outside the 5-minute tolerance',
      );
    }
    const recent = heraldRequest(new Date(Date.now() - 240_000));
    const [inTolerance] = await verify(request(recent.headers, recent.body));
    expect(inTolerance!.json.isVerified).toBe(true);

    for (const header of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      const headers = Object.fromEntries(
        Object.entries(signed.headers).filter(([name]) => name !== header),
      );
      expect(await reasonOf(request(headers, signed.body))).toMatch(/^missing/);
    }
  });

  it('reads the secret from the Settings node when the environment has none or is blocked', async () => {
    const signed = heraldRequest();
    const [fromSettings] = await verify(request(signed.headers, signed.body), {
      env: {},
      settingsSecret: secret,
    });
    expect(fromSettings!.json.isVerified).toBe(true);

    const blocked = new Proxy(
      {},
      {
        get: () => {
          throw new Error('access to env vars denied');
        },
      },
    ) as Record<string, string>;
    const [whenBlocked] = await verify(request(signed.headers, signed.body), {
      env: blocked,
      settingsSecret: secret,
    });
    expect(whenBlocked!.json.isVerified).toBe(true);
  });

  it('fails the execution, rather than letting anything through, when it is misconfigured', async () => {
    const signed = heraldRequest();
    await expect(verify(request(signed.headers, signed.body), { env: {} })).rejects.toThrow(
      /No webhook secret/,
    );
    const [withoutRaw] = request(signed.headers, signed.body);
    await expect(verify([{ ...withoutRaw!, binary: undefined as never }])).rejects.toThrow(
      /Raw Body/,
    );
  });
});

describe('n8n workflows: the flow webhook step', () => {
  const wf = load('flow-webhook-step.json');
  const code = node(wf, 'Score contact').parameters.jsCode as string;
  const score = async (body: unknown) => {
    const [out] = await runCode(code, { $input: { all: () => [{ json: { body } }] } });
    const respond = node(wf, 'Respond with attributes').parameters;
    return evaluate(respond.responseBody, { $json: out!.json });
  };

  it('answers the JSON a flow maps into contact attributes', async () => {
    expect(
      await score({
        contact: { email: 'ada@acme.example', attributes: { orders: 4, lifetime_value: 750 } },
      }),
    ).toEqual({ score: 66, segment: 'vip' });
    expect(await score({ contact: { email: 'bob@gmail.com', attributes: { orders: 3 } } })).toEqual(
      { score: 18, segment: 'engaged' },
    );
  });

  it('scores an unexpected body as a new contact instead of failing the flow', async () => {
    expect(await score(undefined)).toEqual({ score: 0, segment: 'new' });
    expect(await score({ contact: { attributes: { orders: 'many' } } })).toEqual({
      score: 0,
      segment: 'new',
    });
  });
});

describe('n8n workflows: Herald API calls', () => {
  let t: TestApp;
  let paths: Record<string, Record<string, unknown>>;
  beforeAll(async () => {
    t = await createTestApp();
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    paths = (res.json() as { paths: typeof paths }).paths;
  });
  afterAll(() => t.close());

  const wf = load('daily-campaign.json');
  const httpNodes = wf.nodes.filter((n) => n.type === 'n8n-nodes-base.httpRequest');

  it('calls only documented Herald operations, authenticated by the API key credential', () => {
    expect(httpNodes.map((n) => n.name)).toEqual(['Create campaign', 'Schedule campaign']);
    for (const n of httpNodes) {
      const url = n.parameters.url as string;
      const path = url.slice(url.indexOf('/api/v1/')).replace(/\{\{\s*\$json\.id\s*\}\}/, '{id}');
      const method = (n.parameters.method as string).toLowerCase();
      expect(paths[path]?.[method], `${method} ${path}`).toMatchObject({
        security: [{ bearer: [] }],
      });
      expect(n.parameters).toMatchObject({
        authentication: 'genericCredentialType',
        genericAuthType: 'httpHeaderAuth',
      });
      expect(n.credentials?.httpHeaderAuth?.name).toBe('Herald API key');
    }
  });

  it('creates and schedules a campaign when Herald runs the requests the workflow builds', async () => {
    const s = await t.register();
    const { key } = await t.apiKey(s, 'editor');
    const asKey = (method: 'GET' | 'POST', url: string, payload?: object, headers = {}) =>
      t.call(key, { method, url, headers, ...(payload ? { payload } : {}) });
    const contact = await asKey('POST', '/api/v1/contacts', {
      email: 'reader@example.com',
      tags: ['daily'],
    });
    expect(contact.statusCode).toBe(201);
    const senders = (await asKey('GET', '/api/v1/senders')).json() as { items: { id: string }[] };
    const segment = (
      await asKey('POST', '/api/v1/segments', {
        name: 'Daily readers',
        definition: { tag: 'daily', op: 'has' },
      })
    ).json() as { id: string };
    const template = (
      await asKey('POST', '/api/v1/templates', {
        name: 'Digest',
        subject: 'Today at Herald',
        format: 'html',
        body: '<p>News</p><p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p>',
      })
    ).json() as { id: string };

    // The Settings node as a user fills it in; its expressions run as in n8n.
    const settingsNode = node(wf, 'Settings');
    const $now = DateTime.now();
    const settings: Record<string, unknown> = {};
    const filled: Record<string, string> = {
      heraldUrl: 'http://herald.example/',
      templateId: template.id,
      segmentId: segment.id,
      senderId: senders.items[0]!.id,
    };
    const assignments = (
      settingsNode.parameters.assignments as { assignments: { name: string; value: string }[] }
    ).assignments;
    for (const a of assignments) settings[a.name] = filled[a.name] ?? evaluate(a.value, { $now });
    expect(settings.sendAt).toEqual(expect.any(String));

    let $json: Record<string, unknown> = settings;
    const created: unknown[] = [];
    for (const n of httpNodes) {
      const scope = {
        $json,
        $now,
        $: (name: string) => ({ first: () => ({ json: name === 'Settings' ? settings : {} }) }),
      };
      const url = new URL(evaluate(n.parameters.url, scope) as string);
      expect(url.origin).toBe('http://herald.example');
      const headers = Object.fromEntries(
        (
          n.parameters.headerParameters as { parameters: { name: string; value: string }[] }
        ).parameters.map((h) => [h.name, evaluate(h.value, scope) as string]),
      );
      const body = evaluate(n.parameters.jsonBody, scope) as object;
      const send = () => asKey('POST', url.pathname, body, headers);
      const res = await send();
      expect(res.statusCode, `${n.name}: ${res.body}`).toBeLessThan(300);
      // n8n's retry (or a second run the same day) replays the answer instead of a second campaign.
      const again = await send();
      expect(again.json()).toEqual(res.json());
      $json = res.json() as Record<string, unknown>;
      created.push($json);
    }

    const campaigns = (await asKey('GET', '/api/v1/campaigns')).json() as {
      items: { id: string; name: string; status: string; templateId: string; sendAt: string }[];
    };
    expect(campaigns.items).toHaveLength(1);
    expect(campaigns.items[0]).toMatchObject({
      name: `Daily digest ${$now.toFormat('yyyy-MM-dd')}`,
      status: 'scheduled',
      templateId: template.id,
      audience: expect.objectContaining({ segmentIds: [segment.id] }),
    });
    expect(Date.parse(campaigns.items[0]!.sendAt)).toBe(Date.parse(settings.sendAt as string));

    const other = await t.register();
    const { key: otherKey } = await t.apiKey(other, 'editor');
    const foreign = await t.call(otherKey, {
      method: 'POST',
      url: `/api/v1/campaigns/${campaigns.items[0]!.id}/schedule`,
      payload: { sendAt: settings.sendAt },
    });
    expect(foreign.statusCode).toBe(404);
  });

  it('keeps API keys and signing secrets out of the workflow files', () => {
    for (const file of FILES) {
      const text = readFileSync(DIR + file, 'utf8');
      expect(text).not.toMatch(/hk_[A-Za-z0-9_-]{8}/);
      expect(text).not.toMatch(/whsec_[A-Za-z0-9+/]{8}/);
    }
  });
});
