import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { DomainEventMap, DomainEvents } from './domain-events.js';
import type { SmtpResult } from './mail/smtp-client.js';
import type { JobOutcome, QueueCounts } from './queue/queue.js';

/**
 * One registry per process (never prom-client's global one), so tests can build many apps in
 * one process without metric-name clashes.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by route',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const jobsTotal = new Counter({
    name: 'herald_jobs_total',
    help: 'Job tries by queue, job name and outcome (completed | retrying | failed)',
    labelNames: ['queue', 'name', 'state'] as const,
    registers: [registry],
  });
  const jobDuration = new Histogram({
    name: 'herald_job_duration_seconds',
    help: 'Job run time by queue and job name',
    labelNames: ['queue', 'name'] as const,
    buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
    registers: [registry],
  });

  // Sender ids, not names: a label must not change when someone renames a sender.
  const messagesTotal = new Counter({
    name: 'herald_messages_total',
    help: 'Campaign and flow messages handed to a sender, by sender and outcome (sent | retry | failed)',
    labelNames: ['sender_id', 'outcome'] as const,
    registers: [registry],
  });
  const trackingHits = new Counter({
    name: 'herald_tracking_hits_total',
    help: 'Recorded opens, clicks and unsubscribes; machine="true" for privacy proxies and link scanners',
    labelNames: ['type', 'machine'] as const,
    registers: [registry],
  });
  const eventsIngested = new Counter({
    name: 'herald_events_ingested_total',
    help: 'Contact events stored from the event API (retries of a messageId count once)',
    registers: [registry],
  });

  const watchedEmitters = new WeakSet<DomainEvents>();

  let queueCounts: (() => Promise<QueueCounts[]>) | undefined;
  new Gauge({
    name: 'herald_queue_jobs',
    help: 'Jobs per queue and state, read at scrape time',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      if (!queueCounts) return;
      this.reset();
      try {
        for (const c of await queueCounts()) {
          for (const state of ['waiting', 'delayed', 'active', 'completed', 'failed'] as const) {
            this.set({ queue: c.queue, state }, c[state]);
          }
        }
      } catch {
        // A scrape during a database outage should still return the other metrics.
      }
    },
  });

  return {
    registry,
    httpDuration,
    recordJob(outcome: JobOutcome) {
      jobsTotal.inc({ queue: outcome.queue, name: outcome.name, state: outcome.state });
      jobDuration.observe({ queue: outcome.queue, name: outcome.name }, outcome.durationMs / 1000);
    },
    watchQueue(counts: () => Promise<QueueCounts[]>) {
      queueCounts = counts;
    },
    /** One sender's results for a batch (the send pipeline). */
    recordSends(senderId: string, results: readonly SmtpResult[]) {
      const counts = new Map<string, number>();
      for (const r of results) counts.set(r.outcome, (counts.get(r.outcome) ?? 0) + 1);
      for (const [outcome, n] of counts) messagesTotal.inc({ sender_id: senderId, outcome }, n);
    },
    /** A tracking hit after its group commit: counted only once it cannot be lost. */
    recordTrackingHit(hit: { type: string; isMachine: boolean }) {
      trackingHits.inc({ type: hit.type, machine: String(hit.isMachine) });
    },
    /**
     * Counts what other modules announce as domain events. An emitter shared by the API and the
     * worker of one process is listened to once, so nothing is counted twice.
     */
    watchDomainEvents(events: DomainEvents) {
      if (watchedEmitters.has(events)) return;
      watchedEmitters.add(events);
      events.listen((_orgId, type, data) => {
        if (type === 'event.tracked')
          eventsIngested.inc((data as DomainEventMap['event.tracked']).events.length);
      });
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
