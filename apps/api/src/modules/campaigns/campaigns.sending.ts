import type { AppJobCatalog } from '../../jobs/catalog.js';
import type { Clock } from '../../platform/clock.js';
import type { JobPayload, Queue } from '../../platform/queue/queue.js';
import type { CampaignsService } from './campaigns.service.js';
import type { SendPipeline } from './send/pipeline.js';

type LanePayload = JobPayload<AppJobCatalog, 'campaigns.send'>;

/**
 * Shorter holds (a sender's per-second limit) are ordinary throttled sending: showing them as
 * "waiting" would make the campaign page flicker and cost a campaign write every second.
 */
const VISIBLE_WAIT_MS = 5_000;

/**
 * Runs one lane of a campaign as a job and decides what happens next: nothing (stopped), the
 * same lane again later (a window, a limit, a retry coming due), or — when nothing is pending —
 * the campaign is marked sent.
 */
export function createCampaignSending(deps: {
  pipeline: SendPipeline;
  campaigns: Pick<CampaignsService, 'markWaiting'>;
  queue: Queue<AppJobCatalog>;
  clock: Clock;
  onFinished?: (event: { orgId: string; campaignId: string }) => void;
}) {
  const { pipeline, queue, clock } = deps;

  const again = (payload: LanePayload, at: Date) =>
    queue.enqueue(
      'campaigns.send',
      { ...payload, round: payload.round + 1 },
      {
        jobId: `campaigns.send:${payload.campaignId}:${payload.lane}:${payload.round + 1}`,
        delayMs: Math.max(0, at.getTime() - clock.now().getTime()),
        orgId: payload.orgId,
      },
    );

  return {
    async runLaneJob(payload: LanePayload, signal?: AbortSignal) {
      const result = await pipeline.runLane(payload.campaignId, signal);
      // Handed back on shutdown, so another worker carries on with this lane.
      if (signal?.aborted) throw new Error('worker shutting down; the lane will run again');
      if (result.state === 'stopped') return;
      if (result.state === 'wait') {
        if (result.until.getTime() - clock.now().getTime() >= VISIBLE_WAIT_MS) {
          await deps.campaigns.markWaiting(payload.campaignId, result.until, result.reason);
        }
        await again(payload, result.until);
        return;
      }
      const settled = await pipeline.settle(payload.campaignId);
      if (settled.isSent) {
        deps.onFinished?.({ orgId: payload.orgId, campaignId: payload.campaignId });
        return;
      }
      // Retries due later, or other lanes' leases: look again then (a dead worker's lease
      // expires and its messages are claimed again).
      if (settled.nextDue) await again(payload, settled.nextDue);
    },
  };
}

export type CampaignSending = ReturnType<typeof createCampaignSending>;
