import { Redis } from 'ioredis';
import type { RateLimiter, RateLimitRule } from './ratelimit.js';

// INCR and the expiry in one step, so a crash between them can't leave a key that never expires.
const HIT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {count, ttl}`;

export function createRedisRateLimiter(redisUrl: string, prefix: string): RateLimiter {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2, lazyConnect: false });
  // Reconnects are ioredis's job; an 'error' listener keeps a Redis restart from crashing us.
  redis.on('error', () => undefined);
  const k = (key: string) => `${prefix}:rl:${key}`;

  return {
    driver: 'redis',
    async hit(key: string, rule: RateLimitRule) {
      const [count, ttl] = (await redis.eval(HIT, 1, k(key), String(rule.windowMs))) as [
        number,
        number,
      ];
      return { count, allowed: count <= rule.limit, resetMs: ttl };
    },
    async peek(key: string, rule: RateLimitRule) {
      const [value, ttl] = await Promise.all([redis.get(k(key)), redis.pttl(k(key))]);
      const count = value ? Number(value) : 0;
      return { count, allowed: count < rule.limit, resetMs: ttl > 0 ? ttl : rule.windowMs };
    },
    async reset(key: string) {
      await redis.del(k(key));
    },
    async close() {
      redis.disconnect();
    },
  };
}
