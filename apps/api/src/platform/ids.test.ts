import { describe, expect, it } from 'vitest';
import { fastUuidV7 } from './ids.js';

describe('fastUuidV7', () => {
  it('makes valid, unique, time-ordered version 7 UUIDs', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) =>
      fastUuidV7(1_700_000_000_000 + Math.floor(i / 100)),
    );
    for (const id of ids.slice(0, 200)) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    expect(new Set(ids).size).toBe(ids.length);
    // The timestamp prefix sorts with time.
    const prefixes = ids.map((id) => id.slice(0, 13));
    expect([...prefixes].sort()).toEqual(prefixes);
    expect(ids[0]!.startsWith('018bcfe5-6800')).toBe(true);
  });
});
