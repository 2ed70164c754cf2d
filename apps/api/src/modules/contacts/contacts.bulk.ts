import type { Principal } from '../../http/access.js';
import { AppError, notFound } from '../../http/errors.js';
import type { AppJobCatalog } from '../../jobs/catalog.js';
import type { Clock } from '../../platform/clock.js';
import type { JobPayload, Queue } from '../../platform/queue/queue.js';
import type { ListsRepo } from '../lists/lists.repo.js';
import type { ContactFilter, ContactsRepo } from './contacts.repo.js';
import type { BulkInput } from './contacts.schemas.js';
import type { SegmentConditions } from './contacts.service.js';

export const BULK_ACTIONS = [
  'add_tag',
  'remove_tag',
  'add_to_list',
  'remove_from_list',
  'unsubscribe',
  'delete',
] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

/** Contacts per statement when a job works through a segment or the whole organization. */
const BATCH_SIZE = 5000;

type BulkJob = JobPayload<AppJobCatalog, 'contacts.bulk'>;

export function createContactsBulk(deps: {
  repo: ContactsRepo;
  listsRepo: ListsRepo;
  segments: SegmentConditions;
  queue: Queue<AppJobCatalog>;
  clock: Clock;
}) {
  const { repo, listsRepo, segments, queue, clock } = deps;

  /**
   * One set-based statement over the contacts matching `filter`. Every action is idempotent,
   * so a retried job batch changes nothing twice.
   */
  async function apply(
    orgId: string,
    job: { action: BulkAction; tag?: string | undefined; listId?: string | undefined },
    filter: ContactFilter,
  ): Promise<number> {
    const now = clock.now();
    switch (job.action) {
      case 'add_tag':
        return repo.addTag(orgId, filter, job.tag!, now);
      case 'remove_tag':
        return repo.removeTag(orgId, filter, job.tag!, now);
      case 'add_to_list':
        return listsRepo.addContacts(orgId, job.listId!, filter, now);
      case 'remove_from_list':
        return listsRepo.removeContacts(orgId, job.listId!, filter);
      // Only subscribed contacts change: bounced, complained and blocked say more than unsubscribed.
      case 'unsubscribe':
        return repo.setStatus(
          orgId,
          { ...filter, status: 'subscribed' },
          'unsubscribed',
          'bulk',
          now,
        );
      case 'delete':
        return repo.deleteMatching(orgId, filter);
    }
  }

  return {
    /** Up to 1000 listed contacts change at once; a segment or everyone becomes a job. */
    async bulk(
      principal: Principal,
      input: BulkInput,
    ): Promise<{ affected: number } | { jobId: string }> {
      const orgId = principal.orgId;
      if (input.listId && !(await listsRepo.exists(orgId, input.listId))) throw notFound('List');
      if ('contactIds' in input.target) {
        const ids = [...new Set(input.target.contactIds)];
        return { affected: await apply(orgId, input, { ids }) };
      }
      const segmentId = 'segmentId' in input.target ? input.target.segmentId : undefined;
      // Resolve the segment now so an unknown one is a 404 here rather than a failed job.
      if (segmentId) await segments.whereForSegment(orgId, segmentId);
      const { id } = await queue.enqueue(
        'contacts.bulk',
        { orgId, action: input.action, tag: input.tag, listId: input.listId, segmentId },
        { orgId },
      );
      return { jobId: id };
    },

    /**
     * The `contacts.bulk` job: walks the audience in id order, one batch per statement, so a
     * million contacts never sit in one transaction and a retry resumes harmlessly.
     */
    async runBulkJob(job: BulkJob, signal?: AbortSignal): Promise<number> {
      let segment;
      try {
        segment = job.segmentId
          ? await segments.whereForSegment(job.orgId, job.segmentId)
          : undefined;
      } catch (error) {
        // Deleted since it was enqueued: nothing left to act on.
        if (error instanceof AppError && error.code === 'not_found') return 0;
        throw error;
      }
      let affected = 0;
      let idAfter: string | undefined;
      for (;;) {
        signal?.throwIfAborted();
        const idUpTo = await repo.batchBound(job.orgId, { segment, idAfter }, BATCH_SIZE);
        if (!idUpTo) return affected;
        affected += await apply(job.orgId, job, { segment, idAfter, idUpTo });
        idAfter = idUpTo;
      }
    },
  };
}
