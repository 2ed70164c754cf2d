import { Redis } from 'ioredis';
import type { RateLimiter, RateLimitRule } from './ratelimit.js';

// INCR and the expiry in one step, so a crash between them can't leave a key that never expires.
const HIT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {count, ttl}`;

// Grant what is left of the window (or give units back) atomically, across every process.
const TAKE = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
local want = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local granted
if want < 0 then granted = math.max(want, -count) else granted = math.max(0, math.min(want, limit - count)) end
if granted ~= 0 then redis.call('INCRBY', KEYS[1], granted) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {granted, ttl}`;

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
    async take(key: string, n: number, rule: RateLimitRule) {
      const [granted, ttl] = (await redis.eval(
        TAKE,
        1,
        k(key),
        String(rule.windowMs),
        String(n),
        String(rule.limit),
      )) as [number, number];
      return { granted, resetMs: ttl };
    },
    async close() {
      redis.disconnect();
    },
  };
}
