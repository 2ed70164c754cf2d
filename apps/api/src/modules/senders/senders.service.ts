import { v7 as uuidv7 } from 'uuid';
import type { SendingWindow, SmtpSettings } from '../../db/schema/index.js';
import type { Principal } from '../../http/access.js';
import { AppError, notFound, refuseWhileUsed, type FieldError } from '../../http/errors.js';
import type { Clock } from '../../platform/clock.js';
import type { SecretBox } from '../../platform/crypto.js';
import { createOutboxTransport } from '../../platform/mail/outbox.js';
import { createSmtpTransport } from '../../platform/mail/smtp.js';
import type { SmtpResult } from '../../platform/mail/smtp-client.js';
import type { MailTransport } from '../../platform/mail/transport.js';
import type { SenderRow, SendersRepo } from './senders.repo.js';
import { isValidTimezone, isWithinWindow, nextWindowOpening } from './window.js';

export interface SmtpInput {
  host: string;
  port: number;
  tls: SmtpSettings['tls'];
  auth: SmtpSettings['auth'];
  username?: string | null | undefined;
  /** Write-only. Absent: keep the stored one; null: clear it. */
  password?: string | null | undefined;
  allowInvalidCertificates?: boolean | undefined;
}

export interface SenderInput {
  name: string;
  fromName?: string | null | undefined;
  fromEmail: string;
  replyTo?: string | null | undefined;
  provider: SenderRow['provider'];
  smtp?: SmtpInput | null | undefined;
  limits?:
    | {
        perSecond?: number | null | undefined;
        perHour?: number | null | undefined;
        perDay?: number | null | undefined;
      }
    | undefined;
  window?: SendingWindow | null | undefined;
}

export type SenderPatch = Partial<Omit<SenderInput, 'provider'>>;

/** Transport failures in a row after which a sender is paused and an alert raised. */
export const PAUSE_AFTER_FAILURES = 10;
const DAY_MS = 24 * 3600 * 1000;
const HOUR_MS = 3600 * 1000;

/** Failures of the session rather than of one recipient: they say the server refuses us. */
const SESSION_STAGES = new Set(['connect', 'greeting', 'ehlo', 'starttls', 'auth']);
export const isTransportFailure = (result: SmtpResult) =>
  result.outcome !== 'sent' &&
  ((result.stage !== undefined && SESSION_STAGES.has(result.stage)) ||
    result.code === null ||
    result.code === 421);

export function createSendersService(deps: {
  repo: SendersRepo;
  clock: Clock;
  secrets: SecretBox;
  /** Campaigns that still need it (names for the message); deleting is refused while any do. */
  usedBy?: (orgId: string, id: string) => Promise<{ id: string; name: string }[]>;
}) {
  const { repo, clock, secrets, usedBy } = deps;

  async function get(principal: Principal, id: string): Promise<SenderRow> {
    const row = await repo.find(principal.orgId, id);
    if (!row) throw notFound('Sender');
    return row;
  }

  function present(row: SenderRow, counts = { sent: 0, failed: 0, deferred: 0 }) {
    const attempts = counts.sent + counts.failed + counts.deferred;
    const now = clock.now();
    return {
      id: row.id,
      name: row.name,
      fromName: row.fromName,
      fromEmail: row.fromEmail,
      replyTo: row.replyTo,
      provider: row.provider,
      smtp: row.smtp ? { ...row.smtp, hasPassword: row.secret !== null } : null,
      limits: { perSecond: row.perSecond, perHour: row.perHour, perDay: row.perDay },
      window: row.window,
      isInWindow: row.window ? isWithinWindow(row.window, now) : true,
      nextWindowOpensAt:
        row.window && !isWithinWindow(row.window, now) ? nextWindowOpening(row.window, now) : null,
      status: row.status,
      pausedReason: row.pausedReason,
      pausedAt: row.pausedAt,
      health: {
        /** Share of the last day's attempts that were accepted; null without traffic. */
        score:
          attempts === 0
            ? row.consecutiveFailures > 0
              ? 0
              : null
            : Math.round((counts.sent / attempts) * 100),
        sent24h: counts.sent,
        failed24h: counts.failed,
        deferred24h: counts.deferred,
        consecutiveFailures: row.consecutiveFailures,
        lastSuccessAt: row.lastSuccessAt,
        lastFailureAt: row.lastFailureAt,
        lastError: row.lastError,
      },
      lastVerify: row.lastVerify,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }

  async function presentOne(row: SenderRow) {
    const health = await repo.health(row.orgId, new Date(clock.now().getTime() - DAY_MS));
    return present(row, health.get(row.id));
  }

  /** Builds the stored settings from input, checking what zod cannot. */
  function settingsFrom(
    provider: SenderRow['provider'],
    smtp: SmtpInput | null | undefined,
    current: SenderRow | null,
  ): { smtp: SmtpSettings | null; secret: string | null } {
    if (provider === 'outbox') return { smtp: null, secret: null };
    if (!smtp) throw invalid('smtp', 'SMTP settings are required for an smtp sender');
    const settings: SmtpSettings = {
      host: smtp.host,
      port: smtp.port,
      tls: smtp.tls,
      auth: smtp.auth,
      username: smtp.username?.trim() || null,
      allowInvalidCertificates: smtp.allowInvalidCertificates ?? false,
    };
    let secret = current?.secret ?? null;
    if (smtp.password !== undefined) secret = smtp.password ? secrets.seal(smtp.password) : null;
    if (settings.auth === 'none') secret = null;
    else {
      if (!settings.username) throw invalid('smtp.username', `required for ${settings.auth} login`);
      if (!secret)
        throw invalid(
          'smtp.password',
          settings.auth === 'xoauth2' ? 'an OAuth2 access token is required' : 'required',
        );
    }
    return { smtp: settings, secret };
  }

  function checkWindow(window: SendingWindow | null | undefined) {
    if (!window) return;
    if (!isValidTimezone(window.timezone))
      throw invalid('window.timezone', `unknown timezone "${window.timezone}"`);
    if (window.start === window.end)
      throw invalid('window.end', 'must differ from start (use no window to send at any time)');
  }

  /** The transport a sender's mail goes through; the caller closes it. */
  function transportFor(row: SenderRow): MailTransport {
    if (row.provider === 'outbox') {
      return createOutboxTransport((mails) =>
        repo.storeInOutbox(
          row.orgId,
          row.id,
          mails.map(() => uuidv7()),
          mails,
        ),
      );
    }
    const smtp = row.smtp!;
    const password = row.secret ? secrets.open(row.secret) : undefined;
    return createSmtpTransport({
      host: smtp.host,
      port: smtp.port,
      tls: smtp.tls,
      ...(smtp.auth !== 'none' && smtp.username
        ? {
            auth: {
              method: smtp.auth,
              username: smtp.username,
              ...(smtp.auth === 'xoauth2' ? { accessToken: password } : { password }),
            },
          }
        : {}),
      tlsOptions: {
        rejectUnauthorized: !smtp.allowInvalidCertificates,
        servername: smtp.host,
      },
    });
  }

  return {
    get,
    present,
    transportFor,

    async list(principal: Principal) {
      const [rows, health] = await Promise.all([
        repo.list(principal.orgId),
        repo.health(principal.orgId, new Date(clock.now().getTime() - DAY_MS)),
      ]);
      return { items: rows.map((r) => present(r, health.get(r.id))) };
    },

    async getView(principal: Principal, id: string) {
      return presentOne(await get(principal, id));
    },

    async create(principal: Principal, input: SenderInput) {
      const { smtp, secret } = settingsFrom(input.provider, input.smtp, null);
      checkWindow(input.window);
      const now = clock.now();
      const row = await repo.insert({
        id: uuidv7(),
        orgId: principal.orgId,
        name: input.name.trim(),
        fromName: input.fromName?.trim() || null,
        fromEmail: input.fromEmail,
        replyTo: input.replyTo || null,
        provider: input.provider,
        smtp,
        secret,
        perSecond: input.limits?.perSecond ?? null,
        perHour: input.limits?.perHour ?? null,
        perDay: input.limits?.perDay ?? null,
        window: input.window ?? null,
        createdAt: now,
        updatedAt: now,
      });
      return present(row);
    },

    async update(principal: Principal, id: string, patch: SenderPatch) {
      const current = await get(principal, id);
      const settings =
        patch.smtp !== undefined
          ? settingsFrom(current.provider, patch.smtp, current)
          : { smtp: current.smtp, secret: current.secret };
      if (patch.window !== undefined) checkWindow(patch.window);
      const row = await repo.update(principal.orgId, id, {
        ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
        ...(patch.fromName !== undefined ? { fromName: patch.fromName?.trim() || null } : {}),
        ...(patch.fromEmail !== undefined ? { fromEmail: patch.fromEmail } : {}),
        ...(patch.replyTo !== undefined ? { replyTo: patch.replyTo || null } : {}),
        smtp: settings.smtp,
        secret: settings.secret,
        ...(patch.limits !== undefined
          ? {
              perSecond: patch.limits.perSecond ?? null,
              perHour: patch.limits.perHour ?? null,
              perDay: patch.limits.perDay ?? null,
            }
          : {}),
        ...(patch.window !== undefined ? { window: patch.window } : {}),
        updatedAt: clock.now(),
      });
      if (!row) throw notFound('Sender');
      return presentOne(row);
    },

    async remove(principal: Principal, id: string) {
      refuseWhileUsed(await usedBy?.(principal.orgId, id), 'Sender');
      if (!(await repo.delete(principal.orgId, id))) throw notFound('Sender');
      await repo.resolveAlerts(principal.orgId, id, clock.now());
    },

    /** Connects, negotiates TLS and auth step by step, and keeps the report on the sender. */
    async verify(principal: Principal, id: string) {
      const row = await get(principal, id);
      const transport = transportFor(row);
      try {
        const result = await transport.verify();
        const report = { ok: result.ok, at: clock.now().toISOString(), steps: result.steps };
        const updated = await repo.update(principal.orgId, id, { lastVerify: report });
        return { ...report, sender: await presentOne(updated ?? row) };
      } finally {
        await transport.close();
      }
    },

    async pause(principal: Principal, id: string) {
      await get(principal, id);
      const now = clock.now();
      const row = await repo.update(principal.orgId, id, {
        status: 'paused',
        pausedReason: 'Paused by a person',
        pausedAt: now,
        updatedAt: now,
      });
      return presentOne(row!);
    },

    /** Resumes sending and clears the failure streak and the alerts that paused it. */
    async resume(principal: Principal, id: string) {
      await get(principal, id);
      const now = clock.now();
      const row = await repo.update(principal.orgId, id, {
        status: 'active',
        pausedReason: null,
        pausedAt: null,
        consecutiveFailures: 0,
        updatedAt: now,
      });
      await repo.resolveAlerts(principal.orgId, id, now);
      return presentOne(row!);
    },

    /**
     * Books delivery outcomes against a sender (health, failure streak); a sender whose
     * server keeps refusing is paused with an alert. Returns whether it is (now) paused.
     */
    async recordOutcomes(orgId: string, senderId: string, results: readonly SmtpResult[]) {
      const counts = { sent: 0, failed: 0, deferred: 0, transportFailures: 0 };
      let lastError: string | null = null;
      for (const r of results) {
        if (r.outcome === 'sent') counts.sent += 1;
        else if (r.outcome === 'failed') counts.failed += 1;
        else counts.deferred += 1;
        if (isTransportFailure(r)) counts.transportFailures += 1;
        if (r.outcome !== 'sent') lastError = r.reply.slice(0, 1000);
      }
      const now = clock.now();
      const hour = new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS);
      const row = await repo.recordOutcomes(orgId, senderId, hour, { ...counts, lastError }, now);
      if (!row) return false;
      if (row.status === 'active' && row.consecutiveFailures >= PAUSE_AFTER_FAILURES) {
        await repo.pauseWithAlert(
          orgId,
          senderId,
          `The server refused ${row.consecutiveFailures} attempts in a row: ${lastError ?? 'no reply'}`,
          {
            id: uuidv7(),
            title: `Sender “${row.name}” was paused`,
            message: `${row.consecutiveFailures} delivery attempts in a row failed at the server (last: ${lastError ?? 'no reply'}). Check the settings, verify the sender, then resume it.`,
          },
          now,
        );
        return true;
      }
      return row.status === 'paused';
    },

    /**
     * Seals every stored credential again with the current key (after a key rotation). Safe to
     * run again or concurrently: a value changed meanwhile is left to the next run. A value no
     * known key opens is left as it is and counted, so one lost secret does not stop the rest.
     */
    async resealSecrets(): Promise<{ checked: number; resealed: number; unreadable: number }> {
      let resealed = 0;
      let unreadable = 0;
      const rows = await repo.allSecrets();
      for (const row of rows) {
        if (!secrets.isStale(row.secret)) continue;
        let plaintext: string;
        try {
          plaintext = secrets.open(row.secret);
        } catch {
          unreadable += 1;
          continue;
        }
        if (await repo.replaceSecret(row.id, row.secret, secrets.seal(plaintext))) resealed += 1;
      }
      return { checked: rows.length, resealed, unreadable };
    },

    /** The built-in outbox sender a new embedded installation starts with. */
    async createDefaultOutbox(orgId: string, fromEmail: string, fromName: string | null) {
      const now = clock.now();
      await repo.insert({
        id: uuidv7(),
        orgId,
        name: 'Built-in outbox',
        fromName,
        fromEmail,
        provider: 'outbox',
        createdAt: now,
        updatedAt: now,
      });
    },
  };
}

function invalid(path: string, message: string): AppError {
  const errors: FieldError[] = [{ path, message }];
  return new AppError('validation_failed', `${path}: ${message}`, { errors });
}

export type SendersService = ReturnType<typeof createSendersService>;
