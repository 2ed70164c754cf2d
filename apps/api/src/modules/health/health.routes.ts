import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

export type ReadinessChecks = Record<string, () => Promise<void>>;

const CHECK_TIMEOUT_MS = 2_000;

function withTimeout(check: () => Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS);
    check().then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

const StatusSchema = z.object({
  status: z.enum(['ok', 'unavailable']),
  checks: z.record(
    z.string(),
    z.object({ status: z.enum(['ok', 'failed']), error: z.string().optional() }),
  ),
});

export const healthRoutes: FastifyPluginAsyncZod<{ checks: ReadinessChecks }> = async (
  app,
  { checks },
) => {
  app.get('/health/live', {
    schema: {
      tags: ['health'],
      summary: 'The process is up',
      response: { 200: z.object({ status: z.literal('ok') }) },
    },
    handler: async () => ({ status: 'ok' as const }),
  });

  app.get('/health/ready', {
    schema: {
      tags: ['health'],
      summary: 'Database, queue and Redis (when configured) answer',
      response: { 200: StatusSchema, 503: StatusSchema },
    },
    handler: async (_request, reply) => {
      const entries = await Promise.all(
        Object.entries(checks).map(async ([name, check]) => {
          try {
            await withTimeout(check);
            return [name, { status: 'ok' as const }] as const;
          } catch (error) {
            return [name, { status: 'failed' as const, error: (error as Error).message }] as const;
          }
        }),
      );
      const ok = entries.every(([, r]) => r.status === 'ok');
      return reply
        .code(ok ? 200 : 503)
        .send({ status: ok ? 'ok' : 'unavailable', checks: Object.fromEntries(entries) });
    },
  });
};
