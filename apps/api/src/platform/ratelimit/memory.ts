import type { Clock } from '../clock.js';
import type { RateLimiter, RateLimitRule, RateLimitState } from './ratelimit.js';

export function createMemoryRateLimiter(clock: Clock, maxKeys = 100_000): RateLimiter {
  const windows = new Map<string, { count: number; resetAt: number }>();

  const current = (key: string, rule: RateLimitRule) => {
    const now = clock.now().getTime();
    let w = windows.get(key);
    if (!w || w.resetAt <= now) {
      // Bound memory under a key-spraying attack: drop the oldest entries first.
      if (!w && windows.size >= maxKeys) {
        const oldest = windows.keys().next().value;
        if (oldest !== undefined) windows.delete(oldest);
      }
      w = { count: 0, resetAt: now + rule.windowMs };
      windows.set(key, w);
    }
    return { w, now };
  };

  const state = (
    count: number,
    rule: RateLimitRule,
    resetAt: number,
    now: number,
  ): RateLimitState => ({
    count,
    allowed: count <= rule.limit,
    resetMs: Math.max(0, resetAt - now),
  });

  return {
    driver: 'memory',
    async hit(key, rule) {
      const { w, now } = current(key, rule);
      w.count += 1;
      return state(w.count, rule, w.resetAt, now);
    },
    async peek(key, rule) {
      const { w, now } = current(key, rule);
      return { ...state(w.count, rule, w.resetAt, now), allowed: w.count < rule.limit };
    },
    async reset(key) {
      windows.delete(key);
    },
    async take(key, n, rule) {
      const { w, now } = current(key, rule);
      const granted =
        n < 0 ? Math.max(n, -w.count) : Math.max(0, Math.min(n, rule.limit - w.count));
      w.count += granted;
      return { granted, resetMs: Math.max(0, w.resetAt - now) };
    },
    async close() {
      windows.clear();
    },
  };
}
