import { randomBytes } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { createMemoryPubSub } from './memory.js';
import type { PubSub, RealtimeEvent } from './pubsub.js';
import { createRedisPubSub } from './redis.js';

const drivers: [string, () => PubSub][] = [['memory', createMemoryPubSub]];
const redisUrl = inject('redisUrl');
// Redis exists in the scale-out run (CI runs both); two instances stand for two processes.
if (redisUrl) {
  const prefix = `${inject('redisPrefix')}-${randomBytes(3).toString('hex')}`;
  drivers.push(['redis', () => createRedisPubSub(redisUrl, prefix)]);
}

describe.each(drivers)('realtime pub/sub (%s)', (driver, create) => {
  it('delivers a published event to every subscriber, and stops after unsubscribe', async () => {
    const a = create();
    const b = driver === 'redis' ? create() : a;
    try {
      const seenA: RealtimeEvent[] = [];
      const seenB: RealtimeEvent[] = [];
      const offA = a.subscribe((e) => seenA.push(e));
      b.subscribe((e) => seenB.push(e));
      // Let the subscription reach Redis before publishing.
      await new Promise((r) => setTimeout(r, driver === 'redis' ? 200 : 0));
      const event: RealtimeEvent = {
        orgId: 'org-1',
        type: 'campaign.progress',
        campaignId: 'c-1',
        data: { sent: 5 },
      };
      b.publish(event);
      const deadline = Date.now() + 3000;
      while ((seenA.length === 0 || seenB.length === 0) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      expect(seenA).toEqual([event]);
      expect(seenB).toEqual([event]);
      offA();
      a.publish({ ...event, data: { sent: 6 } });
      const until = Date.now() + 3000;
      while (seenB.length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      expect(seenB).toHaveLength(2);
      expect(seenA).toHaveLength(1);
    } finally {
      await a.close();
      if (b !== a) await b.close();
    }
  });
});
