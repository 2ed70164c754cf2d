import { v7 as uuidv7 } from 'uuid';
import type { Principal } from '../../http/access.js';
import { notFound } from '../../http/errors.js';
import { decodeCursor, toPage } from '../../http/pagination.js';
import type { Clock } from '../../platform/clock.js';
import { randomToken, sha256 } from '../../platform/crypto.js';
import type { WriteKeysRepo } from './write-keys.repo.js';

export const WRITE_KEY_PREFIX = 'wk_';
const TOUCH_EVERY_MS = 60_000;

/** The source a write key stands for: it may only send events into its organization. */
export interface WriteKeySource {
  writeKeyId: string;
  orgId: string;
}

export function createWriteKeysService(deps: { repo: WriteKeysRepo; clock: Clock }) {
  const { repo, clock } = deps;
  // Remember recent touches in-process so a busy key doesn't issue an UPDATE per batch.
  const lastTouched = new Map<string, number>();

  return {
    async create(principal: Principal, input: { name: string }) {
      const key = `${WRITE_KEY_PREFIX}${randomToken(32)}`;
      const row = await repo.insert({
        id: uuidv7(),
        orgId: principal.orgId,
        name: input.name.trim(),
        prefix: key.slice(0, WRITE_KEY_PREFIX.length + 8),
        keyHash: sha256(key),
        createdBy: principal.userId,
      });
      return { ...row, key };
    },

    async list(principal: Principal, query: { cursor?: string | undefined; limit: number }) {
      const after = decodeCursor(query.cursor, 1);
      const rows = await repo.list(
        principal.orgId,
        query.limit + 1,
        after?.[0] as string | undefined,
      );
      return toPage(rows, query.limit, (r) => [r.id]);
    },

    async revoke(principal: Principal, id: string): Promise<void> {
      if (!(await repo.revoke(principal.orgId, id, clock.now()))) throw notFound('Write key');
    },

    /** The source of an active key, or undefined. Never cached: a revoked key stops at once. */
    async authenticate(key: string): Promise<WriteKeySource | undefined> {
      if (!key.startsWith(WRITE_KEY_PREFIX) || key.length > 200) return undefined;
      const row = await repo.findActiveByHash(sha256(key));
      if (!row) return undefined;
      const now = clock.now();
      const last = lastTouched.get(row.id) ?? 0;
      if (now.getTime() - last > TOUCH_EVERY_MS) {
        lastTouched.set(row.id, now.getTime());
        if (lastTouched.size > 10_000) lastTouched.clear();
        await repo.touch(row.id, now);
      }
      return { writeKeyId: row.id, orgId: row.orgId };
    },
  };
}

export type WriteKeysService = ReturnType<typeof createWriteKeysService>;
