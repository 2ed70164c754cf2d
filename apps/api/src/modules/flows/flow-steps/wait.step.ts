import { durationMs, type NodeOf, type WaitConfig } from '../flow.definition.js';
import { addDays, attributeDate, nextTimeOfDay, timezoneFor, zonedTime } from '../flow-time.js';
import type { StepPerformer } from './step.js';

/** When a wait that starts at `from` ends for this contact; `passed` when it needs no waiting. */
export function waitEnd(
  config: WaitConfig,
  contact: { timezone: string | null; attributes: Record<string, unknown> },
  from: Date,
): { until: Date; note?: string } {
  switch (config.mode) {
    case 'duration':
      return { until: new Date(from.getTime() + durationMs(config.duration)) };
    case 'time_of_day': {
      const timezone = timezoneFor(contact.timezone, config.timezone);
      return { until: nextTimeOfDay(from, config.at, timezone, config.days), note: timezone };
    }
    case 'date_attribute': {
      const date = attributeDate(contact.attributes[config.attribute]);
      if (!date) return { until: from, note: `the contact has no ${config.attribute} date` };
      const timezone = timezoneFor(contact.timezone, config.timezone);
      const day = addDays(
        date,
        config.direction === 'before' ? -config.offsetDays : config.offsetDays,
      );
      const until = zonedTime(day, config.at, timezone);
      return until <= from ? { until: from, note: `${day} ${config.at} has passed` } : { until };
    }
  }
}

/** A step that is woken keeps the end it computed first (stored on its row). */
function storedUntil(detail: Record<string, unknown>): Date | null {
  return typeof detail.until === 'string' ? new Date(detail.until) : null;
}

export const performWait: StepPerformer<NodeOf<'wait'>> = async (ctx) => {
  const { now } = ctx;
  const stored = ctx.step.status === 'waiting' ? storedUntil(ctx.step.detail) : null;
  const end = stored ? { until: stored } : waitEnd(ctx.node.config, ctx.contact, now);
  const detail = {
    until: end.until.toISOString(),
    ...('note' in end && end.note ? { note: end.note } : {}),
  };
  if (end.until <= now) return { kind: 'next', handle: null, detail };
  return { kind: 'wait', until: end.until, detail };
};

/**
 * Waits for the event until the timeout. The event itself resumes the run through the events
 * listener (flow-engine resumeOnEvent); this performer only runs for the timer.
 */
export const performWaitForEvent: StepPerformer<NodeOf<'wait_for_event'>> = async (ctx) => {
  const { now, node } = ctx;
  const stored = ctx.step.status === 'waiting' ? storedUntil(ctx.step.detail) : null;
  const until = stored ?? new Date(now.getTime() + durationMs(node.config.timeout));
  const detail = { until: until.toISOString(), event: node.config.name };
  if (until <= now) return { kind: 'next', handle: 'timeout', outcome: 'timeout', detail };
  return {
    kind: 'wait',
    until,
    detail,
    waitingFor: {
      name: node.config.name,
      propertyFilter: node.config.propertyFilter,
      stepId: node.id,
      visit: ctx.visit,
    },
  };
};

export const performExit: StepPerformer<NodeOf<'exit'>> = async () => ({
  kind: 'end',
  status: 'completed',
  outcome: 'exit',
});
