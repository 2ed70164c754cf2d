import { EventEmitter } from 'node:events';
import type { PubSub, RealtimeEvent } from './pubsub.js';

export function createMemoryPubSub(): PubSub {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    driver: 'memory',
    publish: (event) => {
      // Delivered on the next tick, like Redis: publishers never run subscribers' code inline.
      setImmediate(() => emitter.emit('event', event));
    },
    subscribe(handler) {
      const listener = (event: RealtimeEvent) => handler(event);
      emitter.on('event', listener);
      return () => emitter.off('event', listener);
    },
    async close() {
      emitter.removeAllListeners();
    },
  };
}
