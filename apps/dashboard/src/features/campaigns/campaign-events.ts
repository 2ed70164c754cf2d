import type { QueryClient } from '@tanstack/react-query';
import type { RealtimeEvent } from '../../lib/realtime';
import { campaignKey, campaignsKey, messagesKey } from './query-keys';

/**
 * Runs `run` at most once per `intervalMs` for each key: the first call at once, later ones
 * folded into one call at the end of the interval. A campaign sending thousands of messages a
 * second sends a progress event per batch; the screen needs a fresh reading, not one per batch.
 */
export function createThrottle(now: () => number = Date.now) {
  const state = new Map<
    string,
    { last: number; timer: ReturnType<typeof setTimeout> | null; run: () => void }
  >();
  return (key: string, intervalMs: number, run: () => void) => {
    const entry = state.get(key) ?? { last: -Infinity, timer: null, run };
    entry.run = run;
    state.set(key, entry);
    if (entry.timer) return;
    const wait = entry.last + intervalMs - now();
    if (wait <= 0) {
      entry.last = now();
      run();
      return;
    }
    entry.timer = setTimeout(() => {
      entry.timer = null;
      entry.last = now();
      entry.run();
    }, wait);
  };
}

export type Throttle = ReturnType<typeof createThrottle>;

/** The campaign itself (progress, status) is one cheap row: it may follow every second. */
const CAMPAIGN_MS = 1_000;
/** Statistics and recipient pages aggregate the ledger: every few seconds is live enough. */
const DETAILS_MS = 3_000;

/** Which cached answers a realtime event makes stale, read again at a sustainable pace. */
export function applyCampaignEvent(
  queryClient: QueryClient,
  throttle: Throttle,
  event: RealtimeEvent,
) {
  const id = event.campaignId;
  const refresh = (queryKey: readonly unknown[], exact = false) =>
    void queryClient.invalidateQueries({ queryKey, exact });
  const details = () => {
    refresh([...campaignKey(id), 'stats']);
    refresh(messagesKey(id));
  };
  const lists = () => {
    refresh(campaignsKey);
    refresh(['overview']);
  };
  if (event.type === 'campaign.status') {
    // A finish: every figure about it is final now, so read them all once.
    refresh(campaignKey(id));
    lists();
    return;
  }
  if (event.type === 'campaign.progress') {
    throttle(`campaign:${id}`, CAMPAIGN_MS, () => refresh(campaignKey(id), true));
  }
  throttle(`details:${id}`, DETAILS_MS, details);
  throttle('lists', DETAILS_MS, lists);
}
