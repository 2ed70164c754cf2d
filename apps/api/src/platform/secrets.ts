import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { decodeEncryptionKey, type Secrets } from '../config.js';

const SecretsFileSchema = z.object({
  jwtSecret: z.string().min(32),
  encryptionKey: z.string(),
  /** Written by `herald rotate-key` while it re-seals, removed when it is done. */
  previousEncryptionKeys: z.array(z.string()).optional(),
});

/**
 * Embedded mode keeps its own secrets beside the database: generated on first start, readable by
 * the owner only. Losing the file signs everyone out and makes encrypted credentials unreadable.
 */
export function loadOrCreateEmbeddedSecrets(dataDir: string): Secrets {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'secrets.json');
  if (!existsSync(file)) {
    const fresh = {
      jwtSecret: randomBytes(48).toString('base64url'),
      encryptionKey: randomBytes(32).toString('base64'),
    };
    writeFileSync(file, JSON.stringify(fresh, null, 2), { mode: 0o600, flag: 'wx' });
  }
  chmodSync(file, 0o600);
  const parsed = SecretsFileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  const encryptionKey = decodeEncryptionKey(parsed.encryptionKey);
  if (!encryptionKey) throw new Error(`${file}: encryptionKey is not 32 bytes`);
  const previousEncryptionKeys = (parsed.previousEncryptionKeys ?? []).map((k) => {
    const key = decodeEncryptionKey(k);
    if (!key) throw new Error(`${file}: a previous encryption key is not 32 bytes`);
    return key;
  });
  return {
    jwtSecret: new TextEncoder().encode(parsed.jwtSecret),
    encryptionKey,
    previousEncryptionKeys,
  };
}

/**
 * Embedded key rotation, step one: a new key becomes current and the old one previous, so
 * everything still opens while `herald rotate-key` re-seals. Step two drops the previous keys.
 */
export function rotateEmbeddedKey(dataDir: string): void {
  const file = join(dataDir, 'secrets.json');
  const parsed = SecretsFileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  const next = {
    ...parsed,
    encryptionKey: randomBytes(32).toString('base64'),
    previousEncryptionKeys: [parsed.encryptionKey, ...(parsed.previousEncryptionKeys ?? [])],
  };
  writeFileSync(file, JSON.stringify(next, null, 2), { mode: 0o600 });
}

export function forgetPreviousEmbeddedKeys(dataDir: string): void {
  const file = join(dataDir, 'secrets.json');
  const { previousEncryptionKeys: _dropped, ...rest } = SecretsFileSchema.parse(
    JSON.parse(readFileSync(file, 'utf8')),
  );
  writeFileSync(file, JSON.stringify(rest, null, 2), { mode: 0o600 });
}
