import { v7 as uuidv7 } from 'uuid';
import type { SQL } from 'drizzle-orm';
import type { CampaignAudience, CampaignWindow, Utm } from '../../db/schema/index.js';
import type { Principal } from '../../http/access.js';
import { AppError, notFound, type FieldError } from '../../http/errors.js';
import { decodeCursor, toPage } from '../../http/pagination.js';
import type { AppJobCatalog } from '../../jobs/catalog.js';
import type { Clock } from '../../platform/clock.js';
import type { Queue } from '../../platform/queue/queue.js';
import { isValidTimezone } from '../senders/window.js';
import {
  checkTemplate,
  compileTemplate,
  renderTemplate,
  type TemplateSource,
} from '../templates/render/index.js';
import { SAMPLE_CONTACT } from '../templates/templates.service.js';
import type { CampaignRow, CampaignsRepo, CampaignStatus } from './campaigns.repo.js';
import type { LedgerRepo } from './ledger.repo.js';
import { zonedLocalToUtc } from './schedule.js';

export interface CampaignInput {
  name: string;
  audience?: Partial<CampaignAudience> | undefined;
  templateId?: string | null | undefined;
  content?:
    | {
        subject: string;
        preheader?: string | null | undefined;
        format: 'html' | 'mjml' | 'markdown';
        body: string;
        text?: string | null | undefined;
      }
    | null
    | undefined;
  fromName?: string | null | undefined;
  replyTo?: string | null | undefined;
  senderIds?: string[] | undefined;
  rotation?: CampaignRow['rotation'] | undefined;
  senderWeights?: Record<string, number> | null | undefined;
  trackOpens?: boolean | undefined;
  trackClicks?: boolean | undefined;
  utm?: Utm | null | undefined;
  window?: CampaignWindow | null | undefined;
}

export interface Problem {
  code: string;
  severity: 'error' | 'warning';
  message: string;
}

/** What each action may start from; anything else answers 409 and changes nothing. */
const FROM: Record<string, readonly CampaignStatus[]> = {
  edit: ['draft', 'scheduled'],
  schedule: ['draft', 'scheduled'],
  sendNow: ['draft', 'scheduled'],
  pause: ['sending'],
  resume: ['paused'],
  cancel: ['scheduled', 'sending', 'paused'],
  delete: ['draft', 'sent', 'cancelled', 'failed'],
};

export function createCampaignsService(deps: {
  repo: CampaignsRepo;
  ledger: LedgerRepo;
  segments: { whereForSegment(orgId: string, segmentId: string): Promise<SQL> };
  hasList: (orgId: string, listId: string) => Promise<boolean>;
  attributeKeys: (orgId: string) => Promise<string[]>;
  queue: Queue<AppJobCatalog>;
  clock: Clock;
  lanes: number;
  publicUrl: string;
  /** Told of every lifecycle change (realtime feed, domain events) with what was written. */
  onStatus?: (row: CampaignRow, patch: Parameters<CampaignsRepo['transition']>[2]) => void;
}) {
  const { repo, ledger, queue, clock } = deps;

  /** repo.transition, announcing status changes; waiting-state updates are not announced. */
  async function transition(...args: Parameters<CampaignsRepo['transition']>) {
    const row = await repo.transition(...args);
    if (row && args[2].status !== undefined) deps.onStatus?.(row, args[2]);
    return row;
  }

  async function get(principal: Principal, id: string): Promise<CampaignRow> {
    const row = await repo.find(principal.orgId, id);
    if (!row) throw notFound('Campaign');
    return row;
  }

  /**
   * A campaign the caller may change: a flow step's hidden campaign is read (stats, recipients)
   * and followed up here, but changed only through its flow.
   */
  async function own(principal: Principal, id: string): Promise<CampaignRow> {
    const row = await get(principal, id);
    if (row.kind === 'flow')
      throw new AppError(
        'conflict',
        'This campaign sends a step of a flow: change it in the flow, not here.',
      );
    return row;
  }

  const conflict = (row: CampaignRow, action: string) =>
    new AppError('conflict', `A ${row.status} campaign cannot ${action}.`);

  function present(row: CampaignRow) {
    const pending = Math.max(
      0,
      row.recipients - row.sentCount - row.failedCount - row.bouncedCount - row.cancelledCount,
    );
    return {
      ...row,
      audience: normalizeAudience(row.audience),
      progress: {
        recipients: row.recipients,
        sent: row.sentCount,
        failed: row.failedCount,
        bounced: row.bouncedCount,
        cancelled: row.cancelledCount,
        pending,
        percent:
          row.recipients === 0
            ? row.status === 'sent'
              ? 100
              : 0
            : Math.floor(((row.recipients - pending) / row.recipients) * 100),
      },
      // People only (machine opens and scanner clicks are counted apart, in /stats).
      engagement: {
        opened: row.openedCount,
        clicked: row.clickedCount,
        openRate: row.sentCount === 0 ? 0 : row.openedCount / row.sentCount,
        clickRate: row.sentCount === 0 ? 0 : row.clickedCount / row.sentCount,
      },
    };
  }

  /** Checks references (segments, lists, template, senders) belong to the organization. */
  async function checkInput(orgId: string, input: Partial<CampaignInput>) {
    const errors: FieldError[] = [];
    const audience = input.audience;
    for (const [key, ids] of [
      ['segmentIds', audience?.segmentIds],
      ['excludeSegmentIds', audience?.excludeSegmentIds],
    ] as const) {
      for (const id of ids ?? []) {
        try {
          await deps.segments.whereForSegment(orgId, id);
        } catch {
          errors.push({ path: `audience.${key}`, message: `no such segment ${id}` });
        }
      }
    }
    for (const [key, ids] of [
      ['listIds', audience?.listIds],
      ['excludeListIds', audience?.excludeListIds],
    ] as const) {
      for (const id of ids ?? []) {
        if (!(await deps.hasList(orgId, id)))
          errors.push({ path: `audience.${key}`, message: `no such list ${id}` });
      }
    }
    if (input.templateId && !(await repo.template(orgId, input.templateId)))
      errors.push({ path: 'templateId', message: 'no such template' });
    if (input.senderIds?.length) {
      const found = new Set((await repo.sendersOf(orgId, input.senderIds)).map((s) => s.id));
      for (const id of input.senderIds)
        if (!found.has(id)) errors.push({ path: 'senderIds', message: `no such sender ${id}` });
    }
    if (input.window && !isValidTimezone(input.window.timezone))
      errors.push({
        path: 'window.timezone',
        message: `unknown timezone "${input.window.timezone}"`,
      });
    if (input.content) {
      const compiled = await compileTemplate(input.content);
      if (!compiled.ok)
        for (const e of compiled.errors)
          errors.push({
            path: `content.${e.field}`,
            message: `line ${e.line}, column ${e.column}: ${e.message}`,
          });
    }
    if (errors.length > 0) throw new AppError('validation_failed', errors[0]!.message, { errors });
  }

  async function sourceOf(row: CampaignRow): Promise<TemplateSource | null> {
    if (row.templateId) {
      const t = await repo.template(row.orgId, row.templateId);
      return t
        ? {
            subject: t.subject,
            preheader: t.preheader,
            format: t.format,
            body: t.body,
            text: t.text,
          }
        : null;
    }
    if (row.body === null || row.format === null) return null;
    return {
      subject: row.subject ?? '',
      preheader: row.preheader,
      format: row.format,
      body: row.body,
      text: row.text,
    };
  }

  async function audienceWhere(row: CampaignRow): Promise<SQL> {
    const audience = normalizeAudience(row.audience);
    const include = await Promise.all(
      audience.segmentIds.map((id) => deps.segments.whereForSegment(row.orgId, id)),
    );
    const exclude = await Promise.all(
      audience.excludeSegmentIds.map((id) => deps.segments.whereForSegment(row.orgId, id)),
    );
    return ledger.audienceWhere(row.orgId, audience, { include, exclude });
  }

  /** Everything that would stop or weaken a send, before it starts. */
  async function preflight(row: CampaignRow) {
    const problems: Problem[] = [];
    let audienceCount = 0;
    try {
      audienceCount = await ledger.countAudience(await audienceWhere(row));
    } catch (error) {
      problems.push({
        code: 'audience_invalid',
        severity: 'error',
        message: error instanceof Error ? error.message : 'The audience cannot be evaluated.',
      });
    }
    const audience = normalizeAudience(row.audience);
    if (audience.segmentIds.length + audience.listIds.length === 0 && !audience.followUp)
      problems.push({
        code: 'audience_empty',
        severity: 'error',
        message: 'Choose at least one segment or list to send to.',
      });
    else if (audienceCount === 0)
      problems.push({
        code: 'audience_empty',
        severity: 'error',
        message: 'Nobody would receive it: the audience has no subscribed, unsuppressed contacts.',
      });

    const source = await sourceOf(row);
    let checks: ReturnType<typeof checkTemplate> = [];
    if (!source) {
      problems.push({
        code: 'content_missing',
        severity: 'error',
        message: 'Choose a template or write the content.',
      });
    } else {
      const compiled = await compileTemplate(source);
      if (!compiled.ok) {
        problems.push({
          code: 'content_invalid',
          severity: 'error',
          message: `The content does not compile: ${compiled.errors[0]?.message ?? ''}`,
        });
      } else {
        const rendered = renderTemplate(compiled.template, {
          contact: SAMPLE_CONTACT,
          organization: { name: 'Preview' },
          campaign: { id: row.id, name: row.name },
          urls: {
            unsubscribe: `${deps.publicUrl}/u/preview`,
            preferences: `${deps.publicUrl}/u/preview`,
            viewInBrowser: `${deps.publicUrl}/v/preview`,
          },
        });
        if (!rendered.ok) {
          problems.push({
            code: 'content_invalid',
            severity: 'error',
            message: `The content does not render: ${rendered.errors[0]?.message ?? ''}`,
          });
        } else {
          checks = checkTemplate(
            source,
            compiled.template,
            rendered,
            await deps.attributeKeys(row.orgId),
          );
          for (const c of checks)
            problems.push({ code: c.code, severity: c.severity, message: c.message });
        }
      }
    }

    const senderRows = await repo.sendersOf(row.orgId, row.senderIds);
    if (senderRows.length === 0)
      problems.push({
        code: 'no_sender',
        severity: 'error',
        message: 'Choose at least one sender.',
      });
    else if (senderRows.every((s) => s.status !== 'active'))
      problems.push({
        code: 'senders_paused',
        severity: 'error',
        message: 'Every chosen sender is paused: resume one or choose another.',
      });
    for (const s of senderRows) {
      if (s.status !== 'active')
        problems.push({
          code: 'sender_paused',
          severity: 'warning',
          message: `${s.name} is paused and will not be used.`,
        });
      else if (s.lastVerify && !s.lastVerify.ok)
        problems.push({
          code: 'sender_unverified',
          severity: 'warning',
          message: `${s.name} failed its last verification.`,
        });
    }
    return {
      ok: !problems.some((p) => p.severity === 'error'),
      audienceCount,
      problems,
      checks,
      senders: senderRows.map((s) => ({
        id: s.id,
        name: s.name,
        status: s.status,
        provider: s.provider,
      })),
    };
  }

  async function refuseIfBlocked(row: CampaignRow) {
    const report = await preflight(row);
    if (!report.ok)
      throw new AppError(
        'unprocessable',
        'The campaign cannot start: fix the blocking problems first.',
        {
          errors: report.problems
            .filter((p) => p.severity === 'error')
            .map((p) => ({ path: p.code, message: p.message })),
        },
      );
  }

  async function enqueueStart(row: CampaignRow, at: Date | null) {
    const delayMs = at ? Math.max(0, at.getTime() - clock.now().getTime()) : 0;
    await queue.enqueue(
      'campaigns.start',
      { campaignId: row.id, orgId: row.orgId, sendAt: at?.toISOString() ?? null },
      {
        jobId: `campaigns.start:${row.id}:${at?.getTime() ?? 'now'}`,
        delayMs,
        orgId: row.orgId,
      },
    );
  }

  async function enqueueLanes(row: CampaignRow, delayMs = 0) {
    const round = Date.now();
    for (let lane = 0; lane < deps.lanes; lane++) {
      await queue.enqueue(
        'campaigns.send',
        { campaignId: row.id, orgId: row.orgId, lane, round },
        { jobId: `campaigns.send:${row.id}:${lane}:${round}`, delayMs, orgId: row.orgId },
      );
    }
  }

  return {
    get: async (principal: Principal, id: string) => present(await get(principal, id)),
    present,
    enqueueLanes,
    audienceWhere,

    async list(
      principal: Principal,
      query: {
        cursor?: string | undefined;
        limit: number;
        search?: string | undefined;
        status?: CampaignStatus[] | undefined;
      },
    ) {
      const before = decodeCursor(query.cursor, ['uuid']) as [string] | undefined;
      const rows = await repo.list(principal.orgId, {
        limit: query.limit + 1,
        ...(before ? { beforeId: before[0] } : {}),
        ...(query.search ? { search: query.search } : {}),
        ...(query.status ? { statuses: query.status } : {}),
      });
      const page = toPage(rows, query.limit, (r) => [r.id]);
      return { items: page.items.map(present), nextCursor: page.nextCursor };
    },

    async create(principal: Principal, input: CampaignInput) {
      await checkInput(principal.orgId, input);
      const now = clock.now();
      const row = await repo.insert({
        id: uuidv7(),
        orgId: principal.orgId,
        name: input.name.trim(),
        audience: normalizeAudience(input.audience),
        ...contentColumns(input),
        fromName: input.fromName?.trim() || null,
        replyTo: input.replyTo || null,
        senderIds: input.senderIds ?? [],
        rotation: input.rotation ?? 'round_robin',
        senderWeights: input.senderWeights ?? null,
        trackOpens: input.trackOpens ?? true,
        trackClicks: input.trackClicks ?? true,
        utm: input.utm ?? null,
        window: input.window ?? null,
        createdBy: principal.userId,
        createdAt: now,
        updatedAt: now,
      });
      return present(row);
    },

    async update(principal: Principal, id: string, patch: Partial<CampaignInput>) {
      const row = await own(principal, id);
      if (!FROM.edit!.includes(row.status)) throw conflict(row, 'be edited');
      await checkInput(principal.orgId, patch);
      const updated = await repo.update(principal.orgId, id, {
        ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
        ...(patch.audience !== undefined
          ? { audience: normalizeAudience({ ...row.audience, ...patch.audience }) }
          : {}),
        ...(patch.templateId !== undefined || patch.content !== undefined
          ? contentColumns({ templateId: patch.templateId ?? null, content: patch.content ?? null })
          : {}),
        ...(patch.fromName !== undefined ? { fromName: patch.fromName?.trim() || null } : {}),
        ...(patch.replyTo !== undefined ? { replyTo: patch.replyTo || null } : {}),
        ...(patch.senderIds !== undefined ? { senderIds: patch.senderIds } : {}),
        ...(patch.rotation !== undefined ? { rotation: patch.rotation } : {}),
        ...(patch.senderWeights !== undefined ? { senderWeights: patch.senderWeights } : {}),
        ...(patch.trackOpens !== undefined ? { trackOpens: patch.trackOpens } : {}),
        ...(patch.trackClicks !== undefined ? { trackClicks: patch.trackClicks } : {}),
        ...(patch.utm !== undefined ? { utm: patch.utm } : {}),
        ...(patch.window !== undefined ? { window: patch.window } : {}),
        updatedAt: clock.now(),
      });
      if (!updated) throw notFound('Campaign');
      return present(updated);
    },

    async remove(principal: Principal, id: string) {
      const row = await own(principal, id);
      if (!FROM.delete!.includes(row.status)) throw conflict(row, 'be deleted');
      await repo.delete(principal.orgId, id);
    },

    preflight: async (principal: Principal, id: string) => preflight(await get(principal, id)),

    /** Sends at `sendAt` (an instant, or a local time in `timezone`). */
    async schedule(
      principal: Principal,
      id: string,
      input: { sendAt: string; timezone?: string | undefined },
    ) {
      const row = await own(principal, id);
      if (!FROM.schedule!.includes(row.status)) throw conflict(row, 'be scheduled');
      const timezone = input.timezone ?? null;
      if (timezone && !isValidTimezone(timezone))
        throw new AppError('validation_failed', `Unknown timezone "${timezone}".`, {
          errors: [{ path: 'timezone', message: 'unknown timezone' }],
        });
      const at = zonedLocalToUtc(input.sendAt, timezone ?? 'UTC');
      if (!at)
        throw new AppError('validation_failed', 'sendAt is not a date and time.', {
          errors: [{ path: 'sendAt', message: 'use e.g. 2027-03-01T09:00 or an ISO instant' }],
        });
      if (at.getTime() < clock.now().getTime() - 60_000)
        throw new AppError('validation_failed', 'sendAt is in the past.', {
          errors: [{ path: 'sendAt', message: 'in the past; use send-now instead' }],
        });
      await refuseIfBlocked(row);
      const updated = await transition(id, FROM.schedule!, {
        status: 'scheduled',
        sendAt: at,
        timezone,
        updatedAt: clock.now(),
      });
      if (!updated) throw conflict(await get(principal, id), 'be scheduled');
      await enqueueStart(updated, at);
      return present(updated);
    },

    async sendNow(principal: Principal, id: string) {
      const row = await own(principal, id);
      if (!FROM.sendNow!.includes(row.status)) throw conflict(row, 'be sent now');
      await refuseIfBlocked(row);
      const now = clock.now();
      const updated = await transition(id, FROM.sendNow!, {
        status: 'scheduled',
        sendAt: now,
        updatedAt: now,
      });
      if (!updated) throw conflict(await get(principal, id), 'be sent now');
      await enqueueStart(updated, null);
      return present(updated);
    },

    async pause(principal: Principal, id: string) {
      const row = await own(principal, id);
      const updated = await transition(id, FROM.pause!, {
        status: 'paused',
        updatedAt: clock.now(),
      });
      if (!updated) throw conflict(row, 'be paused');
      return present(updated);
    },

    async resume(principal: Principal, id: string) {
      const row = await own(principal, id);
      const updated = await transition(id, FROM.resume!, {
        status: 'sending',
        waitingUntil: null,
        waitingReason: null,
        updatedAt: clock.now(),
      });
      if (!updated) throw conflict(row, 'be resumed');
      await enqueueLanes(updated);
      return present(updated);
    },

    async cancel(principal: Principal, id: string) {
      const row = await own(principal, id);
      const updated = await transition(id, FROM.cancel!, {
        status: 'cancelled',
        finishedAt: clock.now(),
        waitingUntil: null,
        waitingReason: null,
        updatedAt: clock.now(),
      });
      if (!updated) throw conflict(row, 'be cancelled');
      await ledger.cancelPending(id);
      return present((await repo.find(principal.orgId, id)) ?? updated);
    },

    async duplicate(principal: Principal, id: string) {
      const row = await own(principal, id);
      const now = clock.now();
      const copy = await repo.insert({
        ...row,
        id: uuidv7(),
        name: `${row.name} (copy)`.slice(0, 200),
        status: 'draft',
        templateVersion: null,
        sendAt: null,
        waitingUntil: null,
        waitingReason: null,
        recipients: 0,
        sentCount: 0,
        failedCount: 0,
        bouncedCount: 0,
        cancelledCount: 0,
        openedCount: 0,
        clickedCount: 0,
        // A copy is the marketer's own campaign, even when made from a flow step's.
        kind: 'campaign',
        lastError: null,
        startedAt: null,
        finishedAt: null,
        createdBy: principal.userId,
        createdAt: now,
        updatedAt: now,
      });
      return present(copy);
    },

    /** A draft aimed at the recipients of this campaign who did not open, click, or receive it. */
    async followUp(
      principal: Principal,
      id: string,
      to: 'non_openers' | 'non_clickers' | 'failed',
    ) {
      const row = await get(principal, id);
      if (!['sending', 'paused', 'sent', 'cancelled'].includes(row.status))
        throw conflict(row, 'have a follow-up yet (it has no recipients)');
      const now = clock.now();
      const label = { non_openers: 'non-openers', non_clickers: 'non-clickers', failed: 'failed' }[
        to
      ];
      const copy = await repo.insert({
        ...row,
        id: uuidv7(),
        name: `${row.name} — follow-up to ${label}`.slice(0, 200),
        status: 'draft',
        audience: {
          segmentIds: [],
          listIds: [],
          excludeSegmentIds: [],
          excludeListIds: [],
          followUp: { campaignId: row.id, to },
        },
        templateVersion: null,
        sendAt: null,
        waitingUntil: null,
        waitingReason: null,
        recipients: 0,
        sentCount: 0,
        failedCount: 0,
        bouncedCount: 0,
        cancelledCount: 0,
        openedCount: 0,
        clickedCount: 0,
        // A copy is the marketer's own campaign, even when made from a flow step's.
        kind: 'campaign',
        lastError: null,
        startedAt: null,
        finishedAt: null,
        createdBy: principal.userId,
        createdAt: now,
        updatedAt: now,
      });
      return present(copy);
    },

    /**
     * The start job: fixes the template version, snapshots the audience into the ledger and
     * starts the lanes. Safe to run again (a retried job): the snapshot adds nobody twice.
     */
    async start(campaignId: string, sendAt: string | null) {
      const row = await repo.findById(campaignId);
      if (!row) return;
      // A rescheduled or cancelled campaign leaves its old start job behind: it does nothing.
      if (row.status === 'scheduled' && sendAt && row.sendAt?.toISOString() !== sendAt) return;
      if (row.status !== 'scheduled' && row.status !== 'sending') return;
      const now = clock.now();
      let templateVersion = row.templateVersion;
      if (row.templateId && templateVersion === null) {
        templateVersion = (await repo.template(row.orgId, row.templateId))?.version ?? null;
      }
      const started =
        row.status === 'sending'
          ? row
          : await transition(campaignId, ['scheduled'], {
              status: 'sending',
              startedAt: now,
              templateVersion,
              updatedAt: now,
            });
      if (!started) return;
      await ledger.snapshot(campaignId, row.orgId, await audienceWhere(started), now);
      await enqueueLanes(started);
    },

    /**
     * Lanes lost (a queue that forgot its jobs): sending campaigns with messages due for a
     * while — longer than any live lane takes between claims — get their lanes again. Extra
     * lanes are harmless: the ledger hands each message to one of them. Scheduled campaigns
     * past their time, and started ones without a ledger, get their start job again.
     */
    async sweep(staleMs = 120_000) {
      const before = new Date(clock.now().getTime() - staleMs);
      for (const row of await repo.stalledSending(before)) {
        await enqueueLanes(row);
      }
      // Start jobs lost with a queue: the same job again (same id, so never two in the queue);
      // starting is conditional on the campaign's state, so a late original does nothing more.
      for (const row of await repo.lostStarts(before)) {
        await enqueueStart(row, row.status === 'scheduled' ? row.sendAt : null);
      }
    },

    /** A lane had to wait: show why and until when on the campaign. */
    async markWaiting(campaignId: string, until: Date | null, reason: string | null) {
      await transition(campaignId, ['sending'], {
        waitingUntil: until,
        waitingReason: reason,
      });
    },
  };
}

function normalizeAudience(
  audience: Partial<CampaignAudience> | null | undefined,
): CampaignAudience {
  return {
    segmentIds: [...new Set(audience?.segmentIds ?? [])],
    listIds: [...new Set(audience?.listIds ?? [])],
    excludeSegmentIds: [...new Set(audience?.excludeSegmentIds ?? [])],
    excludeListIds: [...new Set(audience?.excludeListIds ?? [])],
    followUp: audience?.followUp ?? null,
  };
}

function contentColumns(input: Pick<CampaignInput, 'templateId' | 'content'>) {
  if (input.templateId)
    return {
      templateId: input.templateId,
      subject: null,
      preheader: null,
      format: null,
      body: null,
      text: null,
    };
  const c = input.content;
  return {
    templateId: null,
    subject: c?.subject ?? null,
    preheader: c?.preheader ?? null,
    format: c?.format ?? null,
    body: c?.body ?? null,
    text: c?.text ?? null,
  };
}

export type CampaignsService = ReturnType<typeof createCampaignsService>;
