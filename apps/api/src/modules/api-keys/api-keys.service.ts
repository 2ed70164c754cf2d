import { v7 as uuidv7 } from 'uuid';
import { roleAtLeast, type Principal, type Role } from '../../http/access.js';
import { AppError, notFound } from '../../http/errors.js';
import { decodeCursor, toPage } from '../../http/pagination.js';
import type { Clock } from '../../platform/clock.js';
import { randomToken, sha256 } from '../../platform/crypto.js';
import type { ApiKeysRepo } from './api-keys.repo.js';

export const API_KEY_PREFIX = 'hk_';
const TOUCH_EVERY_MS = 60_000;

export function createApiKeysService(deps: { repo: ApiKeysRepo; clock: Clock }) {
  const { repo, clock } = deps;
  // Remember recent touches in-process so a busy key doesn't issue an UPDATE per request.
  const lastTouched = new Map<string, number>();

  return {
    async create(principal: Principal, input: { name: string; role: Role }) {
      // Nobody hands out more power than they hold.
      if (!roleAtLeast(principal.role, input.role)) {
        throw new AppError('forbidden', `You cannot create a key with the ${input.role} role.`);
      }
      const key = `${API_KEY_PREFIX}${randomToken(32)}`;
      const row = await repo.insert({
        id: uuidv7(),
        orgId: principal.orgId,
        name: input.name.trim(),
        role: input.role,
        prefix: key.slice(0, API_KEY_PREFIX.length + 8),
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
      if (!(await repo.revoke(principal.orgId, id, clock.now()))) throw notFound('API key');
    },

    async authenticate(key: string): Promise<Principal | undefined> {
      if (!key.startsWith(API_KEY_PREFIX)) return undefined;
      const row = await repo.findActiveByHash(sha256(key));
      if (!row) return undefined;
      const now = clock.now();
      const last = lastTouched.get(row.id) ?? 0;
      if (now.getTime() - last > TOUCH_EVERY_MS) {
        lastTouched.set(row.id, now.getTime());
        if (lastTouched.size > 10_000) lastTouched.clear();
        await repo.touch(row.id, now);
      }
      return { kind: 'apiKey', orgId: row.orgId, role: row.role, userId: null, apiKeyId: row.id };
    },
  };
}

export type ApiKeysService = ReturnType<typeof createApiKeysService>;
