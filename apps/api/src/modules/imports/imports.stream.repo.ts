import type { BulkSession, Database } from '../../db/client.js';
import { AddressFilter } from './address-filter.js';
import type { StagedRow } from './import.rows.js';
import {
  copyArray,
  copyJson,
  copyNullable,
  copyText,
  UPDATE_SET,
  updateStatus,
  type ApplyCounts,
  type ApplyOptions,
  type ImportChunk,
  type ImportFinish,
} from './imports.apply.repo.js';

/**
 * The PostgreSQL import path: chunks are applied while the file is still being read, all in one
 * transaction — nothing is visible until the import row says completed, and a crash or cancel
 * rolls everything back.
 *
 * Per chunk: look up which addresses exist (one index probe each), COPY the new contacts straight
 * into `contacts`, update the existing ones by id from a COPYed temp table. The work is arranged
 * so the database is never idle while JavaScript works: the next chunk's lookups are sent before
 * this chunk is written, and its COPY text is built while the database writes this one (measured:
 * the writes — seven indexes — are the floor; see bench/import.ts).
 */

/** COPY fields of a row that do not depend on what the lookup finds. */
interface EncodedRow {
  row: StagedRow;
  email: string;
  /** first_name … locale, tab-separated. */
  names: string;
  status: string;
  tags: string;
  attributes: string;
}

/** Where a chunk left an address: the contact it now is, or skipped by this mode. */
type Placement = { id: string } | 'skipped';

interface Lookup {
  existing: Map<string, { id: string; ours: boolean }>;
  suppressed: Set<string>;
  skippedBefore: Set<string>;
}

interface Built {
  counts: ApplyCounts;
  inserts: string;
  updates: string;
  listed: string[];
  skippedNow: string[];
  placed: Map<string, Placement>;
}

interface ImportState {
  /** Addresses this import placed; only when the organization had no contacts at the start. */
  placedSoFar: AddressFilter | null;
  hasSuppressions: boolean;
}

const CONTACT_COLUMNS =
  'id, org_id, email, first_name, last_name, phone, timezone, locale, status, tags, attributes, source';
const UPDATE_COLUMNS =
  'contact_id, suppressed, first_name, last_name, phone, timezone, locale, status, tags, attributes';
/** Rows built between two yields to the event loop, which keeps COPY data flowing meanwhile. */
const BUILD_SLICE = 2000;

const noop = () => undefined;

export function createImportStreamRepo(database: Database) {
  /** Which of the chunk's addresses exist (or were skipped) as far as the database can tell. */
  async function lookUp(
    session: BulkSession,
    o: ApplyOptions,
    chunk: EncodedRow[],
    state: ImportState,
  ): Promise<Lookup> {
    // In an organization that started empty, an address this import never placed cannot exist
    // (a contact created meanwhile by someone else makes the COPY fail and the job retry).
    const candidates = state.placedSoFar
      ? chunk.filter((r) => state.placedSoFar!.mayContain(r.row.emailLower))
      : chunk;
    const emails = candidates.map((r) => r.row.emailLower);
    const existing = new Map<string, { id: string; ours: boolean }>();
    if (emails.length > 0) {
      // age(xmin) = 0: written by this very transaction, i.e. by an earlier chunk of the file.
      // One probe per address (the limit keeps the planner from turning it into a scan).
      const rows = await session.query<{ e: string; id: string; ours: boolean }>(
        `select e, c.id, c.ours from unnest($2::text[]) as e
         cross join lateral (select id, age(xmin) = 0 as ours from contacts
                             where org_id = $1 and lower(email) = e limit 1) c`,
        [o.orgId, emails],
      );
      for (const r of rows) existing.set(r.e, r);
    }
    const skippedBefore = new Set<string>();
    if (o.mode !== 'upsert' && emails.length > 0) {
      const rows = await session.query<{ e: string }>(
        'select email_lower as e from import_skipped where email_lower = any($1::text[])',
        [emails],
      );
      for (const r of rows) skippedBefore.add(r.e);
    }
    const suppressed = new Set<string>();
    if (state.hasSuppressions) {
      const rows = await session.query<{ email: string }>(
        'select email from suppressions where org_id = $1 and email = any($2::text[])',
        [o.orgId, chunk.map((r) => r.row.emailLower)],
      );
      for (const r of rows) suppressed.add(r.email);
    }
    return { existing, suppressed, skippedBefore };
  }

  /**
   * Decides each row and builds the COPY text. `previous` is the chunk whose writes are still
   * on their way: the lookup could not see it, so its placements are consulted first.
   */
  async function build(
    o: ApplyOptions,
    chunk: ImportChunk & { encoded: EncodedRow[] },
    found: Lookup,
    previous: Built | null,
    state: ImportState,
  ): Promise<Built> {
    const counts: ApplyCounts = {
      inserted: 0,
      updated: 0,
      skipped: 0,
      duplicates: chunk.duplicates,
    };
    const built: Built = {
      counts,
      inserts: '',
      updates: '',
      listed: [],
      skippedNow: [],
      placed: new Map(),
    };
    const rows = chunk.encoded;
    for (let i = 0; i < rows.length; i++) {
      if (i > 0 && i % BUILD_SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
      const r = rows[i]!;
      const address = r.row.emailLower;
      state.placedSoFar?.add(address);
      const prior = previous?.placed.get(address);
      const contact =
        prior === undefined
          ? found.existing.get(address)
          : prior === 'skipped'
            ? undefined
            : { id: prior.id, ours: true };
      // Rows this mode skips (update-only: new addresses; create-only: existing contacts). An
      // address skipped by an earlier chunk is a repeat, counted once like any other repeat.
      const isSkipped =
        o.mode === 'update'
          ? !contact
          : o.mode === 'create' && contact !== undefined && !contact.ours;
      if (isSkipped) {
        if (prior === 'skipped' || found.skippedBefore.has(address)) counts.duplicates += 1;
        else {
          counts.skipped += 1;
          built.skippedNow.push(address);
        }
        built.placed.set(address, 'skipped');
        continue;
      }
      const isSuppressed = found.suppressed.has(address);
      if (!contact) {
        counts.inserted += 1;
        const id = r.row.contactId;
        built.listed.push(id);
        built.placed.set(address, { id });
        const status = isSuppressed ? 'blocked' : r.status === '\\N' ? 'subscribed' : r.status;
        const tags = r.tags === '\\N' ? '{}' : r.tags;
        const attributes = r.attributes === '\\N' ? '{}' : r.attributes;
        built.inserts += `${id}\t${o.orgId}\t${r.email}\t${r.names}\t${status}\t${tags}\t${attributes}\timport\n`;
        continue;
      }
      // A repeat of an address this file already created or updated still applies: last wins.
      if (contact.ours) counts.duplicates += 1;
      else counts.updated += 1;
      built.listed.push(contact.id);
      built.placed.set(address, { id: contact.id });
      built.updates += `${contact.id}\t${isSuppressed ? 't' : 'f'}\t${r.names}\t${r.status}\t${r.tags}\t${r.attributes}\n`;
    }
    return built;
  }

  async function write(session: BulkSession, o: ApplyOptions, built: Built) {
    if (built.inserts)
      await session.copyFrom(`COPY contacts (${CONTACT_COLUMNS}) FROM STDIN`, built.inserts);
    if (built.updates) {
      await session.query('truncate import_updates');
      await session.copyFrom(`COPY import_updates (${UPDATE_COLUMNS}) FROM STDIN`, built.updates);
      await session.query(
        `update contacts c set ${UPDATE_SET}, ${updateStatus('s.suppressed', '$2')}
         from import_updates s where c.id = s.contact_id and c.org_id = $1`,
        [o.orgId, o.resubscribe],
      );
    }
    if (built.skippedNow.length > 0)
      await session.query('insert into import_skipped select unnest($1::text[])', [
        built.skippedNow,
      ]);
    if (o.listId && built.listed.length > 0) {
      await session.query(
        `insert into list_members (list_id, contact_id, org_id, created_at)
         select $1, id, $2, now() from unnest($3::uuid[]) as id on conflict do nothing`,
        [o.listId, o.orgId, built.listed],
      );
    }
  }

  return {
    /** Whether this database can apply rows while the file is read (PostgreSQL). */
    isAvailable: Boolean(database.bulkTransaction),

    /** Resolves null, applying nothing, when the import was cancelled meanwhile. */
    async applyChunks(
      o: ApplyOptions,
      chunks: AsyncIterable<ImportChunk>,
      finish: () => ImportFinish,
    ): Promise<ApplyCounts | null> {
      return database.bulkTransaction!(async (session) => {
        // The statistics predate this transaction's own rows, so the planner takes an
        // organization that grows by a million contacts here for an empty one and scans it per
        // chunk (measured: quadratic). Every lookup is one index probe per row; say so.
        for (const plan of ['seqscan', 'bitmapscan', 'hashjoin', 'mergejoin'])
          await session.query(`set local enable_${plan} = off`);
        // Those plans cost enough on paper to trigger JIT compilation, which only adds time.
        await session.query('set local jit = off');
        await session.query(
          `create temp table import_updates (contact_id uuid not null, suppressed boolean not null,
             first_name text, last_name text, phone text, timezone text, locale text,
             status contact_status, tags text[], attributes jsonb) on commit drop`,
        );
        await session.query(
          'create temp table import_skipped (email_lower text primary key) on commit drop',
        );
        const [start] = await session.query<{ empty: boolean; suppressions: boolean }>(
          `select not exists (select 1 from contacts where org_id = $1) as empty,
                  exists (select 1 from suppressions where org_id = $1) as suppressions`,
          [o.orgId],
        );
        const state: ImportState = {
          placedSoFar: start?.empty ? new AddressFilter() : null,
          hasSuppressions: start?.suppressions ?? true,
        };

        const total: ApplyCounts = { inserted: 0, updated: 0, skipped: 0, duplicates: 0 };
        const iterator = encodeChunks(chunks)[Symbol.asyncIterator]();
        let pending: Built | null = null;
        try {
          let next = iterator.next();
          next.catch(noop);
          for (;;) {
            const { value: chunk, done } = await next;
            if (done) break;
            // Reading and encoding the chunk after this one overlaps with everything below.
            next = iterator.next();
            next.catch(noop);
            // Look up before the previous chunk is written, then build while it is.
            const found = await lookUp(session, o, chunk.encoded, state);
            const writing = pending ? write(session, o, pending) : Promise.resolve();
            writing.catch(noop);
            const built = await build(o, chunk, found, pending, state);
            await writing;
            total.inserted += built.counts.inserted;
            total.updated += built.counts.updated;
            total.skipped += built.counts.skipped;
            total.duplicates += built.counts.duplicates;
            pending = built;
          }
          if (pending) await write(session, o, pending);
        } finally {
          await iterator.return?.(undefined);
        }

        const f = finish();
        const completed = await session.query(
          `update imports set status = 'completed', rows_total = $2, rows_processed = $2,
             failed = $3, bytes_processed = $4, finished_at = $5,
             inserted = $6, updated = $7, skipped = $8, duplicates = $9
           where id = $1 and status = 'running' returning id`,
          [
            o.importId,
            f.rowsTotal,
            f.failed,
            f.bytesProcessed,
            f.finishedAt,
            total.inserted,
            total.updated,
            total.skipped,
            total.duplicates,
          ],
        );
        if (completed.length === 0) throw new ImportCancelled();
        return total;
      }).catch((error: unknown) => {
        if (error instanceof ImportCancelled) return null;
        throw error;
      });
    },
  };
}

/** Escapes each row's fields as it is read, so this work overlaps with the database's. */
async function* encodeChunks(
  chunks: AsyncIterable<ImportChunk>,
): AsyncGenerator<ImportChunk & { encoded: EncodedRow[] }> {
  for await (const chunk of chunks) {
    const encoded: EncodedRow[] = new Array(chunk.rows.length);
    for (let i = 0; i < chunk.rows.length; i++) {
      const row = chunk.rows[i]!;
      encoded[i] = {
        row,
        email: copyText(row.email),
        names: `${copyNullable(row.firstName)}\t${copyNullable(row.lastName)}\t${copyNullable(row.phone)}\t${copyNullable(row.timezone)}\t${copyNullable(row.locale)}`,
        status: row.status ?? '\\N',
        tags: copyArray(row.tags),
        attributes: copyJson(row.attributes),
      };
    }
    yield { ...chunk, encoded };
  }
}

class ImportCancelled extends Error {}

export type ImportStreamRepo = ReturnType<typeof createImportStreamRepo>;
