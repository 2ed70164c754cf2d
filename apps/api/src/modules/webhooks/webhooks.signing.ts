import { createHmac, randomBytes } from 'node:crypto';

/**
 * Standard Webhooks (https://www.standardwebhooks.com): secrets are `whsec_` + base64 of random
 * bytes, and each request carries `webhook-signature: v1,<base64 HMAC-SHA256>` over
 * `${webhook-id}.${webhook-timestamp}.${body}`, keyed with the decoded secret bytes.
 */

const PREFIX = 'whsec_';

export const generateWebhookSecret = () => `${PREFIX}${randomBytes(32).toString('base64')}`;

export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(
    secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret,
    'base64',
  );
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/**
 * What is sealed in `secret_encrypted`: the current secret and, for a day after a rotation, the
 * previous one, so receivers that still hold it keep verifying (the spec allows several
 * space-separated signatures in one header).
 */
export interface EndpointSecrets {
  current: string;
  previous?: string;
  /** ISO time after which the previous secret no longer signs. */
  previousUntil?: string;
}

export const ROTATION_GRACE_MS = 24 * 3600 * 1000;

export function parseEndpointSecrets(opened: string): EndpointSecrets {
  if (opened.startsWith(PREFIX)) return { current: opened };
  return JSON.parse(opened) as EndpointSecrets;
}

/** The secrets that sign now: the current one, plus the previous one during its grace day. */
export function signingSecrets(secrets: EndpointSecrets, now: Date): string[] {
  const isPreviousValid =
    secrets.previous !== undefined &&
    secrets.previousUntil !== undefined &&
    Date.parse(secrets.previousUntil) > now.getTime();
  return isPreviousValid ? [secrets.current, secrets.previous!] : [secrets.current];
}

export interface SignedRequest {
  body: string;
  headers: Record<string, string>;
}

/** The body and headers of one attempt; the timestamp is the attempt's own. */
export function buildSignedRequest(
  secrets: readonly string[],
  eventId: string,
  payload: { type: string; timestamp: string; data: unknown },
  now: Date,
): SignedRequest {
  // Key order fixed here: stored jsonb does not keep it.
  const body = JSON.stringify({
    type: payload.type,
    timestamp: payload.timestamp,
    data: payload.data,
  });
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Herald-Webhooks/1',
      'webhook-id': eventId,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': secrets.map((s) => signWebhook(s, eventId, timestamp, body)).join(' '),
    },
  };
}
