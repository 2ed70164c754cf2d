import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import { describe, expect, inject, it } from 'vitest';
import { loadConfig, type Config } from '../config.js';
import { organizations, senders } from '../db/schema/index.js';
import { systemClock } from '../platform/clock.js';
import { createSecretBox } from '../platform/crypto.js';
import { createMemoryRateLimiter } from '../platform/ratelimit/memory.js';
import { openRuntime } from '../server.js';
import { createServices } from '../services.js';
import { runRotateKeyCommand } from './rotate-key.js';

/** Stores an SMTP sender with a password under the config's current key; returns its id. */
async function storeSender(config: Config, password: string): Promise<string> {
  const runtime = await openRuntime(config);
  try {
    const services = createServices({
      ...runtime,
      rateLimiter: createMemoryRateLimiter(systemClock),
      clock: systemClock,
    });
    const orgId = uuidv7();
    await runtime.database.db.insert(organizations).values({ id: orgId, name: 'Rotation' });
    const sender = await services.senders.create(
      { kind: 'user', orgId, role: 'owner', userId: null, apiKeyId: null },
      {
        name: 'Relay',
        fromEmail: 'news@herald.test',
        provider: 'smtp',
        smtp: {
          host: 'smtp.herald.test',
          port: 587,
          tls: 'starttls',
          auth: 'plain',
          username: 'u',
          password,
        },
      },
    );
    return sender.id;
  } finally {
    await runtime.queue.close();
    await runtime.database.close();
  }
}

async function storedSecret(config: Config, id: string): Promise<string> {
  const runtime = await openRuntime(config);
  try {
    const [row] = await runtime.database.db
      .select({ secret: senders.secret })
      .from(senders)
      .where(eq(senders.id, id));
    return row!.secret!;
  } finally {
    await runtime.queue.close();
    await runtime.database.close();
  }
}

describe('herald rotate-key', () => {
  it('embedded: generates a new key, re-seals every credential with it and forgets the old one', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'herald-rotate-'));
    const config = loadConfig({ HERALD_DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    const id = await storeSender(config, 'relay-password');
    const file = join(dataDir, 'secrets.json');
    const before = JSON.parse(readFileSync(file, 'utf8')) as { encryptionKey: string };
    const sealedBefore = await storedSecret(config, id);

    const lines: string[] = [];
    expect(await runRotateKeyCommand(config, (l) => lines.push(l))).toBe(0);
    expect(lines.join('\n')).toContain('Re-sealed 1 of 1');

    const after = JSON.parse(readFileSync(file, 'utf8')) as {
      encryptionKey: string;
      previousEncryptionKeys?: string[];
    };
    expect(after.encryptionKey).not.toBe(before.encryptionKey);
    expect(after.previousEncryptionKeys).toBeUndefined();
    const sealedAfter = await storedSecret(config, id);
    expect(sealedAfter).not.toBe(sealedBefore);
    const newKey = Buffer.from(after.encryptionKey, 'base64');
    expect(createSecretBox(newKey).open(sealedAfter)).toBe('relay-password');
    expect(() =>
      createSecretBox(Buffer.from(before.encryptionKey, 'base64')).open(sealedAfter),
    ).toThrow();
  }, 60_000);

  // The scale-out shape needs the run's PostgreSQL; the embedded run has none to offer, so
  // this case exists only in the PostgreSQL run (CI runs both).
  const databaseUrl = inject('databaseUrl');
  if (databaseUrl)
    it('scale-out: refuses without the previous key, then re-seals from it', async () => {
      const oldKey = randomBytes(32).toString('base64');
      const newKey = randomBytes(32).toString('base64');
      const env = {
        DATABASE_URL: databaseUrl,
        JWT_SECRET: randomBytes(32).toString('hex'),
        LOG_LEVEL: 'silent',
      };
      const id = await storeSender(loadConfig({ ...env, ENCRYPTION_KEY: oldKey }), 'pg-password');

      const rotated = loadConfig({ ...env, ENCRYPTION_KEY: newKey });
      const lines: string[] = [];
      expect(await runRotateKeyCommand(rotated, (l) => lines.push(l))).toBe(1);
      expect(lines[0]).toContain('ENCRYPTION_KEY_PREVIOUS');

      const withPrevious = loadConfig({
        ...env,
        ENCRYPTION_KEY: newKey,
        ENCRYPTION_KEY_PREVIOUS: oldKey,
      });
      expect(await runRotateKeyCommand(withPrevious, () => undefined)).toBe(0);
      const sealed = await storedSecret(rotated, id);
      expect(createSecretBox(Buffer.from(newKey, 'base64')).open(sealed)).toBe('pg-password');
      // Running it again is harmless: nothing is stale any more.
      const again: string[] = [];
      await runRotateKeyCommand(withPrevious, (l) => again.push(l));
      expect(again[0]).toMatch(/Re-sealed 0 of \d+/);
    }, 60_000);
});
