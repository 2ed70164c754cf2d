/**
 * The realtime socket (`/api/v1/realtime`): one WebSocket shared by everything in the tab that
 * listens, opened with the first listener and closed a little after the last one leaves. It
 * reconnects with backoff, and after the server refuses the token (close code 4401) it renews
 * the session once before trying again. Events only refresh what is on screen: nothing may
 * depend on receiving them, so a missed one costs a refetch, never a wrong number.
 */

export interface CampaignProgressEvent {
  type: 'campaign.progress';
  campaignId: string;
  /** Messages finished by one batch. */
  data: { sent: number; failed: number; bounced: number; deferred: number };
}

export interface CampaignStatusEvent {
  type: 'campaign.status';
  campaignId: string;
  data: { status: string };
}

export interface EngagementEvent {
  type: 'engagement';
  campaignId: string;
  data: { type: string; isMachine: boolean };
}

export type RealtimeEvent = CampaignProgressEvent | CampaignStatusEvent | EngagementEvent;

/** `open` once the server has said it is ready; `idle` when nobody listens or there is no session. */
export type RealtimeStatus = 'idle' | 'connecting' | 'open' | 'reconnecting';

/** What the client needs of a WebSocket (the browser's, or a fake in tests). */
export interface SocketLike {
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number }) => void) | null;
  close(code?: number): void;
}

export interface RealtimeOptions {
  /** The socket URL for an access token. */
  url: (token: string) => string;
  /** A valid access token, or null when there is no session. */
  getToken: () => Promise<string | null>;
  /** Renews the session after the server refused the token; false ends the attempts. */
  renewToken: () => Promise<boolean>;
  createSocket: (url: string) => SocketLike;
  /** Wait before the nth reconnect (1-based). (Default: 1 s doubling to 30 s, with jitter) */
  backoffMs?: (attempt: number) => number;
  /** How long the socket stays open after the last listener leaves. (Default: 5 s) */
  lingerMs?: number;
}

const UNAUTHORIZED = 4401;

export function defaultBackoffMs(attempt: number): number {
  const ceiling = Math.min(30_000, 1000 * 2 ** (attempt - 1));
  // Jitter: tabs that lost the server together don't all come back in the same millisecond.
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

function parse(raw: unknown): RealtimeEvent | 'ready' | null {
  if (typeof raw !== 'string') return null;
  let message: unknown;
  try {
    message = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!isRecord(message)) return null;
  if (message.type === 'ready') return 'ready';
  const isKnown =
    message.type === 'campaign.progress' ||
    message.type === 'campaign.status' ||
    message.type === 'engagement';
  if (!isKnown || typeof message.campaignId !== 'string' || !isRecord(message.data)) return null;
  return message as unknown as RealtimeEvent;
}

export function createRealtime(options: RealtimeOptions) {
  const backoffMs = options.backoffMs ?? defaultBackoffMs;
  const lingerMs = options.lingerMs ?? 5_000;
  const listeners = new Set<(event: RealtimeEvent) => void>();
  const statusListeners = new Set<() => void>();
  let status: RealtimeStatus = 'idle';
  let socket: SocketLike | null = null;
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let lingerTimer: ReturnType<typeof setTimeout> | null = null;
  // Bumped by every (re)connect and disconnect: callbacks of an older socket are ignored.
  let generation = 0;

  function setStatus(next: RealtimeStatus) {
    if (next === status) return;
    status = next;
    for (const listener of statusListeners) listener();
  }

  function clearTimers() {
    if (retryTimer) clearTimeout(retryTimer);
    if (lingerTimer) clearTimeout(lingerTimer);
    retryTimer = null;
    lingerTimer = null;
  }

  function scheduleReconnect() {
    attempt += 1;
    setStatus('reconnecting');
    retryTimer = setTimeout(() => {
      retryTimer = null;
      void connect();
    }, backoffMs(attempt));
  }

  async function connect() {
    const current = ++generation;
    setStatus(attempt === 0 ? 'connecting' : 'reconnecting');
    let token: string | null;
    try {
      token = await options.getToken();
    } catch {
      token = null;
    }
    if (current !== generation) return;
    if (!token) {
      // No session: wait for `restart()` once there is one.
      setStatus('idle');
      return;
    }
    const opened = options.createSocket(options.url(token));
    socket = opened;
    opened.onmessage = (message) => {
      if (current !== generation) return;
      const event = parse(message.data);
      if (event === 'ready') {
        attempt = 0;
        setStatus('open');
      } else if (event) {
        for (const listener of listeners) listener(event);
      }
    };
    opened.onclose = ({ code }) => {
      if (current !== generation) return;
      socket = null;
      if (listeners.size === 0) {
        setStatus('idle');
      } else if (code === UNAUTHORIZED && attempt === 0) {
        // The token expired while we held it: renew once, then connect straight away.
        attempt = 1;
        setStatus('reconnecting');
        void options.renewToken().then((isRenewed) => {
          if (current !== generation) return;
          if (isRenewed) void connect();
          else setStatus('idle');
        });
      } else {
        scheduleReconnect();
      }
    };
  }

  function disconnect() {
    generation++;
    clearTimers();
    socket?.close(1000);
    socket = null;
    attempt = 0;
    setStatus('idle');
  }

  return {
    /** Listens to every event; the first listener opens the socket. Returns the unsubscribe. */
    subscribe(listener: (event: RealtimeEvent) => void): () => void {
      listeners.add(listener);
      if (lingerTimer) {
        clearTimeout(lingerTimer);
        lingerTimer = null;
      }
      if (status === 'idle' && !socket) void connect();
      return () => {
        listeners.delete(listener);
        if (listeners.size > 0 || lingerTimer) return;
        lingerTimer = setTimeout(() => {
          lingerTimer = null;
          if (listeners.size === 0) disconnect();
        }, lingerMs);
      };
    },

    getStatus: (): RealtimeStatus => status,

    subscribeStatus(listener: () => void): () => void {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },

    /** Starts over with fresh credentials (a new session or another organization). */
    restart() {
      disconnect();
      if (listeners.size > 0) void connect();
    },

    /** Skips the backoff wait, e.g. when the browser comes back online. */
    retryNow() {
      if (status !== 'reconnecting' || !retryTimer) return;
      clearTimeout(retryTimer);
      retryTimer = null;
      void connect();
    },
  };
}

export type Realtime = ReturnType<typeof createRealtime>;
