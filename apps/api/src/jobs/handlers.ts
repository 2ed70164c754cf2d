import type { JobHandlers } from '../platform/queue/queue.js';
import type { Clock } from '../platform/clock.js';
import type { AuthRepo } from '../modules/auth/auth.repo.js';
import type { ContactsService } from '../modules/contacts/contacts.service.js';
import type { OrganizationsRepo } from '../modules/organizations/organizations.repo.js';
import type { AppJobCatalog } from './catalog.js';

const DAY_MS = 24 * 3600 * 1000;

export function createJobHandlers(deps: {
  clock: Clock;
  authRepo: AuthRepo;
  organizationsRepo: OrganizationsRepo;
  contacts: Pick<ContactsService, 'runBulkJob'>;
}): JobHandlers<AppJobCatalog> {
  return {
    // Expired rows are kept a while so a late refresh still reads as "expired", not "unknown".
    'maintenance.purge': async () => {
      const now = deps.clock.now().getTime();
      await deps.authRepo.purgeRefreshTokens(new Date(now - DAY_MS));
      await deps.organizationsRepo.purgeInvitations(new Date(now - 30 * DAY_MS));
    },
    'contacts.bulk': async (payload, ctx) => {
      await deps.contacts.runBulkJob(payload, ctx.signal);
    },
  };
}
