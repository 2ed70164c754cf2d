import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRealtime, type RealtimeEvent, type SocketLike } from './realtime';

class FakeSocket implements SocketLike {
  onmessage: SocketLike['onmessage'] = null;
  onclose: SocketLike['onclose'] = null;
  closedWith: number | null = null;
  constructor(readonly url: string) {}
  receive(message: unknown) {
    this.onmessage?.({ data: typeof message === 'string' ? message : JSON.stringify(message) });
  }
  drop(code = 1006) {
    this.onclose?.({ code });
  }
  close(code?: number) {
    this.closedWith = code ?? 1005;
  }
}

const progress: RealtimeEvent = {
  type: 'campaign.progress',
  campaignId: 'c1',
  data: { sent: 2, failed: 0, bounced: 0, deferred: 0 },
};

function setUp(tokens: (string | null)[] = ['t1', 't2', 't3', 't4']) {
  const sockets: FakeSocket[] = [];
  const renewals = { count: 0, answer: true };
  let token = 0;
  const realtime = createRealtime({
    url: (t) => `ws://herald.test/api/v1/realtime?access_token=${t}`,
    getToken: () => Promise.resolve(tokens[Math.min(token, tokens.length - 1)] ?? null),
    renewToken: () => {
      renewals.count++;
      token++;
      return Promise.resolve(renewals.answer);
    },
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    backoffMs: (attempt) => attempt * 1000,
    lingerMs: 5000,
  });
  return { realtime, sockets, renewals, last: () => sockets.at(-1)! };
}

// getToken is async: let its promise settle before looking for the socket.
const settle = () => vi.advanceTimersByTimeAsync(0);

describe('realtime', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('opens one socket for every listener in the tab and hands each of them the events', async () => {
    const { realtime, sockets, last } = setUp();
    const a: RealtimeEvent[] = [];
    const b: RealtimeEvent[] = [];
    realtime.subscribe((event) => a.push(event));
    realtime.subscribe((event) => b.push(event));
    await settle();
    expect(sockets).toHaveLength(1);
    expect(last().url).toBe('ws://herald.test/api/v1/realtime?access_token=t1');
    expect(realtime.getStatus()).toBe('connecting');
    last().receive({ type: 'ready', orgId: 'o1' });
    expect(realtime.getStatus()).toBe('open');
    last().receive(progress);
    last().receive('not json');
    last().receive({ type: 'something.else', campaignId: 'c1', data: {} });
    expect(a).toEqual([progress]);
    expect(b).toEqual([progress]);
  });

  it('reconnects with growing waits, and resets the wait once connected', async () => {
    const { realtime, sockets, last } = setUp();
    realtime.subscribe(() => undefined);
    await settle();
    last().receive({ type: 'ready' });
    last().drop();
    expect(realtime.getStatus()).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(999);
    expect(sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sockets).toHaveLength(2);
    last().drop();
    await vi.advanceTimersByTimeAsync(1999);
    expect(sockets).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(sockets).toHaveLength(3);
    last().receive({ type: 'ready' });
    expect(realtime.getStatus()).toBe('open');
    last().drop();
    await vi.advanceTimersByTimeAsync(1000);
    expect(sockets).toHaveLength(4);
  });

  it('renews the session once when the server refuses the token, then uses the new one', async () => {
    const { realtime, sockets, renewals, last } = setUp();
    realtime.subscribe(() => undefined);
    await settle();
    last().drop(4401);
    await settle();
    expect(renewals.count).toBe(1);
    expect(sockets).toHaveLength(2);
    expect(last().url).toContain('access_token=t2');
    last().receive({ type: 'ready' });
    expect(realtime.getStatus()).toBe('open');
  });

  it('stops when the session cannot be renewed, and when there is no session at all', async () => {
    const refused = setUp();
    refused.renewals.answer = false;
    refused.realtime.subscribe(() => undefined);
    await settle();
    refused.last().drop(4401);
    await settle();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(refused.sockets).toHaveLength(1);
    expect(refused.realtime.getStatus()).toBe('idle');

    const signedOut = setUp([null]);
    signedOut.realtime.subscribe(() => undefined);
    await settle();
    expect(signedOut.sockets).toHaveLength(0);
    expect(signedOut.realtime.getStatus()).toBe('idle');
  });

  it('closes a while after the last listener leaves, unless another one comes', async () => {
    const { realtime, sockets, last } = setUp();
    const off = realtime.subscribe(() => undefined);
    await settle();
    last().receive({ type: 'ready' });
    off();
    await vi.advanceTimersByTimeAsync(4000);
    // Moving to another page that listens too keeps the same socket.
    const offAgain = realtime.subscribe(() => undefined);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(last().closedWith).toBeNull();
    offAgain();
    await vi.advanceTimersByTimeAsync(5000);
    expect(last().closedWith).toBe(1000);
    expect(realtime.getStatus()).toBe('idle');
    expect(sockets).toHaveLength(1);
  });

  it('starts over on restart (another organization) and ignores the old socket', async () => {
    const { realtime, sockets, last } = setUp();
    const events: RealtimeEvent[] = [];
    realtime.subscribe((event) => events.push(event));
    await settle();
    const old = last();
    old.receive({ type: 'ready' });
    realtime.restart();
    await settle();
    expect(old.closedWith).toBe(1000);
    expect(sockets).toHaveLength(2);
    old.receive(progress);
    old.drop();
    expect(events).toEqual([]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sockets).toHaveLength(2);
  });

  it('skips the wait when asked to retry now', async () => {
    const { realtime, sockets, last } = setUp();
    realtime.subscribe(() => undefined);
    await settle();
    last().drop();
    realtime.retryNow();
    await settle();
    expect(sockets).toHaveLength(2);
  });
});
