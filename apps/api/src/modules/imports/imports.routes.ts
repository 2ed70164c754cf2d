import fastifyMultipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Readable } from 'node:stream';
import { z } from 'zod';
import { principalOf } from '../../http/access.js';
import { AppError } from '../../http/errors.js';
import { PageQuerySchema, pageSchema } from '../../http/pagination.js';
import { ImportOptionsSchema, type ImportsService } from './imports.service.js';

const MAX_FILE_BYTES = 1024 ** 3;
const PREVIEW_BYTES = 64 * 1024;

const ColumnSchema = z.object({
  header: z.string(),
  index: z.number().int(),
  target: z.object({
    kind: z.enum(['field', 'attribute', 'ignore']),
    field: z.string().optional(),
    key: z.string().optional(),
    type: z.string().optional(),
  }),
});

const ImportSchema = z.object({
  id: z.uuid(),
  status: z.enum(['pending', 'running', 'completed', 'failed', 'cancelled']),
  fileName: z.string(),
  fileSize: z.number().int(),
  encoding: z.string().nullable(),
  delimiter: z.string().nullable(),
  mapping: z.unknown(),
  options: z.unknown(),
  percent: z.number().int().min(0).max(100),
  rowsTotal: z.number().int().nullable(),
  rowsProcessed: z.number().int(),
  inserted: z.number().int(),
  updated: z.number().int(),
  skipped: z.number().int(),
  failed: z.number().int(),
  duplicates: z.number().int(),
  error: z.string().nullable(),
  createdAt: z.date(),
  startedAt: z.date().nullable(),
  finishedAt: z.date().nullable(),
});

const IdParams = z.strictObject({ id: z.uuid() });

const MULTIPART_DOC =
  'multipart/form-data with a `file` part (CSV, up to 1 GB; UTF-8 with or without BOM, UTF-16, Windows-1252; delimiter , ; tab or | sniffed) and an optional `options` part holding JSON.';

function parseOptionsField(value: string | undefined) {
  let json: unknown = {};
  if (value !== undefined && value.trim() !== '') {
    try {
      json = JSON.parse(value);
    } catch {
      throw new AppError('validation_failed', 'The options part is not valid JSON.', {
        errors: [{ path: 'options', message: 'invalid JSON' }],
      });
    }
  }
  const parsed = ImportOptionsSchema.safeParse(json);
  if (!parsed.success) {
    throw new AppError('validation_failed', 'The import options are invalid.', {
      errors: parsed.error.issues.map((i) => ({
        path: ['options', ...i.path].join('.'),
        message: i.message,
      })),
    });
  }
  return parsed.data;
}

/**
 * Walks the multipart parts: fields are collected, the `file` part is handed to `onFile` as a
 * stream, which must consume it before the next part can arrive. Returns the fields.
 */
async function readMultipart(
  request: FastifyRequest,
  onFile: (stream: Readable, fileName: string, isTruncated: () => boolean) => Promise<void>,
): Promise<Record<string, string>> {
  if (!request.isMultipart()) throw new AppError('unsupported_media_type', `Send ${MULTIPART_DOC}`);
  const fields: Record<string, string> = {};
  let sawFile = false;
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      if (part.fieldname !== 'file' || sawFile) {
        part.file.resume();
        continue;
      }
      sawFile = true;
      await onFile(part.file, part.filename || 'upload.csv', () => part.file.truncated);
    } else if (typeof part.value === 'string') {
      fields[part.fieldname] = part.value;
    }
  }
  if (!sawFile) {
    throw new AppError('validation_failed', 'Attach the CSV as the `file` part.', {
      errors: [{ path: 'file', message: 'required' }],
    });
  }
  return fields;
}

export const importsRoutes: FastifyPluginAsyncZod<{ imports: ImportsService }> = async (
  app,
  { imports },
) => {
  await app.register(fastifyMultipart, {
    limits: { fileSize: MAX_FILE_BYTES, files: 1, fields: 5, fieldSize: 64 * 1024, parts: 10 },
  });

  app.post('/imports/preview', {
    config: { access: { role: 'editor' } },
    schema: {
      tags: ['imports'],
      summary:
        'Detect encoding, delimiter and column mapping and show the first rows, without importing',
      description: `${MULTIPART_DOC} Only the first 64 KB are read, so clients may send just the start of the file. The options part may carry {"mapping": {...}} to try a mapping.`,
      consumes: ['multipart/form-data'],
      response: {
        200: z.object({
          encoding: z.string(),
          delimiter: z.string(),
          header: z.array(z.string()),
          rows: z.array(z.array(z.string())),
          columns: z.array(ColumnSchema),
          warnings: z.array(z.string()),
        }),
      },
    },
    handler: async (request) => {
      let prefix = Buffer.alloc(0);
      let isComplete = true;
      const fields = await readMultipart(request, async (stream) => {
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of stream) {
          if (size < PREVIEW_BYTES) chunks.push(chunk as Buffer);
          size += (chunk as Buffer).length;
        }
        prefix = Buffer.concat(chunks).subarray(0, PREVIEW_BYTES);
        isComplete = size <= PREVIEW_BYTES;
      });
      const options = parseOptionsField(fields.options);
      return imports.preview(principalOf(request), prefix, isComplete, options.mapping);
    },
  });

  app.post('/imports', {
    config: { access: { role: 'editor' } },
    schema: {
      tags: ['imports'],
      summary: 'Upload a CSV of contacts; it is imported in the background',
      description: `${MULTIPART_DOC} Options: {"mode": "upsert"|"create"|"update", "tags": [...], "listId": "…", "resubscribe": false, "mapping": {"Header": "email"|"firstName"|…|"<attribute>"|"ignore"}}. Poll GET /imports/{id} for progress.`,
      consumes: ['multipart/form-data'],
      response: { 202: ImportSchema.extend({ warnings: z.array(z.string()) }) },
    },
    handler: async (request, reply) => {
      const principal = principalOf(request);
      let received: Awaited<ReturnType<ImportsService['receive']>> | undefined;
      try {
        const fields = await readMultipart(request, async (stream, fileName, isTruncated) => {
          received = await imports.receive(stream, fileName, isTruncated);
        });
        const created = await imports.create(
          principal,
          received!,
          parseOptionsField(fields.options),
        );
        return reply.code(202).send(created);
      } catch (error) {
        if (received) await imports.discard(received);
        throw error;
      }
    },
  });

  app.get('/imports', {
    config: { access: { role: 'viewer' } },
    schema: {
      tags: ['imports'],
      summary: 'Imports, newest first',
      querystring: PageQuerySchema,
      response: { 200: pageSchema(ImportSchema) },
    },
    handler: async (request) => imports.list(principalOf(request), request.query),
  });

  app.get('/imports/:id', {
    config: { access: { role: 'viewer' } },
    schema: {
      tags: ['imports'],
      summary: 'Status, counts and percent done',
      params: IdParams,
      response: { 200: ImportSchema },
    },
    handler: async (request) => imports.get(principalOf(request), request.params.id),
  });

  app.get('/imports/:id/errors', {
    config: { access: { role: 'viewer' } },
    schema: {
      tags: ['imports'],
      summary: 'Rejected rows as CSV: line number, reason, and the row as read',
      params: IdParams,
      produces: ['text/csv'],
    },
    handler: async (request, reply) => {
      const lines = imports.errorsCsv(principalOf(request), request.params.id);
      // Pull the first chunk before answering, so an unknown id is a 404 and not a broken stream.
      const first = await lines.next();
      const rest = (async function* () {
        if (!first.done) yield first.value;
        yield* lines;
      })();
      return reply
        .type('text/csv; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="import-${request.params.id}-errors.csv"`,
        )
        .send(Readable.from(rest));
    },
  });

  app.delete('/imports/:id', {
    config: { access: { role: 'editor' } },
    schema: {
      tags: ['imports'],
      summary: 'Cancel a pending or running import (409 once it has finished)',
      params: IdParams,
      response: { 200: ImportSchema },
    },
    handler: async (request) => imports.cancel(principalOf(request), request.params.id),
  });
};
