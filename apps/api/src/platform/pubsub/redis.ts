import { Redis } from 'ioredis';
import type { PubSub, RealtimeEvent } from './pubsub.js';

/** One publishing and one subscribed connection per process; every process sees every event. */
export function createRedisPubSub(redisUrl: string, prefix: string): PubSub {
  const channel = `${prefix}:realtime`;
  const publisher = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  const subscriber = new Redis(redisUrl, { maxRetriesPerRequest: null, lazyConnect: true });
  // A Redis restart must not take the process down; ioredis reconnects and resubscribes.
  publisher.on('error', () => undefined);
  subscriber.on('error', () => undefined);
  const handlers = new Set<(event: RealtimeEvent) => void>();
  let subscribed: Promise<unknown> | undefined;
  subscriber.on('message', (_channel: string, message: string) => {
    let event: RealtimeEvent;
    try {
      event = JSON.parse(message) as RealtimeEvent;
    } catch {
      return;
    }
    for (const handler of handlers) handler(event);
  });
  return {
    driver: 'redis',
    publish(event) {
      publisher.publish(channel, JSON.stringify(event)).catch(() => undefined);
    },
    subscribe(handler) {
      handlers.add(handler);
      subscribed ??= subscriber.subscribe(channel).catch(() => {
        subscribed = undefined;
      });
      return () => handlers.delete(handler);
    },
    async close() {
      handlers.clear();
      publisher.disconnect();
      subscriber.disconnect();
    },
  };
}
