import { useEffect, useRef, useSyncExternalStore } from 'react';
import { refreshSession } from './api-client';
import {
  createRealtime,
  type RealtimeEvent,
  type RealtimeStatus,
  type SocketLike,
} from './realtime';
import { sessionStore } from './session';

async function accessToken(): Promise<string | null> {
  const token = sessionStore.getAccessToken();
  if (token || !sessionStore.get()) return token;
  return (await refreshSession()) ? sessionStore.getAccessToken() : null;
}

/** The tab's one realtime socket. Same origin as the page, like every API call. */
const realtime = createRealtime({
  url: (token) => {
    const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
    return `${scheme}//${window.location.host}/api/v1/realtime?access_token=${encodeURIComponent(token)}`;
  },
  getToken: accessToken,
  renewToken: refreshSession,
  createSocket: (url) => {
    const socket = new WebSocket(url);
    const handle: SocketLike = {
      onmessage: null,
      onclose: null,
      close: (code) => socket.close(code),
    };
    socket.onmessage = (event) => handle.onmessage?.(event);
    socket.onclose = (event) => handle.onclose?.(event);
    return handle;
  },
});

// The socket belongs to one organization: switching (here or in another tab) or logging out
// starts it over.
let organizationId = sessionStore.get()?.organization.id;
sessionStore.subscribe(() => {
  const next = sessionStore.get()?.organization.id;
  if (next === organizationId) return;
  organizationId = next;
  realtime.restart();
});
window.addEventListener('online', () => realtime.retryNow());

/** Calls `handler` with every realtime event while the component is mounted. */
export function useRealtimeEvents(handler: (event: RealtimeEvent) => void): void {
  const latest = useRef(handler);
  useEffect(() => {
    latest.current = handler;
  });
  useEffect(() => realtime.subscribe((event) => latest.current(event)), []);
}

/** Whether live updates are flowing; pages poll instead while they are not. */
export function useRealtimeStatus(): RealtimeStatus {
  return useSyncExternalStore(realtime.subscribeStatus, realtime.getStatus);
}
