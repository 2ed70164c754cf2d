import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../../db/client.js';
import type { Principal } from '../../http/access.js';
import { AppError, notFound } from '../../http/errors.js';
import { decodeCursor, toPage } from '../../http/pagination.js';
import type { Clock } from '../../platform/clock.js';
import { createFieldsRepo, type FieldType } from './fields.repo.js';

/** Column names of the contact export; a field with one of these keys would be ambiguous there. */
export const RESERVED_FIELD_KEYS: readonly string[] = [
  'id',
  'email',
  'first_name',
  'last_name',
  'phone',
  'timezone',
  'locale',
  'status',
  'tags',
  'source',
  'created_at',
  'updated_at',
];

export function createFieldsService(deps: { db: Db; clock: Clock }) {
  const repo = createFieldsRepo(deps.db);
  const { clock } = deps;

  return {
    async list(principal: Principal, query: { cursor?: string | undefined; limit: number }) {
      const after = decodeCursor(query.cursor, ['string']);
      const rows = await repo.list(
        principal.orgId,
        query.limit + 1,
        after?.[0] as string | undefined,
      );
      return toPage(rows, query.limit, (r) => [r.key]);
    },

    async create(principal: Principal, input: { key: string; label: string; type: FieldType }) {
      if (RESERVED_FIELD_KEYS.includes(input.key)) {
        throw new AppError('validation_failed', 'This key is reserved.', {
          errors: [{ path: 'body.key', message: `"${input.key}" is a built-in contact column` }],
        });
      }
      const row = await repo.insert({
        id: uuidv7(),
        orgId: principal.orgId,
        key: input.key,
        label: input.label.trim(),
        type: input.type,
        createdAt: clock.now(),
      });
      if (!row) {
        throw new AppError('conflict', `A field with the key "${input.key}" already exists.`, {
          errors: [{ path: 'body.key', message: 'is already defined' }],
        });
      }
      return row;
    },

    async update(principal: Principal, id: string, input: { label: string }) {
      const row = await repo.updateLabel(principal.orgId, id, input.label.trim());
      if (!row) throw notFound('Field');
      return row;
    },

    /** Values already stored under the key stay on contacts, as free-form attributes. */
    async remove(principal: Principal, id: string) {
      if (!(await repo.delete(principal.orgId, id))) throw notFound('Field');
    },
  };
}

export type FieldsService = ReturnType<typeof createFieldsService>;
