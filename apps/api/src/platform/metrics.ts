import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
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
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
