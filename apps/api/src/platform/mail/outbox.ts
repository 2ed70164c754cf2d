import type { MailTransport, OutgoingMail } from './transport.js';

/** How the outbox stores what it "sends" (a database insert in practice). */
export type OutboxStore = (mails: readonly OutgoingMail[]) => Promise<void>;

export interface OutboxOptions {
  /** Messages stored per insert; sends arriving together share one. (Default: 200) */
  batchSize?: number;
}

/**
 * The built-in outbox: nothing leaves the machine; every message is stored with its raw source
 * so a new installation can see exactly what would go out. Sends that arrive in the same tick
 * are stored with one insert, so a campaign to the outbox costs a few statements per batch
 * rather than one per message. A message counts as sent only once its insert committed.
 */
export function createOutboxTransport(
  store: OutboxStore,
  options: OutboxOptions = {},
): MailTransport {
  const batchSize = options.batchSize ?? 200;
  let pending: { mail: OutgoingMail; done: (error?: unknown) => void }[] = [];
  let scheduled = false;
  let inFlight = new Set<Promise<void>>();
  let isClosed = false;

  const flush = () => {
    scheduled = false;
    while (pending.length > 0) {
      const batch = pending.splice(0, batchSize);
      const write = store(batch.map((p) => p.mail)).then(
        () => batch.forEach((p) => p.done()),
        (error: unknown) => batch.forEach((p) => p.done(error)),
      );
      inFlight.add(write);
      void write.finally(() => inFlight.delete(write));
    }
  };

  return {
    kind: 'outbox',
    send(mail) {
      if (isClosed) return Promise.reject(new Error('The outbox transport is closed.'));
      return new Promise((resolve) => {
        pending.push({
          mail,
          done: (error) =>
            resolve(
              error === undefined
                ? {
                    outcome: 'sent',
                    code: 250,
                    enhancedCode: '2.0.0',
                    reply: '250 2.0.0 Stored in the outbox',
                  }
                : {
                    outcome: 'retry',
                    code: null,
                    enhancedCode: null,
                    reply: `Could not store in the outbox: ${error instanceof Error ? error.message : String(error)}`,
                  },
            ),
        });
        if (pending.length >= batchSize) flush();
        else if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
    verify: async () => ({
      ok: true,
      steps: [
        {
          step: 'connect',
          ok: true,
          detail: 'Built-in outbox: messages are stored, not sent',
          ms: 0,
        },
      ],
    }),
    async close() {
      isClosed = true;
      flush();
      await Promise.all([...inFlight]);
      inFlight = new Set();
      pending = [];
    },
  };
}
