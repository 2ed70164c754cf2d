import { createReadStream, createWriteStream, type ReadStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import type { AppJobCatalog } from '../../jobs/catalog.js';
import type { Principal } from '../../http/access.js';
import { AppError, notFound } from '../../http/errors.js';
import { decodeCursor, toPage } from '../../http/pagination.js';
import type { Clock } from '../../platform/clock.js';
import type { DomainEvents } from '../../platform/domain-events.js';
import type { Queue } from '../../platform/queue/queue.js';
import { mapColumns } from './csv/mapping.js';
import { inspectCsv, readCsv } from './csv/reader.js';
import type { CsvDelimiter } from './csv/sniff.js';
import type { CsvEncoding } from './csv/encoding.js';
import { chunkRows, convertRecord, type RejectedRow, type StagedRow } from './import.rows.js';
import type { ImportApplyRepo } from './imports.apply.repo.js';
import type { ImportStreamRepo } from './imports.stream.repo.js';
import type { ImportRow, ImportsRepo } from './imports.repo.js';

export const ImportOptionsSchema = z.strictObject({
  mode: z
    .enum(['upsert', 'create', 'update'])
    .default('upsert')
    .describe('upsert | create only | update only'),
  tags: z
    .array(z.string().trim().min(1).max(100))
    .max(50)
    .default([])
    .describe('Tags added to every imported contact'),
  listId: z.uuid().optional().describe('List every imported contact joins'),
  resubscribe: z
    .boolean()
    .default(false)
    .describe(
      'May a row marked subscribed re-subscribe an unsubscribed/bounced/complained contact? (Default: never)',
    ),
  mapping: z
    .record(z.string().max(200), z.string().max(100))
    .optional()
    .describe(
      'Header → field (email, firstName, …), attribute key, or "ignore"; overrides automatic mapping',
    ),
});
export type ImportOptions = z.infer<typeof ImportOptionsSchema>;

const SAMPLE_BYTES = 64 * 1024;
const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

async function readPrefix(stream: Readable, bytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).subarray(0, bytes);
}

export function createImportsService(deps: {
  repo: ImportsRepo;
  applier: ImportApplyRepo;
  streamer: ImportStreamRepo;
  clock: Clock;
  queue: Queue<AppJobCatalog>;
  uploadDir: string;
  /** Rows per chunk when applying while reading (PostgreSQL). */
  chunkRows: number;
  /** import.completed, told after the import's transaction commits. */
  domainEvents?: Pick<DomainEvents, 'emit'> | undefined;
}) {
  const { repo, applier, streamer, clock, queue, uploadDir, chunkRows: chunkSize } = deps;

  async function describe(
    firstBytes: Buffer,
    isComplete: boolean,
    orgId: string,
    explicit?: Record<string, string>,
    /** The preview shows a file without an email column (so the user can map one); imports refuse it. */
    requireEmail = true,
  ) {
    const preview = await inspectCsv(firstBytes, { isComplete });
    if (preview.header.length === 0)
      throw new AppError('unprocessable', 'The file has no header row.');
    const mapping = mapColumns(preview.header, await repo.fieldDefinitions(orgId), explicit);
    const hasEmail = mapping.columns.some(
      (c) => c.target.kind === 'field' && c.target.field === 'email',
    );
    if (!hasEmail && !requireEmail) {
      mapping.warnings.push(
        'No column holds email addresses. Map one to "email" before importing.',
      );
    } else if (!hasEmail) {
      throw new AppError('unprocessable', 'No column holds email addresses. Map one to "email".', {
        errors: [
          {
            path: 'mapping',
            message: `none of ${preview.header.slice(0, 20).join(', ')} maps to email`,
          },
        ],
      });
    }
    return { ...preview, ...mapping };
  }

  const present = (row: ImportRow) => ({
    id: row.id,
    status: row.status,
    fileName: row.fileName,
    fileSize: row.fileSize,
    encoding: row.encoding,
    delimiter: row.delimiter,
    mapping: row.mapping,
    options: row.options,
    percent:
      row.status === 'completed'
        ? 100
        : row.fileSize > 0
          ? Math.min(99, Math.floor((row.bytesProcessed / row.fileSize) * 100))
          : 0,
    rowsTotal: row.rowsTotal,
    rowsProcessed: row.rowsProcessed,
    inserted: row.inserted,
    updated: row.updated,
    skipped: row.skipped,
    failed: row.failed,
    duplicates: row.duplicates,
    error: row.error,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
  });

  return {
    present,

    /** Describes the start of a file: detected encoding, delimiter, mapping and first rows. */
    async preview(
      principal: Principal,
      prefix: Buffer,
      isComplete: boolean,
      mapping?: Record<string, string>,
    ) {
      if (prefix.length === 0) throw new AppError('unprocessable', 'The file is empty.');
      const d = await describe(prefix, isComplete, principal.orgId, mapping, false);
      return {
        encoding: d.encoding,
        delimiter: d.delimiter,
        header: d.header,
        rows: d.rows,
        columns: d.columns,
        warnings: d.warnings,
      };
    },

    /** Streams an upload to disk, never into memory. */
    async receive(stream: Readable, fileName: string, isTruncated: () => boolean) {
      const id = uuidv7();
      await mkdir(uploadDir, { recursive: true });
      const filePath = join(uploadDir, `${id}.csv`);
      const received = { id, filePath, fileName: fileName.slice(0, 255), size: 0 };
      try {
        await pipeline(stream, createWriteStream(filePath, { mode: 0o600 }));
        if (isTruncated()) throw new AppError('payload_too_large', 'The file is larger than 1 GB.');
        received.size = (await stat(filePath)).size;
        return received;
      } catch (error) {
        await rm(filePath, { force: true });
        throw error;
      }
    },

    async discard(received: { filePath: string }) {
      await rm(received.filePath, { force: true });
    },

    /** Checks a received file, records the import and queues it. */
    async create(
      principal: Principal,
      received: { id: string; filePath: string; fileName: string; size: number },
      options: ImportOptions,
      /** false when the caller runs the import itself (the CLI). (Default: true) */
      enqueue = true,
    ) {
      if (options.listId && !(await repo.hasList(principal.orgId, options.listId))) {
        throw new AppError('validation_failed', 'The list does not exist.', {
          errors: [{ path: 'options.listId', message: 'no such list' }],
        });
      }
      if (received.size === 0) throw new AppError('unprocessable', 'The file is empty.');
      const prefix = await readPrefix(
        createReadStream(received.filePath, { end: SAMPLE_BYTES - 1 }),
        SAMPLE_BYTES,
      );
      const d = await describe(
        prefix,
        received.size <= SAMPLE_BYTES,
        principal.orgId,
        options.mapping,
      );
      const row = await repo.insert({
        id: received.id,
        orgId: principal.orgId,
        fileName: received.fileName,
        filePath: received.filePath,
        fileSize: received.size,
        encoding: d.encoding,
        delimiter: d.delimiter,
        mapping: d.columns,
        options,
        createdBy: principal.userId,
      });
      if (enqueue)
        await queue.enqueue(
          'imports.run',
          { importId: row.id, orgId: principal.orgId },
          { jobId: `imports.run.${row.id}`, orgId: principal.orgId },
        );
      return { ...present(row), warnings: d.warnings };
    },

    async get(principal: Principal, id: string) {
      const row = await repo.find(principal.orgId, id);
      if (!row) throw notFound('Import');
      return present(row);
    },

    async list(principal: Principal, query: { cursor?: string | undefined; limit: number }) {
      const after = decodeCursor(query.cursor, 1);
      const rows = await repo.list(
        principal.orgId,
        query.limit + 1,
        after?.[0] as string | undefined,
      );
      const page = toPage(rows, query.limit, (r) => [r.id]);
      return { items: page.items.map(present), nextCursor: page.nextCursor };
    },

    async cancel(principal: Principal, id: string) {
      const row = await repo.find(principal.orgId, id);
      if (!row) throw notFound('Import');
      const ok = await repo.transition(id, ['pending', 'running'], {
        status: 'cancelled',
        finishedAt: clock.now(),
      });
      if (!ok) throw new AppError('conflict', `The import is already ${row.status}.`);
      await applier.dropStaging(id);
      await rm(row.filePath, { force: true });
      return present({ ...row, status: 'cancelled' });
    },

    /** Rejected rows as CSV lines (line, reason, raw), paged from the database as it streams. */
    async *errorsCsv(principal: Principal, id: string): AsyncGenerator<string> {
      const row = await repo.find(principal.orgId, id);
      if (!row) throw notFound('Import');
      const quote = (v: string) => `"${v.replace(/"/g, '""')}"`;
      yield 'line,reason,row\n';
      let after = 0;
      for (;;) {
        const page = await repo.errorsPage(id, after, 5000);
        if (page.length === 0) return;
        yield page.map((e) => `${e.line},${quote(e.reason)},${quote(e.raw)}\n`).join('');
        after = page[page.length - 1]!.line;
      }
    },

    /**
     * The job. Idempotent: a finished import is left alone; a crashed run starts over from the
     * file, and nothing reaches contacts until the one transaction that also marks it completed.
     */
    async run(importId: string, orgId: string, signal?: AbortSignal) {
      const row = await repo.find(orgId, importId);
      if (!row || TERMINAL.has(row.status)) return;
      const started = await repo.transition(importId, ['pending', 'running'], {
        status: 'running',
        startedAt: clock.now(),
        rowsProcessed: 0,
        failed: 0,
        bytesProcessed: 0,
        error: null,
      });
      if (!started) return;
      await repo.resetErrors(importId);
      const options = ImportOptionsSchema.parse(row.options);
      const fieldDefs = await repo.fieldDefinitions(orgId);
      const delimiter = (row.delimiter ?? ',') as CsvDelimiter;

      let bytesRead = 0;
      let source: ReadStream | undefined;
      // Opened when reading starts: a stream opened earlier reports a missing file as an
      // 'error' event nobody listens to yet, which would crash the process.
      async function* counted() {
        source = createReadStream(row!.filePath, { highWaterMark: 1024 * 1024 });
        for await (const chunk of source) {
          bytesRead += (chunk as Buffer).length;
          yield chunk as Buffer;
        }
      }
      let header: string[] | undefined;
      let columns: ReturnType<typeof mapColumns>['columns'] = [];
      let processed = 0;
      let failed = 0;
      let batches = 0;
      let cancelled = false;

      async function* stagedBatches(): AsyncGenerator<StagedRow[]> {
        for await (const batch of readCsv(counted(), {
          delimiter,
          encoding: (row!.encoding ?? undefined) as CsvEncoding | undefined,
        })) {
          const staged: StagedRow[] = [];
          const rejected: RejectedRow[] = [];
          for (const record of batch) {
            if (!header) {
              header = record.cells;
              columns = mapColumns(header, fieldDefs, options.mapping).columns;
              continue;
            }
            processed += 1;
            const result = convertRecord(record, columns, header.length, delimiter, options.tags);
            if ('reason' in result) rejected.push(result);
            else staged.push(result);
          }
          failed += rejected.length;
          await repo.recordErrors(importId, rejected);
          yield staged;
          batches += 1;
          if (batches % 10 === 0) {
            await repo.update(importId, {
              rowsProcessed: processed,
              failed,
              bytesProcessed: bytesRead,
            });
            // A cancel or shutdown stops the run between batches; nothing is applied.
            if (signal?.aborted) throw new Error('worker shutting down; the import will restart');
            if ((await repo.status(importId)) === 'cancelled') {
              cancelled = true;
              source?.destroy();
              return;
            }
          }
        }
      }

      const apply = {
        importId,
        orgId,
        mode: options.mode,
        listId: options.listId ?? null,
        resubscribe: options.resubscribe,
      };
      const finish = () => ({
        rowsTotal: processed,
        failed,
        bytesProcessed: row.fileSize,
        finishedAt: clock.now(),
      });
      if (streamer.isAvailable) {
        // Resolves null when a cancel won the race; the transaction then applied nothing.
        if (!(await streamer.applyChunks(apply, chunkRows(stagedBatches(), chunkSize), finish)))
          return;
      } else {
        await applier.resetStaging(importId);
        await applier.stageAll(importId, stagedBatches());
        if (cancelled || (await repo.status(importId)) === 'cancelled') {
          await applier.dropStaging(importId);
          return;
        }
        await applier.applyStaged(apply, finish());
      }
      await rm(row.filePath, { force: true });
      const done = deps.domainEvents ? await repo.find(orgId, importId) : null;
      if (done?.status === 'completed')
        await deps.domainEvents!.emit(orgId, 'import.completed', {
          importId,
          created: done.inserted,
          updated: done.updated,
          failed: done.failed,
        });
    },

    /** Called when the job has used up its attempts: the import ends visibly failed, not stuck. */
    async markFailed(importId: string, error: unknown) {
      await repo.transition(importId, ['pending', 'running'], {
        status: 'failed',
        error: error instanceof Error ? error.message.slice(0, 1000) : String(error).slice(0, 1000),
        finishedAt: clock.now(),
      });
      await applier.dropStaging(importId);
    },
  };
}

export type ImportsService = ReturnType<typeof createImportsService>;
