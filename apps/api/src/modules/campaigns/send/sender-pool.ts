import type { MailTransport } from '../../../platform/mail/transport.js';
import type { RateLimiter } from '../../../platform/ratelimit/ratelimit.js';
import type { SenderRow } from '../../senders/senders.repo.js';

/**
 * Senders for the send pipeline: transports kept open across batches (pooled SMTP connections
 * are the point), quotas taken from the shared rate limiter, and each batch's messages spread
 * over the campaign's senders by its rotation strategy.
 */

export type Rotation = 'round_robin' | 'random' | 'weighted' | 'fill_in_order';

/** One transport per sender per process, replaced when the sender's settings change. */
export function createTransportCache(open: (sender: SenderRow) => MailTransport) {
  const cache = new Map<string, { version: number; transport: MailTransport }>();
  return {
    get(sender: SenderRow): MailTransport {
      const version = sender.updatedAt.getTime();
      const cached = cache.get(sender.id);
      if (cached?.version === version) return cached.transport;
      if (cached) void cached.transport.close();
      const transport = open(sender);
      cache.set(sender.id, { version, transport });
      return transport;
    },
    async closeAll() {
      const all = [...cache.values()];
      cache.clear();
      await Promise.all(all.map((c) => c.transport.close()));
    },
  };
}

const WINDOWS = [
  ['perSecond', 1_000],
  ['perHour', 3_600_000],
  ['perDay', 86_400_000],
] as const;

/**
 * Takes up to `want` sends from each of a sender's limits (per second, hour, day), giving back
 * what a tighter limit did not allow. Returns what may be sent now and, when that is less than
 * wanted, how long until more is allowed.
 */
export async function takeQuota(
  limiter: RateLimiter,
  sender: SenderRow,
  want: number,
): Promise<{ granted: number; retryInMs: number }> {
  let granted = want;
  let retryInMs = 0;
  const taken: [string, number, number][] = [];
  for (const [field, windowMs] of WINDOWS) {
    const limit = sender[field];
    if (limit === null || granted === 0) continue;
    const key = `sender:${sender.id}:${field}:${Math.floor(Date.now() / windowMs)}`;
    const result = await limiter.take(key, granted, { limit, windowMs });
    taken.push([key, result.granted, windowMs]);
    if (result.granted < granted) retryInMs = Math.max(retryInMs, result.resetMs);
    granted = result.granted;
  }
  // Give back to looser windows what a tighter one refused.
  for (const [key, got, windowMs] of taken) {
    if (got > granted)
      await limiter.take(key, granted - got, { limit: Number.MAX_SAFE_INTEGER, windowMs });
  }
  return { granted, retryInMs: granted < want ? Math.max(retryInMs, 50) : 0 };
}

/**
 * Which sender each of `count` messages goes through, within each sender's grant. `cursor`
 * carries round-robin position from one batch to the next. Unassignable messages get null.
 */
export function assignSenders(
  rotation: Rotation,
  senders: readonly { id: string; grant: number; weight: number }[],
  count: number,
  cursor: { next: number },
  random: () => number = Math.random,
): (string | null)[] {
  const left = senders.map((s) => s.grant);
  const out: (string | null)[] = [];
  for (let i = 0; i < count; i++) {
    const open = senders.map((_, j) => j).filter((j) => left[j]! > 0);
    if (open.length === 0) {
      out.push(null);
      continue;
    }
    let pick: number;
    switch (rotation) {
      case 'fill_in_order':
        pick = open[0]!;
        break;
      case 'round_robin': {
        pick = open.find((j) => j >= cursor.next % senders.length) ?? open[0]!;
        cursor.next = pick + 1;
        break;
      }
      case 'random':
        pick = open[Math.floor(random() * open.length)]!;
        break;
      case 'weighted': {
        const total = open.reduce((sum, j) => sum + Math.max(0, senders[j]!.weight), 0);
        let roll = random() * total;
        pick = open[open.length - 1]!;
        for (const j of open) {
          roll -= Math.max(0, senders[j]!.weight);
          if (roll < 0) {
            pick = j;
            break;
          }
        }
        break;
      }
    }
    left[pick] = left[pick]! - 1;
    out.push(senders[pick]!.id);
  }
  return out;
}
