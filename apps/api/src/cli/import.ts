import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Config } from '../config.js';
import { createOrganizationsRepo } from '../modules/organizations/organizations.repo.js';
import { ImportOptionsSchema } from '../modules/imports/imports.service.js';
import { systemClock } from '../platform/clock.js';
import { createMemoryRateLimiter } from '../platform/ratelimit/memory.js';
import { openRuntime } from '../server.js';
import { createServices } from '../services.js';

export interface ImportCommand {
  file: string;
  org: string;
  mode?: string | undefined;
  list?: string | undefined;
  tags?: string | undefined;
  resubscribe?: boolean | undefined;
}

function bar(percent: number, width = 30): string {
  const filled = Math.round((percent / 100) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

/**
 * `herald import contacts.csv --org <id|name>`: the same import the API runs, in this process,
 * with a progress bar. Returns the exit code.
 */
export async function runImportCommand(
  config: Config,
  cmd: ImportCommand,
  out: NodeJS.WriteStream = process.stderr,
): Promise<number> {
  const size = await stat(cmd.file).then(
    (s) => s.size,
    () => -1,
  );
  if (size < 0) {
    out.write(`herald import: cannot read ${cmd.file}\n`);
    return 1;
  }
  const options = ImportOptionsSchema.safeParse({
    ...(cmd.mode ? { mode: cmd.mode } : {}),
    ...(cmd.list ? { listId: cmd.list } : {}),
    ...(cmd.tags
      ? {
          tags: cmd.tags
            .split(',')
            .map((t) => t.trim())
            .filter(Boolean),
        }
      : {}),
    resubscribe: Boolean(cmd.resubscribe),
  });
  if (!options.success) {
    out.write(
      `herald import: ${options.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}\n`,
    );
    return 1;
  }
  const runtime = await openRuntime(config);
  try {
    const orgs = await createOrganizationsRepo(runtime.database.db).findByIdOrName(cmd.org);
    if (orgs.length !== 1) {
      out.write(
        `herald import: ${orgs.length === 0 ? 'no organization matches' : 'several organizations match'} "${cmd.org}"; pass its id\n`,
      );
      return 1;
    }
    const org = orgs[0]!;
    const services = createServices({
      ...runtime,
      rateLimiter: createMemoryRateLimiter(systemClock),
      clock: systemClock,
    });
    const principal = {
      kind: 'user' as const,
      orgId: org.id,
      role: 'owner' as const,
      userId: null,
      apiKeyId: null,
    };
    const received = await services.imports.receive(
      createReadStream(cmd.file),
      basename(cmd.file),
      () => false,
    );
    const created = await services.imports.create(principal, received, options.data, false);
    for (const warning of created.warnings) out.write(`warning: ${warning}\n`);
    out.write(
      `Importing ${basename(cmd.file)} (${created.encoding}, "${created.delimiter === '\t' ? '\\t' : created.delimiter}") into ${org.name}\n`,
    );

    const started = Date.now();
    const render = async () => {
      const view = await services.imports.get(principal, created.id);
      const rate = Math.round(view.rowsProcessed / Math.max(0.001, (Date.now() - started) / 1000));
      const line = `${bar(view.percent)} ${String(view.percent).padStart(3)}%  ${view.rowsProcessed.toLocaleString('en')} rows  ${rate.toLocaleString('en')} rows/s`;
      out.write(out.isTTY ? `\r${line}` : `${line}\n`);
      return view;
    };
    const timer = setInterval(() => void render().catch(() => undefined), out.isTTY ? 200 : 2000);
    try {
      await services.imports.run(created.id, org.id);
    } catch (error) {
      await services.imports.markFailed(created.id, error);
      throw error;
    } finally {
      clearInterval(timer);
    }
    const view = await render();
    out.write(
      `\n${view.status}: ${view.inserted} inserted, ${view.updated} updated, ${view.skipped} skipped, ` +
        `${view.duplicates} duplicates merged, ${view.failed} rejected in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
    if (view.failed > 0) out.write(`Rejected rows: GET /api/v1/imports/${view.id}/errors\n`);
    return view.status === 'completed' ? 0 : 1;
  } finally {
    await runtime.queue.close();
    await runtime.tracing.shutdown();
    await runtime.database.close();
  }
}
