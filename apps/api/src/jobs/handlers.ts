import type { JobHandlers } from '../platform/queue/queue.js';
import type { Services } from '../services.js';
import { jobCatalog, type AppJobCatalog } from './catalog.js';

/** Job handlers are thin: they call the same services the routes call. */
export function createJobHandlers(services: Services): JobHandlers<AppJobCatalog> {
  return {
    'maintenance.purge': () => services.maintenance.purge(),
    'contacts.bulk': async (payload, ctx) => {
      await services.contacts.runBulkJob(payload, ctx.signal);
    },
    'campaigns.start': async (payload) => {
      await services.campaigns.start(payload.campaignId, payload.sendAt);
    },
    'campaigns.sweep': async () => {
      await services.campaigns.sweep();
    },
    'campaigns.send': async (payload, ctx) => {
      await services.campaignSending.runLaneJob(payload, ctx.signal);
    },
    'imports.run': async (payload, ctx) => {
      try {
        await services.imports.run(payload.importId, payload.orgId, ctx.signal);
      } catch (error) {
        // Out of attempts: the import ends visibly failed instead of looking stuck.
        if (ctx.attempt >= jobCatalog['imports.run'].attempts && !ctx.signal.aborted) {
          await services.imports.markFailed(payload.importId, error);
        }
        throw error;
      }
    },
  };
}
