import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { randomBytes } from 'node:crypto';
import { systemClock } from '../clock.js';
import { createMemoryRateLimiter } from './memory.js';
import { createRedisRateLimiter } from './redis.js';
import type { RateLimiter } from './ratelimit.js';

const drivers: [string, () => RateLimiter][] = [
  ['memory', () => createMemoryRateLimiter(systemClock)],
];
// Redis is there in the scale-out run (CI runs both).
const redisUrl = inject('redisUrl');
if (redisUrl)
  drivers.push([
    'redis',
    () =>
      createRedisRateLimiter(
        redisUrl,
        `${inject('redisPrefix')}-${randomBytes(3).toString('hex')}`,
      ),
  ]);

describe.each(drivers)('rate limiter quotas (%s)', (_name, create) => {
  it('grants what is left of the window, gives units back, and resets with the window', async () => {
    const limiter = create();
    try {
      const rule = { limit: 10, windowMs: 300 };
      expect((await limiter.take('q', 4, rule)).granted).toBe(4);
      expect((await limiter.take('q', 10, rule)).granted).toBe(6);
      expect((await limiter.take('q', 1, rule)).granted).toBe(0);
      expect((await limiter.take('q', -3, rule)).granted).toBe(-3);
      const after = await limiter.take('q', 5, rule);
      expect(after.granted).toBe(3);
      expect(after.resetMs).toBeGreaterThan(0);
      expect(after.resetMs).toBeLessThanOrEqual(300);
      await new Promise((r) => setTimeout(r, after.resetMs + 20));
      expect((await limiter.take('q', 10, rule)).granted).toBe(10);
      // Counting hits and taking share the window.
      expect((await limiter.peek('q', rule)).allowed).toBe(false);
    } finally {
      await limiter.close();
    }
  });
});
