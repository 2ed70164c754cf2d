import {
  createCipheriv,
  createDecipheriv,
  createHash,
  randomBytes,
  scrypt as scryptCb,
  timingSafeEqual,
  type ScryptOptions,
} from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(scryptCb) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: ScryptOptions,
) => Promise<Buffer>;

/** scrypt, memory-hard: N=2^15, r=8 costs 32 MiB and ~50–100 ms per hash on our 2-core boxes. */
const PARAMS = { N: 2 ** 15, r: 8, p: 1, keylen: 32 } as const;
const maxmem = 128 * PARAMS.N * PARAMS.r * 2;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password.normalize('NFKC'), salt, PARAMS.keylen, { ...PARAMS, maxmem });
  return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const N = Number(n);
  const actual = await scrypt(
    password.normalize('NFKC'),
    Buffer.from(salt, 'base64'),
    expected.length,
    {
      N,
      r: Number(r),
      p: Number(p),
      maxmem: 128 * N * Number(r) * 2,
    },
  );
  return timingSafeEqual(actual, expected);
}

/** A fixed hash to verify against when the account doesn't exist, so timing doesn't tell. */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
  return dummyHash;
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * AES-256-GCM for secrets at rest (sender passwords, webhook secrets). Output is
 * `v1.<iv>.<tag>.<ciphertext>` in base64url; the version leaves room for key rotation.
 */
export function encryptSecret(key: Buffer, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), data]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

export function decryptSecret(key: Buffer, sealed: string): string {
  const [version, iv, tag, data] = sealed.split('.');
  if (version !== 'v1' || !iv || !tag || data === undefined) throw new Error('Not a sealed secret');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([
    decipher.update(Buffer.from(data, 'base64url')),
    decipher.final(),
  ]).toString('utf8');
}

/** Seals with the current key; opens with it or any previous key, so keys can be rotated. */
export interface SecretBox {
  seal(plaintext: string): string;
  open(sealed: string): string;
  /** Whether a value was sealed with a previous key (and should be sealed again). */
  isStale(sealed: string): boolean;
}

export function createSecretBox(current: Buffer, previous: readonly Buffer[] = []): SecretBox {
  const tryOpen = (key: Buffer, sealed: string) => {
    try {
      return decryptSecret(key, sealed);
    } catch {
      return undefined;
    }
  };
  return {
    seal: (plaintext) => encryptSecret(current, plaintext),
    open(sealed) {
      for (const key of [current, ...previous]) {
        const opened = tryOpen(key, sealed);
        if (opened !== undefined) return opened;
      }
      throw new Error('The secret was sealed with a key Herald no longer has.');
    },
    isStale: (sealed) => tryOpen(current, sealed) === undefined,
  };
}
