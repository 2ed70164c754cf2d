import type { AppJobCatalog } from '../../jobs/catalog.js';
import type { Principal } from '../../http/access.js';
import { AppError, notFound } from '../../http/errors.js';
import type { Queue } from '../../platform/queue/queue.js';
import type { FailedJobsRepo } from './failed-jobs.repo.js';

export function createJobsService(deps: {
  queue: Queue<AppJobCatalog>;
  failedJobs: FailedJobsRepo;
  catalog: AppJobCatalog;
}) {
  const { queue, failedJobs, catalog } = deps;
  return {
    async queues() {
      return { driver: queue.driver, queues: await queue.counts() };
    },

    listFailed(
      principal: Principal,
      query: { cursor?: string | undefined; limit: number; queue?: string | undefined },
    ) {
      return failedJobs.listFailed(principal.orgId, query);
    },

    /** Puts a dead letter back on its queue with fresh attempts. */
    async retry(principal: Principal, id: string) {
      const letter = await failedJobs.findFailed(principal.orgId, id);
      if (!letter) throw notFound('Failed job');
      if (!Object.hasOwn(catalog, letter.name)) {
        throw new AppError(
          'unprocessable',
          `Job type ${letter.name} no longer exists; discard it instead.`,
        );
      }
      const name = letter.name as keyof AppJobCatalog & string;
      const parsed = catalog[name].payload.safeParse(letter.payload);
      if (!parsed.success)
        throw new AppError('unprocessable', 'The stored payload is no longer valid for this job.');
      // Delete first: if the process dies in between, the job is lost only from the dead-letter
      // view, never run twice.
      if (!(await failedJobs.deleteFailed(principal.orgId, id))) throw notFound('Failed job');
      const job = await queue.enqueue(name, parsed.data, { orgId: principal.orgId });
      return { jobId: job.id };
    },

    async discard(principal: Principal, id: string) {
      if (!(await failedJobs.deleteFailed(principal.orgId, id))) throw notFound('Failed job');
    },
  };
}

export type JobsService = ReturnType<typeof createJobsService>;
