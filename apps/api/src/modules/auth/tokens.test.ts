import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createAccessTokens } from './tokens.js';

describe('access tokens', () => {
  const claims = { userId: 'user-1', orgId: 'org-1' };
  const now = new Date('2026-12-02T12:00:00Z');

  it('after a JWT_SECRET rotation, tokens of the previous secret verify until they expire', async () => {
    const oldSecret = randomBytes(32);
    const newSecret = randomBytes(32);
    const issuedBefore = await createAccessTokens(oldSecret, 900).sign(claims, now);
    const rotated = createAccessTokens(newSecret, 900, [oldSecret]);
    expect(await rotated.verify(issuedBefore, now)).toEqual(claims);
    expect(await rotated.verify(issuedBefore, new Date(now.getTime() + 901_000))).toBeNull();
    // Without the previous secret listed the old token is refused; new ones use the new secret.
    expect(await createAccessTokens(newSecret, 900).verify(issuedBefore, now)).toBeNull();
    const issuedAfter = await rotated.sign(claims, now);
    expect(await createAccessTokens(oldSecret, 900).verify(issuedAfter, now)).toBeNull();
  });
});
