import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/**
 * Signed tracking tokens (DESIGN.md §6). A token names a message — and for clicks a row of the
 * campaign's link table, never a URL, so a token cannot send anyone anywhere we did not link to.
 * Layout: kind (1 byte) · message id (16) · link id (16, clicks only) · HMAC-SHA256 truncated to
 * 12 bytes, base64url. A changed byte anywhere fails the signature: 404, nothing recorded.
 */

export type TokenKind = 'open' | 'click' | 'unsubscribe' | 'view';

const KIND_BYTES: Record<TokenKind, number> = {
  open: 0x6f,
  click: 0x63,
  unsubscribe: 0x75,
  view: 0x76,
};
const SIGNATURE_BYTES = 12;

export interface TrackingToken {
  kind: TokenKind;
  messageId: string;
  linkId: string | null;
}

export interface TrackingTokens {
  sign(kind: TokenKind, messageId: string, linkId?: string): string;
  verify(token: string, kind: TokenKind): TrackingToken | null;
}

/** Writes a uuid's 16 bytes at `offset` (no regex or intermediate buffer: signing is per link). */
const writeUuid = (target: Buffer, offset: number, id: string) =>
  target.write(
    id.slice(0, 8) + id.slice(9, 13) + id.slice(14, 18) + id.slice(19, 23) + id.slice(24),
    offset,
    'hex',
  );
const uuidText = (bytes: Buffer) => {
  const h = bytes.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

const keyOf = (secret: Uint8Array) =>
  Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'herald tracking v1', 32));

/**
 * The key is derived from the JWT secret, so every process of a deployment shares it. Tokens
 * signed under `previous` secrets (rotated out) still verify: links in mail already sent keep
 * working.
 */
export function createTrackingTokens(
  secret: Uint8Array,
  previous: readonly Uint8Array[] = [],
): TrackingTokens {
  const key = keyOf(secret);
  const oldKeys = previous.map(keyOf);
  const macWith = (k: Buffer, payload: Buffer) =>
    createHmac('sha256', k).update(payload).digest().subarray(0, SIGNATURE_BYTES);
  const mac = (payload: Buffer) => macWith(key, payload);
  return {
    sign(kind, messageId, linkId) {
      const length = kind === 'click' ? 33 : 17;
      const token = Buffer.allocUnsafe(length + SIGNATURE_BYTES);
      token[0] = KIND_BYTES[kind];
      writeUuid(token, 1, messageId);
      if (kind === 'click') writeUuid(token, 17, linkId!);
      mac(token.subarray(0, length)).copy(token, length);
      return token.toString('base64url');
    },
    verify(token, kind) {
      if (token.length > 100 || !/^[A-Za-z0-9_-]+$/.test(token)) return null;
      const bytes = Buffer.from(token, 'base64url');
      const payloadLength = kind === 'click' ? 33 : 17;
      if (bytes.length !== payloadLength + SIGNATURE_BYTES || bytes[0] !== KIND_BYTES[kind])
        return null;
      const payload = bytes.subarray(0, payloadLength);
      const signature = bytes.subarray(payloadLength);
      if (
        !timingSafeEqual(mac(payload), signature) &&
        !oldKeys.some((k) => timingSafeEqual(macWith(k, payload), signature))
      )
        return null;
      return {
        kind,
        messageId: uuidText(payload.subarray(1, 17)),
        linkId: kind === 'click' ? uuidText(payload.subarray(17, 33)) : null,
      };
    },
  };
}
