import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../../db/client.js';
import type { Principal } from '../../http/access.js';
import { notFound } from '../../http/errors.js';
import { decodeCursor, toPage } from '../../http/pagination.js';
import type { Clock } from '../../platform/clock.js';
import { createContactsRepo } from '../contacts/contacts.repo.js';
import { createSuppressionsRepo } from './suppressions.repo.js';

/** The form every suppression is stored and looked up in. */
export const suppressionKey = (email: string) => email.trim().toLowerCase();

export function createSuppressionsService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;
  const repo = createSuppressionsRepo(db);

  return {
    async list(
      principal: Principal,
      query: { search?: string | undefined; cursor?: string | undefined; limit: number },
    ) {
      const after = decodeCursor(query.cursor, ['string']);
      const rows = await repo.list(
        principal.orgId,
        query.search ? suppressionKey(query.search) : undefined,
        query.limit + 1,
        after ? String(after[0]) : undefined,
      );
      return toPage(rows, query.limit, (r) => [r.email]);
    },

    /**
     * Suppresses an address (or updates the reason). A contact with that address is blocked at
     * once, in the same transaction, so no send can start in between.
     */
    async create(principal: Principal, input: { email: string; reason: string }) {
      const email = suppressionKey(input.email);
      const now = clock.now();
      return repo.transaction(async (tx) => {
        const result = await createSuppressionsRepo(tx).upsert({
          id: uuidv7(),
          orgId: principal.orgId,
          email,
          reason: input.reason.trim(),
          createdAt: now,
        });
        await createContactsRepo(tx).setStatus(
          principal.orgId,
          { email },
          'blocked',
          'suppression',
          now,
        );
        return result;
      });
    },

    /** Lifting a suppression does not unblock the contact: someone decides that explicitly. */
    async remove(principal: Principal, id: string) {
      if (!(await repo.delete(principal.orgId, id))) throw notFound('Suppression');
    },
  };
}

export type SuppressionsService = ReturnType<typeof createSuppressionsService>;
