import { v7 as uuidv7 } from 'uuid';
import type { Principal } from '../../http/access.js';
import { AppError, notFound, refuseWhileUsed } from '../../http/errors.js';
import { decodeCursor, toPage } from '../../http/pagination.js';
import type { Clock } from '../../platform/clock.js';
import { composeMessage, InvalidMailError } from '../../platform/mail/mime.js';
import type { SendersService } from '../senders/senders.service.js';
import {
  checkTemplate,
  compileTemplate,
  renderTemplate,
  type CompiledTemplate,
  type RenderContextInput,
  type TemplateIssue,
  type TemplateSource,
} from './render/index.js';
import type { TemplateContent, TemplateRow, TemplatesRepo } from './templates.repo.js';

/** What previews need from the rest of the system, passed in so this module stays small. */
export interface TemplateContextSource {
  /** The contact as a template sees it; throws not_found for another organization's id. */
  contact(principal: Principal, contactId: string): Promise<RenderContextInput['contact']>;
  organization(orgId: string): Promise<RenderContextInput['organization']>;
}

/** What a test send needs from senders. */
export type TestSendSenders = Pick<SendersService, 'get' | 'transportFor' | 'recordOutcomes'>;

export interface TemplateInput {
  name: string;
  category?: string | null | undefined;
  subject: string;
  preheader?: string | null | undefined;
  format: TemplateRow['format'];
  body: string;
  text?: string | null | undefined;
  isActive?: boolean | undefined;
}

export type TemplatePatch = Partial<TemplateInput>;

/** Stand-in recipient for previews without a contact. */
export const SAMPLE_CONTACT: RenderContextInput['contact'] = {
  email: 'jane.doe@example.com',
  firstName: 'Jane',
  lastName: 'Doe',
  timezone: null,
  locale: 'en',
  status: 'subscribed',
  tags: ['sample'],
  attributes: { company: 'Acme Inc.' },
};

const CONTENT_KEYS = ['subject', 'preheader', 'format', 'body', 'text'] as const;

/** Compiled versions are immutable, so they are cached by id; small and bounded. */
const COMPILED_CACHE_SIZE = 200;

export function createTemplatesService(deps: {
  repo: TemplatesRepo;
  clock: Clock;
  context: TemplateContextSource;
  publicUrl: string;
  senders: TestSendSenders;
  /** Campaigns that still need it (names for the message); deleting is refused while any do. */
  usedBy?: (orgId: string, id: string) => Promise<{ id: string; name: string }[]>;
}) {
  const { repo, clock, context, publicUrl, senders, usedBy } = deps;
  const compiledCache = new Map<string, CompiledTemplate>();

  /** Refuses content that does not compile, with every problem's field, line and column. */
  async function compileOrThrow(source: TemplateSource): Promise<CompiledTemplate> {
    const result = await compileTemplate(source);
    if (!result.ok) throw invalidTemplate(result.errors);
    return result.template;
  }

  async function get(principal: Principal, id: string) {
    const row = await repo.find(principal.orgId, id);
    if (!row) throw notFound('Template');
    return row;
  }

  const contentOf = (row: TemplateContent): TemplateSource => ({
    subject: row.subject,
    preheader: row.preheader,
    format: row.format,
    body: row.body,
    text: row.text,
  });

  /** Renders with links that lead to a harmless preview page instead of real actions. */
  const previewUrls = () => ({
    unsubscribe: `${publicUrl}/u/preview`,
    preferences: `${publicUrl}/u/preview`,
    viewInBrowser: `${publicUrl}/v/preview`,
  });

  async function renderWith(
    principal: Principal,
    source: TemplateSource,
    options: { contactId?: string | undefined; sample?: Partial<RenderContextInput['contact']> },
  ) {
    const compiled = await compileTemplate(source);
    if (!compiled.ok) return { ok: false as const, errors: compiled.errors, warnings: [] };
    const contact = options.contactId
      ? await context.contact(principal, options.contactId)
      : { ...SAMPLE_CONTACT, ...options.sample };
    const input: RenderContextInput = {
      contact,
      organization: await context.organization(principal.orgId),
      campaign: null,
      urls: previewUrls(),
    };
    const rendered = renderTemplate(compiled.template, input);
    if (!rendered.ok) return { ok: false as const, errors: rendered.errors, warnings: [] };
    // Attributes the previewed contact has are known too, declared as fields or not.
    const attributeKeys = [
      ...(await repo.attributeKeys(principal.orgId)),
      ...Object.keys(contact.attributes ?? {}),
    ];
    const checks = checkTemplate(source, compiled.template, rendered, attributeKeys);
    return {
      ok: true as const,
      rendered,
      checks,
      warnings: compiled.warnings,
      compiled: compiled.template,
      input,
    };
  }

  return {
    get,

    async list(
      principal: Principal,
      query: {
        cursor?: string | undefined;
        limit: number;
        search?: string | undefined;
        category?: string | undefined;
      },
    ) {
      const before = decodeCursor(query.cursor, ['uuid']) as [string] | undefined;
      const rows = await repo.list(principal.orgId, {
        limit: query.limit + 1,
        ...(query.search ? { search: query.search } : {}),
        ...(query.category !== undefined ? { category: query.category } : {}),
        ...(before ? { beforeId: before[0] } : {}),
      });
      return toPage(rows, query.limit, (r) => [r.id]);
    },

    categories: (principal: Principal) => repo.categories(principal.orgId),

    async create(principal: Principal, input: TemplateInput) {
      const content = normalizeContent(input);
      await compileOrThrow(contentOf(content));
      const now = clock.now();
      const row: TemplateRow = {
        id: uuidv7(),
        orgId: principal.orgId,
        name: input.name.trim(),
        category: input.category?.trim() || null,
        ...content,
        isActive: input.isActive ?? true,
        version: 1,
        createdAt: now,
        updatedAt: now,
      };
      await repo.insert(row, uuidv7(), principal.userId);
      return row;
    },

    /** A change to the content writes a new version; renaming or (de)activating does not. */
    async update(principal: Principal, id: string, patch: TemplatePatch) {
      const current = await get(principal, id);
      const next = normalizeContent({ ...current, ...definedOnly(patch) });
      const changed = CONTENT_KEYS.some((k) => next[k] !== current[k]);
      if (changed) await compileOrThrow(contentOf(next));
      const updated = await repo.update(
        principal.orgId,
        id,
        {
          ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
          ...(patch.category !== undefined ? { category: patch.category?.trim() || null } : {}),
          ...(patch.isActive !== undefined ? { isActive: patch.isActive } : {}),
          updatedAt: clock.now(),
        },
        changed ? { value: next, versionId: uuidv7(), createdBy: principal.userId } : null,
      );
      if (!updated) throw notFound('Template');
      return updated;
    },

    async remove(principal: Principal, id: string) {
      refuseWhileUsed(await usedBy?.(principal.orgId, id), 'Template');
      if (!(await repo.delete(principal.orgId, id))) throw notFound('Template');
    },

    async versions(
      principal: Principal,
      id: string,
      query: { cursor?: string | undefined; limit: number },
    ) {
      await get(principal, id);
      const before = decodeCursor(query.cursor, [(v) => /^\d{1,9}$/.test(v)]) as
        [string] | undefined;
      const rows = await repo.versions(
        principal.orgId,
        id,
        query.limit + 1,
        before ? Number(before[0]) : undefined,
      );
      return toPage(rows, query.limit, (r) => [String(r.version)]);
    },

    async version(principal: Principal, id: string, version: number) {
      const row = await repo.findVersion(principal.orgId, id, version);
      if (!row) throw notFound('Template version');
      return row;
    },

    /** Makes an old version current again, as a new version (history is never rewritten). */
    async restore(principal: Principal, id: string, version: number) {
      const old = await repo.findVersion(principal.orgId, id, version);
      if (!old) throw notFound('Template version');
      return this.update(principal, id, contentOf(old));
    },

    /**
     * Renders a saved template — or unsaved content from the editor — as a contact or a sample
     * recipient, with the pre-send checks. Compile and render problems come back as data
     * (line and column per field) so the editor can show them while the author types.
     */
    async preview(
      principal: Principal,
      id: string | null,
      options: {
        contactId?: string | undefined;
        sample?: Partial<RenderContextInput['contact']> | undefined;
        content?: TemplateSource | undefined;
      },
    ) {
      const source = options.content ?? contentOf(id ? await get(principal, id) : blankContent());
      const result = await renderWith(principal, source, {
        contactId: options.contactId,
        ...(options.sample ? { sample: options.sample } : {}),
      });
      if (!result.ok) {
        return {
          subject: '',
          preheader: '',
          html: '',
          text: '',
          errors: result.errors,
          warnings: [],
          checks: [],
        };
      }
      return {
        ...pickRendered(result.rendered),
        errors: [],
        warnings: result.warnings,
        checks: result.checks,
      };
    },

    /** A template version compiled once, for sending (campaigns, test sends). */
    async compiledVersion(source: TemplateSource, cacheKey: string): Promise<CompiledTemplate> {
      const cached = compiledCache.get(cacheKey);
      if (cached) return cached;
      const compiled = await compileOrThrow(source);
      if (compiledCache.size >= COMPILED_CACHE_SIZE) compiledCache.clear();
      compiledCache.set(cacheKey, compiled);
      return compiled;
    },

    /**
     * Sends one real message — the template rendered as a contact (or the sample recipient) —
     * to any address through a sender, marked [Test]. Its links lead to the preview page, so a
     * click changes nothing. The outcome is booked against the sender's health like any send.
     */
    async testSend(
      principal: Principal,
      id: string,
      input: { to: string; contactId?: string | undefined; senderId: string },
    ) {
      const row = await get(principal, id);
      const sender = await senders.get(principal, input.senderId);
      const result = await renderWith(principal, contentOf(row), { contactId: input.contactId });
      if (!result.ok) throw invalidTemplate(result.errors);
      const urls = previewUrls();
      let composed: { messageId: string; raw: Buffer };
      try {
        composed = composeMessage({
          from: { name: sender.fromName, email: sender.fromEmail },
          replyTo: sender.replyTo ? { email: sender.replyTo } : null,
          messageIdDomain: sender.fromEmail.split('@')[1]!,
          to: { email: input.to },
          subject: `[Test] ${result.rendered.subject}`,
          // The rendered HTML already carries the hidden preheader.
          html: result.rendered.html,
          text: result.rendered.text,
          headers: [
            ['List-Unsubscribe', `<${urls.unsubscribe}>`],
            ['List-Unsubscribe-Post', 'List-Unsubscribe=One-Click'],
            ['X-Herald-Test', 'true'],
          ],
          date: clock.now(),
        });
      } catch (error) {
        if (error instanceof InvalidMailError)
          throw new AppError('validation_failed', error.message, {
            errors: [{ path: 'to', message: error.message }],
          });
        throw error;
      }
      const transport = senders.transportFor(sender);
      try {
        const outcome = await transport.send({
          from: sender.fromEmail,
          to: input.to,
          raw: composed.raw,
          messageId: composed.messageId,
          subject: `[Test] ${result.rendered.subject}`,
        });
        await senders.recordOutcomes(principal.orgId, sender.id, [outcome]);
        return {
          messageId: composed.messageId,
          outcome: outcome.outcome,
          code: outcome.code,
          reply: outcome.reply,
          checks: result.checks,
        };
      } finally {
        await transport.close();
      }
    },
  };
}

function pickRendered(r: { subject: string; preheader: string; html: string; text: string }) {
  return { subject: r.subject, preheader: r.preheader, html: r.html, text: r.text };
}

function blankContent(): TemplateContent {
  return { subject: '', preheader: null, format: 'html', body: '', text: null };
}

function normalizeContent(input: {
  subject: string;
  preheader?: string | null | undefined;
  format: TemplateRow['format'];
  body: string;
  text?: string | null | undefined;
}): TemplateContent {
  return {
    subject: input.subject,
    preheader: input.preheader?.trim() ? input.preheader : null,
    format: input.format,
    body: input.body,
    text: input.text?.trim() ? input.text : null,
  };
}

function definedOnly<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function invalidTemplate(errors: TemplateIssue[]): AppError {
  return new AppError(
    'unprocessable',
    `The template does not compile: ${errors[0]?.message ?? 'unknown error'}`,
    {
      errors: errors.map((e) => ({
        path: e.field,
        message: `line ${e.line}, column ${e.column}: ${e.message}`,
      })),
    },
  );
}

export type TemplatesService = ReturnType<typeof createTemplatesService>;
