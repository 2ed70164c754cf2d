import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createSecretBox,
  decryptSecret,
  encryptSecret,
  hashPassword,
  verifyPassword,
} from './crypto.js';

describe('crypto', () => {
  it('hashes passwords with salted scrypt and verifies them', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
    expect(await verifyPassword('anything', 'md5$garbage')).toBe(false);
  });

  it('seals secrets with AES-256-GCM: round-trips, differs each time, detects tampering and wrong keys', () => {
    const key = randomBytes(32);
    const sealed = encryptSecret(key, 'smtp-password-ü');
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain('smtp-password');
    expect(encryptSecret(key, 'smtp-password-ü')).not.toBe(sealed);
    expect(decryptSecret(key, sealed)).toBe('smtp-password-ü');
    const parts = sealed.split('.');
    const flipped = Buffer.from(parts[3]!, 'base64url');
    flipped.writeUInt8(flipped.readUInt8(0) ^ 1, 0);
    expect(() =>
      decryptSecret(key, [...parts.slice(0, 3), flipped.toString('base64url')].join('.')),
    ).toThrow();
    expect(() => decryptSecret(randomBytes(32), sealed)).toThrow();
  });

  it('opens secrets sealed with a previous key after rotation and tells which need resealing', () => {
    const [oldKey, newKey] = [randomBytes(32), randomBytes(32)];
    const sealedOld = createSecretBox(oldKey).seal('hunter2');
    const rotated = createSecretBox(newKey, [oldKey]);
    expect(rotated.open(sealedOld)).toBe('hunter2');
    expect(rotated.isStale(sealedOld)).toBe(true);
    const resealed = rotated.seal(rotated.open(sealedOld));
    expect(rotated.isStale(resealed)).toBe(false);
    expect(createSecretBox(newKey).open(resealed)).toBe('hunter2');
    expect(() => createSecretBox(newKey).open(sealedOld)).toThrow(/no longer has/);
  });
});
