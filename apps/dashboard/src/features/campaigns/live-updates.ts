import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useRealtimeEvents, useRealtimeStatus } from '../../lib/use-realtime';
import { POLL_LIVE_MS, POLL_OFFLINE_MS } from './api';
import { applyCampaignEvent, createThrottle } from './campaign-events';

/**
 * Keeps campaign figures on screen current from the realtime socket, and says how often to
 * poll as well: rarely while the socket is open, every few seconds while it is not.
 */
export function useCampaignLiveUpdates(): { isLive: boolean; pollMs: number } {
  const queryClient = useQueryClient();
  const [throttle] = useState(() => createThrottle());
  useRealtimeEvents((event) => applyCampaignEvent(queryClient, throttle, event));
  const isLive = useRealtimeStatus() === 'open';
  return { isLive, pollMs: isLive ? POLL_LIVE_MS : POLL_OFFLINE_MS };
}
