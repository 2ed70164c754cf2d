import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../../db/client.js';
import type { Principal } from '../../http/access.js';
import { notFound } from '../../http/errors.js';
import type { ListsRepo } from '../lists/lists.repo.js';
import { createSuppressionsRepo } from '../suppressions/suppressions.repo.js';
import { suppressionKey } from '../suppressions/suppressions.service.js';
import { createContactsRepo, type ContactsRepo } from './contacts.repo.js';

/** Data-subject requests: access (everything held about a contact) and erasure. */
export function createContactsPrivacy(deps: { db: Db; repo: ContactsRepo; listsRepo: ListsRepo }) {
  const { db, repo, listsRepo } = deps;
  const suppressionsRepo = createSuppressionsRepo(db);

  return {
    async personalData(principal: Principal, id: string) {
      const orgId = principal.orgId;
      const contact = await repo.find(orgId, id);
      if (!contact) throw notFound('Contact');
      const [lists, activities, suppression, engagement] = await Promise.all([
        listsRepo.ofContact(orgId, id),
        repo.allActivities(orgId, id),
        suppressionsRepo.findByEmail(orgId, suppressionKey(contact.email)),
        repo.engagementOf(orgId, id),
      ]);
      return { contact, lists, activities, suppression, ...engagement };
    },

    /**
     * Deletes the contact with its memberships and activities (by cascade) in one transaction,
     * and writes nothing personal anywhere. With `suppress`, the address is suppressed first so
     * it is never mailed again; suppressions deliberately outlive the contact.
     */
    async erase(principal: Principal, id: string, options: { suppress: boolean }) {
      const orgId = principal.orgId;
      await repo.transaction(async (txDb) => {
        const tx = createContactsRepo(txDb);
        const contact = await tx.find(orgId, id, { lock: true });
        if (!contact) throw notFound('Contact');
        if (options.suppress) {
          await createSuppressionsRepo(txDb).insertIfAbsent({
            id: uuidv7(),
            orgId,
            email: suppressionKey(contact.email),
            reason: 'erasure request',
          });
        }
        // Campaign statistics survive erasure: the messages and events stay, scrubbed.
        await tx.scrubEngagement(orgId, id);
        await tx.delete(orgId, id);
      });
    },
  };
}
