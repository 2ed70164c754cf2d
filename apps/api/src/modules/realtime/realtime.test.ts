import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createTestApp, type Session, type TestApp } from '../../test/harness.js';

interface Received {
  type: string;
  campaignId?: string;
  orgId?: string;
  data?: Record<string, unknown>;
}

/** Opens a socket and collects its messages until it closes. */
function connect(url: string) {
  const socket = new WebSocket(url);
  const messages: Received[] = [];
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  socket.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString()) as Received));
  const waitFor = async (predicate: (m: Received) => boolean, timeoutMs = 15_000) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = messages.find(predicate);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`no such message; got ${JSON.stringify(messages)}`);
  };
  return { socket, messages, closed, waitFor };
}

describe('realtime', () => {
  let t: TestApp;
  let base: string;
  beforeAll(async () => {
    t = await createTestApp({ env: { SEND_BATCH_SIZE: '2' } });
    await t.startWorker();
    const address = await t.app.listen({ host: '127.0.0.1', port: 0 });
    base = address.replace('http', 'ws');
  });
  afterAll(() => t.close());

  it('refuses a socket without a valid token', async () => {
    for (const query of ['', '?access_token=nonsense']) {
      const { closed } = connect(`${base}/api/v1/realtime${query}`);
      expect(await closed).toBe(4401);
    }
  });

  it('streams a campaign’s progress and completion to its organization only', async () => {
    const s: Session = await t.register();
    const other = await t.register();
    const mine = connect(`${base}/api/v1/realtime?access_token=${s.accessToken}`);
    const theirs = connect(`${base}/api/v1/realtime?access_token=${other.accessToken}`);
    await mine.waitFor((m) => m.type === 'ready');
    await theirs.waitFor((m) => m.type === 'ready');

    const call = (method: 'GET' | 'POST', url: string, payload?: object) =>
      t.call(s.accessToken, { method, url, ...(payload ? { payload } : {}) });
    const list = (await call('POST', '/api/v1/lists', { name: 'L' })).json() as { id: string };
    const ids: string[] = [];
    for (let i = 0; i < 4; i++)
      ids.push(
        (
          (await call('POST', '/api/v1/contacts', { email: `rt${i}@example.com` })).json() as {
            id: string;
          }
        ).id,
      );
    await call('POST', `/api/v1/lists/${list.id}/members`, { contactIds: ids });
    const senderId = ((await call('GET', '/api/v1/senders')).json() as { items: { id: string }[] })
      .items[0]!.id;
    const campaign = (
      await call('POST', '/api/v1/campaigns', {
        name: 'Live',
        audience: { listIds: [list.id] },
        content: { subject: 'Hi', format: 'html', body: '<a href="{{ unsubscribe_url }}">x</a>' },
        senderIds: [senderId],
      })
    ).json() as { id: string };
    await call('POST', `/api/v1/campaigns/${campaign.id}/send-now`);

    const progress = await mine.waitFor(
      (m) => m.type === 'campaign.progress' && m.campaignId === campaign.id,
    );
    expect(progress.data).toMatchObject({ sent: expect.any(Number) });
    await mine.waitFor((m) => m.type === 'campaign.status' && m.data?.status === 'sent');
    const sent = mine.messages
      .filter((m) => m.type === 'campaign.progress')
      .reduce((n, m) => n + Number(m.data?.sent ?? 0), 0);
    expect(sent).toBe(4);
    expect(theirs.messages.filter((m) => m.type !== 'ready')).toEqual([]);
    mine.socket.close();
    theirs.socket.close();
  });
});
