import type { Config } from '../config.js';
import { openRuntime } from '../server.js';
import { createServices } from '../services.js';
import { systemClock } from '../platform/clock.js';
import { createMemoryRateLimiter } from '../platform/ratelimit/memory.js';
import { forgetPreviousEmbeddedKeys, rotateEmbeddedKey } from '../platform/secrets.js';

/**
 * `herald rotate-key`: re-seals every stored credential with the current ENCRYPTION_KEY.
 *  - embedded: generates a new key in data/secrets.json (the old one kept as previous while
 *    re-sealing, dropped at the end). Stop `herald serve` first: it holds the old key.
 *  - scale-out: set the new ENCRYPTION_KEY and the old one in ENCRYPTION_KEY_PREVIOUS on every
 *    process, run this once, then remove ENCRYPTION_KEY_PREVIOUS (see docs/operations.md).
 * Interrupted runs are safe to repeat: values sealed with any known key still open.
 */
export async function runRotateKeyCommand(
  config: Config,
  out: (line: string) => void,
): Promise<number> {
  if (config.mode === 'embedded') rotateEmbeddedKey(config.dataDir);
  else if (!config.secrets?.previousEncryptionKeys?.length) {
    out(
      'Set the new key in ENCRYPTION_KEY and the old one in ENCRYPTION_KEY_PREVIOUS, then run this again.',
    );
    return 1;
  }
  const runtime = await openRuntime(config);
  try {
    const services = createServices({
      ...runtime,
      rateLimiter: createMemoryRateLimiter(systemClock),
      clock: systemClock,
    });
    const senderResult = await services.senders.resealSecrets();
    const webhookResult = await services.webhooks.resealSecrets();
    const result = {
      resealed: senderResult.resealed + webhookResult.resealed,
      checked: senderResult.checked + webhookResult.checked,
    };
    out(
      `Re-sealed ${result.resealed} of ${result.checked} stored credentials with the current key.`,
    );
  } finally {
    await runtime.queue.close();
    await runtime.database.close();
  }
  if (config.mode === 'embedded') {
    forgetPreviousEmbeddedKeys(config.dataDir);
    out('The previous key was removed from secrets.json.');
  } else {
    out('Now remove ENCRYPTION_KEY_PREVIOUS from every process.');
  }
  return 0;
}
