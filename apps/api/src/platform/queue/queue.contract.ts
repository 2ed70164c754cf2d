import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { FailedJobsRepo } from '../../modules/jobs/failed-jobs.repo.js';
import {
  CRASH_JOB_COUNT,
  crashCatalog,
  type CrashSpec,
  type CrashWorkerConfig,
  type CrashWorkerEvent,
} from './queue.kill-worker.fixture.js';
import type { JobCatalog, JobContext, JobOutcome, Queue, QueueCounts } from './queue.js';

/** One driver's store (database or Redis) as the contract sees it. */
export interface QueueContractStore {
  /** A new queue instance over the shared store, as another process would open it. */
  open<C extends JobCatalog>(catalog: C): Queue<C>;
  failedJobs: FailedJobsRepo;
  close(): Promise<void>;
}

/** A worker elsewhere, already working on `spec.queue`, that dies when told to. */
export interface DoomedWorker {
  /** Resolves once the worker is inside the handlers of every job in `crashCatalog`. */
  started: Promise<void>;
  /** Dies without handing the job back. */
  kill(): Promise<void>;
  /** Frees whatever is left, whether or not the test passed. */
  dispose(): Promise<void>;
}

export interface QueueContractOptions<S extends QueueContractStore> {
  setup(): Promise<S>;
  /** Ways a worker can die mid-job; each one gets its own test. */
  crashes: Record<string, (store: S, spec: CrashSpec) => Promise<DoomedWorker>>;
}

const WAIT = { timeout: 10_000, interval: 10 };
const backoff = { delayMs: 10 };

const unique = (label: string) => `${label}-${randomBytes(4).toString('hex')}`;

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms: ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

const FIXTURE = fileURLToPath(new URL('./queue.kill-worker.fixture.ts', import.meta.url));

/** Starts the fixture worker in its own process; `kill()` is a SIGKILL. */
export async function spawnDoomedWorker(config: CrashWorkerConfig): Promise<DoomedWorker> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, JSON.stringify(config)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const died = exited.then(() => {
    throw new Error(`The worker process exited early: ${stderr}`);
  });
  died.catch(() => undefined);

  const events = createInterface({ input: child.stdout });
  const seen = (event: CrashWorkerEvent['event'], times: number) =>
    new Promise<void>((resolve) => {
      let count = 0;
      events.on('line', (line) => {
        if ((JSON.parse(line) as CrashWorkerEvent).event === event && ++count === times) resolve();
      });
    });
  const ready = seen('ready', 1);
  const started = Promise.race([seen('started', CRASH_JOB_COUNT), died]);
  started.catch(() => undefined);

  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  try {
    await within(Promise.race([ready, died]), 20_000, 'the worker process to start');
  } catch (error) {
    await kill();
    throw error;
  }
  return { started, kill, dispose: kill };
}

/**
 * What every queue driver promises. Each test uses its own queue names, so drivers can share
 * one database or Redis across tests and runs.
 */
export function queueContract<S extends QueueContractStore>(
  driverName: string,
  options: QueueContractOptions<S>,
) {
  describe(`queue contract: ${driverName}`, () => {
    let store: S;
    const opened: Queue<JobCatalog>[] = [];
    const open = <C extends JobCatalog>(catalog: C): Queue<C> => {
      const queue = store.open(catalog);
      opened.push(queue as unknown as Queue<JobCatalog>);
      return queue;
    };
    const countsOf = async (queue: Queue<JobCatalog>, name: string): Promise<QueueCounts> => {
      const found = (await queue.counts()).find((c) => c.queue === name);
      if (!found) throw new Error(`No counts for queue ${name}`);
      return found;
    };

    beforeAll(async () => {
      store = await options.setup();
    });
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((queue) => queue.close()));
    });
    afterAll(async () => {
      await store.close();
    });

    it('runs an enqueued job once, with its payload, id, organization and attempt 1', async () => {
      const q = unique('now');
      const catalog = {
        'greeting.send': {
          queue: q,
          payload: z.object({ contactId: z.string(), n: z.number() }),
          attempts: 3,
          backoff,
        },
      };
      const queue = open(catalog);
      const orgId = uuidv7();
      const seen: unknown[] = [];
      await queue.startWorker({
        'greeting.send': async (payload, { signal, ...ctx }) => {
          seen.push({ payload, ...ctx, aborted: signal.aborted });
        },
      });
      const { id, deduplicated } = await queue.enqueue(
        'greeting.send',
        { contactId: 'c_1', n: 42 },
        { orgId },
      );
      expect(deduplicated).toBe(false);
      await vi.waitFor(() => expect(seen).toHaveLength(1), WAIT);
      expect(seen[0]).toEqual({
        payload: { contactId: 'c_1', n: 42 },
        id,
        name: 'greeting.send',
        attempt: 1,
        orgId,
        aborted: false,
      });
      await vi.waitFor(
        async () => expect(await countsOf(queue, q)).toMatchObject({ active: 0, completed: 1 }),
        WAIT,
      );
      await sleep(100);
      expect(seen).toHaveLength(1);
    });

    it('holds a delayed job until its delay has passed, then runs it', async () => {
      const q = unique('delayed');
      const catalog = {
        'reminder.send': { queue: q, payload: z.object({}), attempts: 1, backoff },
      };
      const queue = open(catalog);
      const ranAt: number[] = [];
      await queue.startWorker({
        'reminder.send': async () => {
          ranAt.push(Date.now());
        },
      });
      const enqueuedAt = Date.now();
      await queue.enqueue('reminder.send', {}, { delayMs: 600 });
      expect(await countsOf(queue, q)).toMatchObject({ waiting: 0, delayed: 1 });
      await sleep(350);
      expect(ranAt).toEqual([]);
      await vi.waitFor(() => expect(ranAt).toHaveLength(1), WAIT);
      // A few ms of slack for timer granularity between the store's clock and ours.
      expect(ranAt[0]! - enqueuedAt).toBeGreaterThanOrEqual(595);
    });

    it('adds a job once per jobId, says when it deduplicated, and keeps deduplicating after it completed', async () => {
      const q = unique('dedup');
      const catalog = {
        'digest.build': { queue: q, payload: z.object({ n: z.number() }), attempts: 1, backoff },
      };
      const queue = open(catalog);
      // ':' is what real keys look like (`maintenance.purge:<hour>`); some stores reserve it.
      const first = await queue.enqueue('digest.build', { n: 1 }, { jobId: 'digest:2024-06-01' });
      const again = await queue.enqueue('digest.build', { n: 2 }, { jobId: 'digest:2024-06-01' });
      expect(first.deduplicated).toBe(false);
      expect(again).toEqual({ id: first.id, deduplicated: true });
      const burst = await Promise.all(
        [10, 11, 12, 13, 14].map((n) =>
          open(catalog).enqueue('digest.build', { n }, { jobId: 'digest:burst' }),
        ),
      );
      expect(burst.filter((r) => !r.deduplicated)).toHaveLength(1);
      expect(new Set(burst.map((r) => r.id)).size).toBe(1);
      expect(burst[0]!.id).not.toBe(first.id);

      const ran: number[] = [];
      await queue.startWorker({
        'digest.build': async ({ n }) => {
          ran.push(n);
        },
      });
      await vi.waitFor(() => expect(ran).toHaveLength(2), WAIT);
      expect(ran).toContain(1);
      expect(ran.filter((n) => n >= 10)).toHaveLength(1);
      await vi.waitFor(
        async () => expect(await countsOf(queue, q)).toMatchObject({ active: 0, completed: 2 }),
        WAIT,
      );
      const late = await queue.enqueue('digest.build', { n: 3 }, { jobId: 'digest:2024-06-01' });
      expect(late).toEqual({ id: first.id, deduplicated: true });
      await sleep(150);
      expect(ran).toHaveLength(2);
    });

    it('retries a failing job with exponential backoff, then keeps it as a dead letter for its organization only', async () => {
      const q = unique('retry');
      const catalog = {
        'webhook.deliver': {
          queue: q,
          payload: z.object({ endpointId: z.string() }),
          attempts: 3,
          backoff: { delayMs: 150 },
        },
        'webhook.flaky': { queue: q, payload: z.object({}), attempts: 3, backoff },
      };
      const queue = open(catalog);
      const orgId = uuidv7();
      const tries: { attempt: number; at: number }[] = [];
      const outcomes: JobOutcome[] = [];
      let flakySucceededOn = 0;
      await queue.startWorker(
        {
          'webhook.deliver': async (_payload, ctx) => {
            tries.push({ attempt: ctx.attempt, at: Date.now() });
            throw new Error(`endpoint answered 503 (try ${ctx.attempt})`);
          },
          'webhook.flaky': async (_payload, ctx) => {
            if (ctx.attempt === 1) throw new Error('connection reset');
            flakySucceededOn = ctx.attempt;
          },
        },
        { onOutcome: (outcome) => outcomes.push(outcome) },
      );
      await queue.enqueue('webhook.deliver', { endpointId: 'ep_1' }, { orgId });
      await queue.enqueue('webhook.flaky', {}, { orgId });

      const letters = await vi.waitFor(async () => {
        const page = await store.failedJobs.listFailed(orgId, { limit: 10, queue: q });
        expect(page.items).toHaveLength(1);
        return page.items;
      }, WAIT);
      expect(tries.map((t) => t.attempt)).toEqual([1, 2, 3]);
      const [gap1, gap2] = [tries[1]!.at - tries[0]!.at, tries[2]!.at - tries[1]!.at];
      expect(gap1).toBeGreaterThanOrEqual(145);
      expect(gap2).toBeGreaterThanOrEqual(295);
      expect(gap2).toBeGreaterThan(gap1);

      const letter = letters[0]!;
      expect(letter).toMatchObject({
        queue: q,
        name: 'webhook.deliver',
        payload: { endpointId: 'ep_1' },
        attempts: 3,
      });
      expect(letter.error).toContain('endpoint answered 503 (try 3)');
      await vi.waitFor(() => {
        expect(outcomes.filter((o) => o.name === 'webhook.deliver').map((o) => o.state)).toEqual([
          'retrying',
          'retrying',
          'failed',
        ]);
        expect(flakySucceededOn).toBe(2);
      }, WAIT);
      expect(outcomes.filter((o) => o.name === 'webhook.flaky').map((o) => o.state)).toEqual([
        'retrying',
        'completed',
      ]);
      await vi.waitFor(
        async () =>
          expect(await countsOf(queue, q)).toEqual({
            queue: q,
            waiting: 0,
            delayed: 0,
            active: 0,
            completed: 1,
            failed: 1,
          }),
        WAIT,
      );

      const stranger = uuidv7();
      expect((await store.failedJobs.listFailed(stranger, { limit: 10 })).items).toEqual([]);
      expect(await store.failedJobs.findFailed(stranger, letter.id)).toBeNull();
      expect(await store.failedJobs.deleteFailed(stranger, letter.id)).toBe(false);
      expect(await store.failedJobs.findFailed(orgId, letter.id)).toMatchObject({ attempts: 3 });
    });

    it('rejects an invalid payload at enqueue and adds nothing', async () => {
      const q = unique('invalid');
      const catalog = {
        'contact.sync': {
          queue: q,
          payload: z.object({ contactId: z.string() }),
          attempts: 1,
          backoff,
        },
      };
      const queue = open(catalog);
      await expect(queue.enqueue('contact.sync', { contactId: 42 } as never)).rejects.toThrow(
        /contactId/,
      );
      await expect(queue.enqueue('contact.unknown' as never, {} as never)).rejects.toThrow(
        /Unknown job/,
      );
      expect(await countsOf(queue, q)).toEqual({
        queue: q,
        waiting: 0,
        delayed: 0,
        active: 0,
        completed: 0,
        failed: 0,
      });
    });

    it('sends a stored payload that no longer fits the schema to failed jobs without running it', async () => {
      const q = unique('reshaped');
      const strict = {
        'contact.sync': {
          queue: q,
          payload: z.object({ contactId: z.string() }),
          attempts: 3,
          backoff,
        },
      };
      // An older release enqueued this job under a looser schema.
      const older = {
        'contact.sync': {
          ...strict['contact.sync'],
          payload: z.object({ contactId: z.unknown() }),
        },
      };
      const orgId = uuidv7();
      await open(older).enqueue('contact.sync', { contactId: 42 }, { orgId });
      const queue = open(strict);
      let ran = false;
      await queue.startWorker({
        'contact.sync': async () => {
          ran = true;
        },
      });
      const letters = await vi.waitFor(async () => {
        const page = await store.failedJobs.listFailed(orgId, { limit: 10 });
        expect(page.items).toHaveLength(1);
        return page.items;
      }, WAIT);
      expect(letters[0]).toMatchObject({
        queue: q,
        name: 'contact.sync',
        payload: { contactId: 42 },
        attempts: 1,
      });
      expect(letters[0]!.error).toMatch(/invalid payload/i);
      expect(ran).toBe(false);
    });

    it('refuses to start a worker when a job in the catalog has no handler', async () => {
      const q = unique('handlers');
      const catalog = {
        'list.import': { queue: q, payload: z.object({}), attempts: 1, backoff },
        'list.export': { queue: q, payload: z.object({}), attempts: 1, backoff },
      };
      const queue = open(catalog);
      await expect(
        queue.startWorker({ 'list.import': async () => undefined } as never),
      ).rejects.toThrow('No handler for job(s): list.export');
      await queue.enqueue('list.import', {});
      await sleep(150);
      expect(await countsOf(queue, q)).toMatchObject({ waiting: 1, active: 0, completed: 0 });
    });

    it('runs at most the configured number of jobs at once, per queue', async () => {
      const wide = unique('wide');
      const narrow = unique('narrow');
      const catalog = {
        'image.resize': { queue: wide, payload: z.object({ n: z.number() }), attempts: 1, backoff },
        'invoice.render': {
          queue: narrow,
          payload: z.object({ n: z.number() }),
          attempts: 1,
          backoff,
        },
      };
      const queue = open(catalog);
      const gauge = (() => {
        const now = new Map<string, number>();
        const max = new Map<string, number>();
        return {
          max,
          async hold(queueName: string) {
            now.set(queueName, (now.get(queueName) ?? 0) + 1);
            max.set(queueName, Math.max(max.get(queueName) ?? 0, now.get(queueName)!));
            await sleep(60);
            now.set(queueName, now.get(queueName)! - 1);
          },
        };
      })();
      let done = 0;
      for (let n = 0; n < 9; n++) {
        await queue.enqueue('image.resize', { n });
        await queue.enqueue('invoice.render', { n });
      }
      await queue.startWorker(
        {
          'image.resize': async () => {
            await gauge.hold(wide);
            done++;
          },
          'invoice.render': async () => {
            await gauge.hold(narrow);
            done++;
          },
        },
        { concurrency: { [wide]: 3 }, defaultConcurrency: 1 },
      );
      await vi.waitFor(() => expect(done).toBe(18), WAIT);
      expect(gauge.max.get(wide)).toBe(3);
      expect(gauge.max.get(narrow)).toBe(1);
    });

    for (const [how, crash] of Object.entries(options.crashes)) {
      it(`runs a job again when its worker dies in the middle of it, and buries one that was on its last try (${how})`, async () => {
        const spec: CrashSpec = { queue: unique('crash') };
        const catalog = crashCatalog(spec);
        const doomed = await crash(store, spec);
        try {
          const queue = open(catalog);
          const orgId = uuidv7();
          const send = await queue.enqueue('campaign.send', { n: 7 }, { orgId });
          await queue.enqueue('campaign.finish', { n: 8 }, { orgId });
          await within(doomed.started, 10_000, 'the doomed worker to take the jobs');
          await doomed.kill();
          const runs: unknown[] = [];
          const record = async (payload: { n: number }, ctx: JobContext) => {
            runs.push({ name: ctx.name, n: payload.n, id: ctx.id, attempt: ctx.attempt });
          };
          await queue.startWorker({ 'campaign.send': record, 'campaign.finish': record });
          await vi.waitFor(() => expect(runs).toHaveLength(1), WAIT);
          // The try that died counts, so a job that keeps killing workers ends up a dead letter.
          expect(runs[0]).toEqual({ name: 'campaign.send', n: 7, id: send.id, attempt: 2 });
          const letters = await vi.waitFor(async () => {
            const page = await store.failedJobs.listFailed(orgId, { limit: 10 });
            expect(page.items).toHaveLength(1);
            return page.items;
          }, WAIT);
          expect(letters[0]).toMatchObject({
            name: 'campaign.finish',
            payload: { n: 8 },
            attempts: 2,
          });
          expect(letters[0]!.error).toMatch(/stopped without finishing/);
          await vi.waitFor(
            async () =>
              expect(await countsOf(queue, spec.queue)).toMatchObject({
                waiting: 0,
                active: 0,
                completed: 1,
                failed: 1,
              }),
            WAIT,
          );
          await sleep(100);
          expect(runs).toHaveLength(1);
        } finally {
          await doomed.dispose();
        }
      });
    }

    it('keeps a job that runs longer than its lease to the worker running it', async () => {
      const q = unique('long');
      const catalog = {
        'export.build': { queue: q, payload: z.object({}), attempts: 3, backoff },
      };
      const runs: number[] = [];
      const handler = async (_payload: unknown, ctx: JobContext) => {
        runs.push(ctx.attempt);
        await sleep(1_500);
      };
      const busy = open(catalog);
      await busy.startWorker({ 'export.build': handler });
      await busy.enqueue('export.build', {});
      await vi.waitFor(() => expect(runs).toHaveLength(1), WAIT);
      // A second worker keeps polling and checking for stalled jobs the whole time.
      const idle = open(catalog);
      await idle.startWorker({ 'export.build': handler });
      await vi.waitFor(
        async () => expect(await countsOf(busy, q)).toMatchObject({ active: 0, completed: 1 }),
        WAIT,
      );
      expect(runs).toEqual([1]);
    });

    it('loses nothing on shutdown: unfinished jobs go back to the queue and another worker runs them', async () => {
      const q = unique('shutdown');
      const catalog = {
        // One attempt: a handed-back job that counted as a failed try would become a dead letter.
        'segment.refresh': { queue: q, payload: z.object({ n: z.number() }), attempts: 1, backoff },
      };
      const total = 16;
      const first = open(catalog);
      for (let n = 0; n < total; n++) await first.enqueue('segment.refresh', { n });

      const finishedByFirst = new Set<number>();
      let startedByFirst = 0;
      let letGo!: () => void;
      const stubbornUntil = new Promise<void>((resolve) => (letGo = resolve));
      try {
        await first.startWorker(
          {
            'segment.refresh': async ({ n }, ctx) => {
              startedByFirst++;
              if (n % 2 === 0) {
                // A well-behaved handler: stops when asked.
                await sleep(40, undefined, { signal: ctx.signal });
              } else {
                // A stubborn one: ignores the signal and outlives the shutdown deadline.
                await stubbornUntil;
              }
              if (!ctx.signal.aborted) finishedByFirst.add(n);
            },
          },
          { defaultConcurrency: 4 },
        );
        await vi.waitFor(() => {
          expect(startedByFirst).toBeGreaterThanOrEqual(4);
          expect(finishedByFirst.size).toBeGreaterThanOrEqual(1);
        }, WAIT);
        const stopping = Date.now();
        await first.stopWorker(150);
        expect(Date.now() - stopping).toBeLessThan(5_000);
        expect(startedByFirst).toBeLessThan(total);

        const second = open(catalog);
        const finishedBySecond = new Set<number>();
        await second.startWorker({
          'segment.refresh': async ({ n }) => {
            finishedBySecond.add(n);
          },
        });
        await vi.waitFor(
          () => expect(new Set([...finishedByFirst, ...finishedBySecond]).size).toBe(total),
          WAIT,
        );
        await vi.waitFor(
          async () =>
            expect(await countsOf(second, q)).toMatchObject({
              waiting: 0,
              delayed: 0,
              active: 0,
              failed: 0,
            }),
          WAIT,
        );
      } finally {
        letGo();
      }
    });

    it('counts waiting, delayed, active, completed and failed jobs per queue', async () => {
      const q = unique('counts');
      const idle = unique('idle');
      const catalog = {
        'report.build': { queue: q, payload: z.object({}), attempts: 1, backoff },
        'report.break': { queue: q, payload: z.object({}), attempts: 1, backoff },
        'audit.write': { queue: idle, payload: z.object({}), attempts: 1, backoff },
      };
      const queue = open(catalog);
      await queue.startWorker({
        'report.build': async () => undefined,
        'report.break': async () => {
          throw new Error('template missing');
        },
        'audit.write': async () => undefined,
      });
      await queue.enqueue('report.build', {});
      await queue.enqueue('report.break', {}, { orgId: uuidv7() });
      await vi.waitFor(
        async () =>
          expect(await countsOf(queue, q)).toMatchObject({ active: 0, completed: 1, failed: 1 }),
        WAIT,
      );
      await queue.stopWorker();

      await queue.enqueue('report.build', {});
      await queue.enqueue('report.build', {});
      await queue.enqueue('report.build', {}, { delayMs: 60_000 });
      const counts = await queue.counts();
      expect(counts).toHaveLength(2);
      expect(counts).toEqual(
        expect.arrayContaining([
          { queue: q, waiting: 2, delayed: 1, active: 0, completed: 1, failed: 1 },
          { queue: idle, waiting: 0, delayed: 0, active: 0, completed: 0, failed: 0 },
        ]),
      );
    });
  });
}
