/**
 * Fixed-window counters: in-process for one machine (`memory.ts`), shared through Redis when
 * several processes serve the API (`redis.ts`). Both pass `ratelimit.contract.ts`.
 */
export interface RateLimitRule {
  /** Hits allowed per window. */
  limit: number;
  windowMs: number;
}

export interface RateLimitState {
  /** Hits counted in the current window, including this one for `hit`. */
  count: number;
  allowed: boolean;
  /** Milliseconds until the window resets. */
  resetMs: number;
}

export interface RateLimiter {
  readonly driver: 'memory' | 'redis';
  /** Counts one hit and says whether it is within the limit. */
  hit(key: string, rule: RateLimitRule): Promise<RateLimitState>;
  /** Reads the current window without counting. */
  peek(key: string, rule: RateLimitRule): Promise<RateLimitState>;
  reset(key: string): Promise<void>;
  /**
   * Takes up to `n` units of the window's limit and says how many it got (0 when exhausted);
   * a negative `n` gives units back. For send quotas, where a batch wants many at once.
   */
  take(key: string, n: number, rule: RateLimitRule): Promise<{ granted: number; resetMs: number }>;
  close(): Promise<void>;
}
