import { AppError } from '../../../http/errors.js';
import {
  outboundRequest,
  OutboundRequestError,
  type OutboundRequestOptions,
  type OutboundResponse,
} from '../../../platform/outbound-http.js';
import {
  describeLiquidError,
  parseLiquid,
  plainLiquid,
  RenderSession,
} from '../../templates/render/liquid.js';
import type { ContactRow } from '../../contacts/contacts.repo.js';
import type { NodeOf } from '../flow.definition.js';
import { readPath } from '../flow-match.js';
import type { StepPerformer } from './step.js';

/** What a webhook body template sees. */
export function webhookScope(input: {
  contact: ContactRow;
  trigger: Record<string, unknown>;
  flow: { id: string; name: string };
  run: { id: string; version: number } | null;
}): Record<string, unknown> {
  const c = input.contact;
  return {
    contact: {
      id: c.id,
      email: c.email,
      externalId: c.externalId ?? null,
      firstName: c.firstName,
      lastName: c.lastName,
      phone: c.phone,
      timezone: c.timezone,
      locale: c.locale,
      status: c.status,
      tags: c.tags,
      attributes: c.attributes,
      createdAt: c.createdAt.toISOString(),
    },
    trigger: input.trigger,
    flow: input.flow,
    run: input.run,
  };
}

/** The body, rendered in the same sandbox as templates (no file system, bounded time). */
export function renderWebhookBody(
  body: string,
  scope: Record<string, unknown>,
): { ok: true; text: string } | { ok: false; error: string } {
  const parsed = parseLiquid(plainLiquid, body);
  if (!parsed.ok) return { ok: false, error: parsed.failure.message };
  try {
    return { ok: true, text: new RenderSession(scope, 0).render(plainLiquid, parsed.templates) };
  } catch (error) {
    return { ok: false, error: describeLiquidError(error).message };
  }
}

/** Values a response mapping may store: text, numbers and booleans as they are, the rest as JSON. */
function attributeValue(value: unknown): unknown {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return value;
  return JSON.stringify(value);
}

const isRetryable = (status: number) => status === 408 || status === 429 || status >= 500;

/**
 * Calls the URL through the SSRF-safe client with the run's idempotency key, then copies the
 * mapped parts of a JSON answer into contact attributes. Network failures, timeouts, 408, 429
 * and 5xx are tried again (the step job's retries); other answers and the last failure end the
 * step as failed, and `onFailure` decides whether the run goes on. The call is at least once: a
 * worker that dies after the request may repeat it, with the same Idempotency-Key.
 */
export function createWebhookStep(deps: {
  allow: () => readonly string[];
  timeoutMs: number;
  setAttributes(orgId: string, contactId: string, values: Record<string, unknown>): Promise<void>;
  request?: (options: OutboundRequestOptions) => Promise<OutboundResponse>;
}): StepPerformer<NodeOf<'webhook'>> {
  const request = deps.request ?? outboundRequest;
  return async (ctx) => {
    const { node, run, contact } = ctx;
    const config = node.config;
    const failed = (detail: Record<string, unknown>) =>
      config.onFailure === 'fail'
        ? ({
            kind: 'end',
            status: 'failed',
            outcome: 'error',
            detail,
            error: String(detail.error),
          } as const)
        : ({ kind: 'next', handle: null, status: 'failed', outcome: 'error', detail } as const);

    let body: string | undefined;
    if (config.body && config.method !== 'GET') {
      const rendered = renderWebhookBody(
        config.body,
        webhookScope({
          contact,
          trigger: run.trigger,
          flow: ctx.flow,
          run: { id: run.id, version: run.version },
        }),
      );
      if (!rendered.ok)
        return failed({ error: `The body could not be rendered: ${rendered.error}` });
      body = rendered.text;
    }
    const headers: Record<string, string> = {
      'user-agent': 'Herald-Flows/1.0',
      'idempotency-key': `${run.id}:${node.id}:${ctx.visit}`,
      ...(body !== undefined &&
      !Object.keys(config.headers).some((h) => h.toLowerCase() === 'content-type')
        ? { 'content-type': 'application/json' }
        : {}),
      ...config.headers,
    };
    let response: OutboundResponse;
    try {
      response = await request({
        url: config.url,
        method: config.method,
        headers,
        ...(body !== undefined ? { body } : {}),
        timeoutMs: deps.timeoutMs,
        maxResponseBytes: 64 * 1024,
        allow: deps.allow(),
      });
    } catch (error) {
      if (!(error instanceof OutboundRequestError)) throw error;
      const isFinal = error.code === 'invalid_url' || error.code === 'blocked_address';
      if (!isFinal && !ctx.isLastAttempt) throw error;
      return failed({ error: error.message, code: error.code });
    }
    const detail: Record<string, unknown> = {
      status: response.status,
      durationMs: response.durationMs,
    };
    if (response.status < 200 || response.status >= 300) {
      if (isRetryable(response.status) && !ctx.isLastAttempt)
        throw new Error(`webhook answered ${response.status}; will try again`);
      return failed({ ...detail, error: `The URL answered ${response.status}` });
    }
    const mapping = Object.entries(config.responseMapping);
    if (mapping.length > 0) {
      let json: unknown;
      try {
        json = JSON.parse(response.body);
      } catch {
        return failed({ ...detail, error: 'The answer is not JSON, so nothing could be mapped' });
      }
      const values: Record<string, unknown> = {};
      for (const [attribute, path] of mapping) {
        const value = readPath(json, path);
        if (value !== undefined) values[attribute] = attributeValue(value);
      }
      if (Object.keys(values).length > 0) {
        try {
          await deps.setAttributes(run.orgId, contact.id, values);
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          return failed({ ...detail, error: error.details.errors?.[0]?.message ?? error.message });
        }
      }
      detail.mapped = values;
    }
    return { kind: 'next', handle: null, outcome: String(response.status), detail };
  };
}
