import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import { createTrackingTokens } from './tokens.js';

describe('tracking tokens', () => {
  const tokens = createTrackingTokens(randomBytes(32));
  const messageId = uuidv7();
  const linkId = uuidv7();

  it('round-trips each kind and refuses a token of another kind', () => {
    const open = tokens.sign('open', messageId);
    expect(tokens.verify(open, 'open')).toEqual({ kind: 'open', messageId, linkId: null });
    expect(tokens.verify(open, 'unsubscribe')).toBeNull();
    const click = tokens.sign('click', messageId, linkId);
    expect(tokens.verify(click, 'click')).toEqual({ kind: 'click', messageId, linkId });
    expect(open.length).toBeLessThan(45);
  });

  it('keeps the documented layout, so links in mail already sent stay valid', () => {
    const secret = randomBytes(32);
    const key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'herald tracking v1', 32));
    const payload = Buffer.concat([
      Buffer.from([0x63]),
      Buffer.from(messageId.replace(/-/g, ''), 'hex'),
      Buffer.from(linkId.replace(/-/g, ''), 'hex'),
    ]);
    const mac = createHmac('sha256', key).update(payload).digest().subarray(0, 12);
    expect(createTrackingTokens(secret).sign('click', messageId, linkId)).toBe(
      Buffer.concat([payload, mac]).toString('base64url'),
    );
  });

  it('refuses every single-character change, truncation, other keys and junk', () => {
    const click = tokens.sign('click', messageId, linkId);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (let i = 0; i < click.length; i++) {
      const other = alphabet[(alphabet.indexOf(click[i]!) + 1) % alphabet.length]!;
      const tampered = click.slice(0, i) + other + click.slice(i + 1);
      // The last character may carry only padding bits; a change there can decode the same.
      if (Buffer.from(tampered, 'base64url').equals(Buffer.from(click, 'base64url'))) continue;
      expect(tokens.verify(tampered, 'click'), `position ${i}`).toBeNull();
    }
    expect(tokens.verify(click.slice(0, -2), 'click')).toBeNull();
    expect(createTrackingTokens(randomBytes(32)).verify(click, 'click')).toBeNull();
    for (const junk of ['', 'x', '../../etc/passwd', 'a'.repeat(500), '%00%00'])
      expect(tokens.verify(junk, 'open')).toBeNull();
  });

  it('after a JWT_SECRET rotation, links signed under the previous secret still verify', () => {
    const oldSecret = randomBytes(32);
    const newSecret = randomBytes(32);
    const sentBefore = createTrackingTokens(oldSecret).sign('unsubscribe', messageId);
    const rotated = createTrackingTokens(newSecret, [oldSecret]);
    expect(rotated.verify(sentBefore, 'unsubscribe')).toEqual({
      kind: 'unsubscribe',
      messageId,
      linkId: null,
    });
    // New links are signed with the new secret only.
    const sentAfter = rotated.sign('open', messageId);
    expect(createTrackingTokens(oldSecret).verify(sentAfter, 'open')).toBeNull();
    expect(createTrackingTokens(newSecret).verify(sentAfter, 'open')).not.toBeNull();
    // Without the previous secret listed, the old links are refused.
    expect(createTrackingTokens(newSecret).verify(sentBefore, 'unsubscribe')).toBeNull();
  });
});
