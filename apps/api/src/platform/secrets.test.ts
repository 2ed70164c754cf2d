import { mkdtempSync, statSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOrCreateEmbeddedSecrets } from './secrets.js';

describe('embedded secrets', () => {
  it('are generated once, owner-only (0600), and stable across restarts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-secrets-'));
    const first = loadOrCreateEmbeddedSecrets(dir);
    const file = join(dir, 'secrets.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first.encryptionKey).toHaveLength(32);
    expect(first.jwtSecret.length).toBeGreaterThanOrEqual(32);
    const again = loadOrCreateEmbeddedSecrets(dir);
    expect(Buffer.from(again.jwtSecret).equals(Buffer.from(first.jwtSecret))).toBe(true);
    expect(again.encryptionKey.equals(first.encryptionKey)).toBe(true);
    expect(readFileSync(file, 'utf8')).not.toContain('change-me');
  });

  it('each data dir gets its own secrets', () => {
    const a = loadOrCreateEmbeddedSecrets(mkdtempSync(join(tmpdir(), 'herald-a-')));
    const b = loadOrCreateEmbeddedSecrets(mkdtempSync(join(tmpdir(), 'herald-b-')));
    expect(a.encryptionKey.equals(b.encryptionKey)).toBe(false);
  });
});
