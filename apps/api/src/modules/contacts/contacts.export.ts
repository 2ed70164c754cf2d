import type { Principal } from '../../http/access.js';
import type { Clock } from '../../platform/clock.js';
import type { FieldsRepo } from '../fields/fields.repo.js';
import type { ContactFilter, ContactRow, ContactsRepo, ContactStatus } from './contacts.repo.js';
import type { ExportQuery } from './contacts.schemas.js';

/** Rows per query while streaming an export; the whole file is never held in memory. */
const PAGE_SIZE = 5000;

const BUILT_IN_COLUMNS = [
  'email',
  'first_name',
  'last_name',
  'phone',
  'timezone',
  'locale',
  'status',
  'tags',
  'created_at',
] as const;

/**
 * One CSV cell (RFC 4180). Text a spreadsheet would run as a formula (= + - @, or a leading
 * tab/CR) gets a leading apostrophe, so an exported file cannot carry formula injection.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export const csvRow = (cells: readonly string[]) => `${cells.map(csvCell).join(',')}\r\n`;

function attributeCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function contactCells(contact: ContactRow, attributeKeys: readonly string[]): string[] {
  return [
    contact.email,
    contact.firstName ?? '',
    contact.lastName ?? '',
    contact.phone ?? '',
    contact.timezone ?? '',
    contact.locale ?? '',
    contact.status,
    contact.tags.join(';'),
    contact.createdAt.toISOString(),
    ...attributeKeys.map((key) => attributeCell(contact.attributes[key])),
  ];
}

export function createContactsExport(deps: {
  repo: ContactsRepo;
  fieldsRepo: FieldsRepo;
  clock: Clock;
  audienceFilter(
    orgId: string,
    query: {
      status?: ContactStatus | undefined;
      listId?: string | undefined;
      segmentId?: string | undefined;
    },
  ): Promise<ContactFilter>;
}) {
  const { repo, fieldsRepo, clock, audienceFilter } = deps;

  return {
    /**
     * Resolves the audience first (unknown list or segment → 404 before any byte is sent), then
     * returns the CSV as chunks, one keyset page per chunk, pulled only as fast as the client reads.
     */
    async exportCsv(principal: Principal, query: ExportQuery) {
      const orgId = principal.orgId;
      const filter = await audienceFilter(orgId, query);
      const attributeKeys = (await fieldsRepo.listAll(orgId)).map((f) => f.key);

      async function* chunks(): AsyncGenerator<string> {
        yield csvRow([...BUILT_IN_COLUMNS, ...attributeKeys]);
        let idAfter: string | undefined;
        for (;;) {
          const rows = await repo.page(orgId, { ...filter, idAfter }, PAGE_SIZE);
          if (rows.length === 0) return;
          yield rows.map((row) => csvRow(contactCells(row, attributeKeys))).join('');
          if (rows.length < PAGE_SIZE) return;
          idAfter = rows[rows.length - 1]!.id;
        }
      }

      return {
        filename: `contacts-${clock.now().toISOString().slice(0, 10)}.csv`,
        chunks: chunks(),
      };
    },
  };
}
