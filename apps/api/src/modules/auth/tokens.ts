import { SignJWT, jwtVerify } from 'jose';

const ISSUER = 'herald';
const AUDIENCE = 'herald-api';

export interface AccessClaims {
  userId: string;
  orgId: string;
}

/**
 * Short-lived HS256 access tokens; the role is read from the membership on every request.
 * Tokens signed under `previous` secrets (being rotated out) still verify until they expire.
 */
export function createAccessTokens(
  secret: Uint8Array,
  ttlSeconds: number,
  previous: readonly Uint8Array[] = [],
) {
  const verifyWith = async (key: Uint8Array, token: string, now: Date) => {
    try {
      const { payload } = await jwtVerify(token, key, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['HS256'],
        currentDate: now,
      });
      if (typeof payload.sub !== 'string' || typeof payload.org !== 'string') return null;
      return { userId: payload.sub, orgId: payload.org };
    } catch {
      return null;
    }
  };
  return {
    ttlSeconds,
    async sign(claims: AccessClaims, now: Date): Promise<string> {
      const iat = Math.floor(now.getTime() / 1000);
      return new SignJWT({ org: claims.orgId })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(claims.userId)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt(iat)
        .setExpirationTime(iat + ttlSeconds)
        .sign(secret);
    },
    async verify(token: string, now: Date): Promise<AccessClaims | null> {
      for (const key of [secret, ...previous]) {
        const claims = await verifyWith(key, token, now);
        if (claims) return claims;
      }
      return null;
    },
  };
}

export type AccessTokens = ReturnType<typeof createAccessTokens>;
