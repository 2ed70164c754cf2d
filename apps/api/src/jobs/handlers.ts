import type { DomainEvents } from '../platform/domain-events.js';
import { errorMessage, type JobHandlers } from '../platform/queue/queue.js';
import type { Services } from '../services.js';
import { jobCatalog, type AppJobCatalog } from './catalog.js';

/** Job handlers are thin: they call the same services the routes call. */
export function createJobHandlers(services: Services): JobHandlers<AppJobCatalog> {
  const handlers: JobHandlers<AppJobCatalog> = {
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
    'webhooks.deliver': async (payload) => {
      await services.webhookDelivery.deliver(payload.deliveryId);
    },
    'webhooks.sweep': async () => {
      await services.webhookDelivery.sweep();
    },
    'flows.step': async (payload, ctx) => {
      await services.flows.engine.runStep(payload, {
        isLastAttempt: ctx.attempt >= jobCatalog['flows.step'].attempts,
      });
    },
    'flows.sweep': async () => {
      await services.flows.engine.sweep();
    },
    'flows.triggers': async () => {
      await services.flows.triggers.evaluateSegments();
      await services.flows.triggers.scheduleDates();
    },
    'flows.dates': async (payload) => {
      await services.flows.triggers.runDates(payload);
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
  return announcingDeadLetters(handlers, services.domainEvents);
}

/**
 * A job's last failed try tells its organization (job.failed → webhooks) just before the queue
 * keeps it as a dead letter. Webhook jobs are left out: a failing webhook must not feed itself.
 */
function announcingDeadLetters(
  handlers: JobHandlers<AppJobCatalog>,
  events: Pick<DomainEvents, 'emit'>,
): JobHandlers<AppJobCatalog> {
  const wrap = <K extends keyof AppJobCatalog>(name: K): JobHandlers<AppJobCatalog>[K] =>
    (async (payload, ctx) => {
      try {
        await (handlers[name] as (p: typeof payload, c: typeof ctx) => Promise<void>)(payload, ctx);
      } catch (error) {
        const isDead = ctx.attempt >= jobCatalog[name].attempts && !ctx.signal.aborted;
        if (isDead && ctx.orgId && !name.startsWith('webhooks.'))
          await events.emit(ctx.orgId, 'job.failed', {
            jobId: ctx.id,
            name,
            error: errorMessage(error).split('\n')[0]!.slice(0, 1000),
          });
        throw error;
      }
    }) as JobHandlers<AppJobCatalog>[K];
  return Object.fromEntries(
    (Object.keys(handlers) as (keyof AppJobCatalog)[]).map((name) => [name, wrap(name)]),
  ) as JobHandlers<AppJobCatalog>;
}
