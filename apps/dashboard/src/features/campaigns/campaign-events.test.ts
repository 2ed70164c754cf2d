import { QueryClient } from '@tanstack/react-query';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { applyCampaignEvent, createThrottle } from './campaign-events';

describe('campaign live updates', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('throttles per key: once at once, then once at the end of the interval', () => {
    const throttle = createThrottle();
    const calls: string[] = [];
    throttle('a', 1000, () => calls.push('a1'));
    throttle('a', 1000, () => calls.push('a2'));
    throttle('a', 1000, () => calls.push('a3'));
    throttle('b', 1000, () => calls.push('b1'));
    expect(calls).toEqual(['a1', 'b1']);
    vi.advanceTimersByTime(999);
    expect(calls).toEqual(['a1', 'b1']);
    vi.advanceTimersByTime(1);
    // The trailing call runs the latest function it was given.
    expect(calls).toEqual(['a1', 'b1', 'a3']);
    vi.advanceTimersByTime(5000);
    throttle('a', 1000, () => calls.push('a4'));
    expect(calls).toEqual(['a1', 'b1', 'a3', 'a4']);
  });

  it('refreshes the campaign on every second of progress, and its statistics less often', () => {
    const queryClient = new QueryClient();
    const invalidate = vi.spyOn(queryClient, 'invalidateQueries');
    const throttle = createThrottle();
    const progress = {
      type: 'campaign.progress' as const,
      campaignId: 'c1',
      data: { sent: 2, failed: 0, bounced: 0, deferred: 0 },
    };
    const keys = () => invalidate.mock.calls.map(([filters]) => JSON.stringify(filters?.queryKey));
    for (let i = 0; i < 10; i++) applyCampaignEvent(queryClient, throttle, progress);
    expect(keys()).toEqual([
      '["campaign","c1"]',
      '["campaign","c1","stats"]',
      '["campaign","c1","messages"]',
      '["campaigns"]',
      '["overview"]',
    ]);
    invalidate.mockClear();
    vi.advanceTimersByTime(1000);
    expect(keys()).toEqual(['["campaign","c1"]']);
    invalidate.mockClear();
    vi.advanceTimersByTime(2000);
    expect(keys()).toContain('["campaign","c1","stats"]');

    // A status change is read at once, whatever the throttle says.
    invalidate.mockClear();
    applyCampaignEvent(queryClient, throttle, {
      type: 'campaign.status',
      campaignId: 'c1',
      data: { status: 'sent' },
    });
    expect(keys()).toEqual(['["campaign","c1"]', '["campaigns"]', '["overview"]']);
  });
});
