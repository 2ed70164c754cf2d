import { ApiError } from '../../lib/api-error';
import { checkEmail } from '../auth/validation';
import type { Sender, SenderInput } from './api';
import { DEFAULT_PORTS, localTimeZone, type AuthMethod, type TlsMode } from './sender-info';

/**
 * The sender form's model: a draft of strings and flags as the inputs hold them, its checks,
 * the API body it becomes, and the API's error paths read back onto the form's fields.
 */

export interface WindowDraft {
  /** ISO weekdays, 1 = Monday. */
  days: number[];
  /** "HH:MM", as a time input gives it. */
  start: string;
  end: string;
  timezone: string;
}

export interface SenderDraft {
  provider: 'smtp' | 'outbox';
  name: string;
  fromName: string;
  fromEmail: string;
  replyTo: string;
  host: string;
  port: string;
  tls: TlsMode;
  auth: AuthMethod;
  username: string;
  password: string;
  allowInvalidCertificates: boolean;
  perSecond: string;
  perHour: string;
  perDay: string;
  hasWindow: boolean;
  window: WindowDraft;
}

const limitText = (value: number | null | undefined) => (value == null ? '' : String(value));

export function draftOf(sender: Sender | undefined): SenderDraft {
  return {
    provider: sender?.provider ?? 'smtp',
    name: sender?.name ?? '',
    fromName: sender?.fromName ?? '',
    fromEmail: sender?.fromEmail ?? '',
    replyTo: sender?.replyTo ?? '',
    host: sender?.smtp?.host ?? '',
    port: String(sender?.smtp?.port ?? DEFAULT_PORTS.starttls),
    tls: sender?.smtp?.tls ?? 'starttls',
    auth: sender?.smtp?.auth ?? 'plain',
    username: sender?.smtp?.username ?? '',
    password: '',
    allowInvalidCertificates: sender?.smtp?.allowInvalidCertificates ?? false,
    perSecond: limitText(sender?.limits.perSecond),
    perHour: limitText(sender?.limits.perHour),
    perDay: limitText(sender?.limits.perDay),
    hasWindow: Boolean(sender?.window),
    window: sender?.window
      ? { ...sender.window }
      : { days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00', timezone: localTimeZone() },
  };
}

/** Messages by field, keyed like the API's error paths (`smtp.port`, `window.timezone`). */
export type FormErrors = Record<string, string>;

export const LIMIT_FIELDS = ['perSecond', 'perHour', 'perDay'] as const;
export const WINDOW_FIELDS = ['days', 'start', 'end', 'timezone'] as const;

/** The form's own checks, keyed like the API's error paths. */
export function check(draft: SenderDraft, sender: Sender | undefined): FormErrors {
  const errors: FormErrors = {};
  if (!draft.name.trim()) errors.name = 'Name the sender, e.g. “Newsletter”.';
  const fromProblem = checkEmail(draft.fromEmail);
  if (fromProblem)
    errors.fromEmail = draft.fromEmail.trim() ? fromProblem : 'Enter the address mail comes from.';
  if (draft.replyTo.trim()) {
    const replyProblem = checkEmail(draft.replyTo);
    if (replyProblem) errors.replyTo = replyProblem;
  }
  if (draft.provider === 'smtp') {
    if (!draft.host.trim())
      errors['smtp.host'] = 'Enter the server’s host name, e.g. smtp.example.com.';
    const port = Number(draft.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      errors['smtp.port'] = 'A port is a whole number from 1 to 65535.';
    if (draft.auth !== 'none') {
      if (!draft.username.trim()) errors['smtp.username'] = 'Enter the user name to log in with.';
      if (!draft.password && !sender?.smtp?.hasPassword)
        errors['smtp.password'] =
          draft.auth === 'xoauth2' ? 'Enter the access token.' : 'Enter the password.';
    }
  }
  for (const field of LIMIT_FIELDS) {
    const text = draft[field].trim();
    if (text && !(Number.isInteger(Number(text)) && Number(text) >= 1))
      errors[`limits.${field}`] = 'A whole number of at least 1, or empty for no limit.';
  }
  if (draft.hasWindow) {
    if (draft.window.days.length === 0) errors['window.days'] = 'Pick at least one day.';
    if (!draft.window.start) errors['window.start'] = 'Enter a time.';
    if (!draft.window.end) errors['window.end'] = 'Enter a time.';
    else if (draft.window.start === draft.window.end)
      errors['window.end'] = 'Must differ from the start. Turn the window off to send at any time.';
    if (!draft.window.timezone.trim())
      errors['window.timezone'] = 'Enter a time zone, e.g. Europe/Paris.';
  }
  return errors;
}

export function bodyOf(draft: SenderDraft, sender: Sender | undefined): SenderInput {
  const limit = (text: string) => (text.trim() ? Number(text) : null);
  return {
    name: draft.name.trim(),
    fromName: draft.fromName.trim() || null,
    fromEmail: draft.fromEmail.trim(),
    replyTo: draft.replyTo.trim() || null,
    provider: draft.provider,
    smtp:
      draft.provider === 'smtp'
        ? {
            host: draft.host.trim(),
            port: Number(draft.port),
            tls: draft.tls,
            auth: draft.auth,
            username: draft.auth === 'none' ? null : draft.username.trim(),
            // Left out, the stored password stays; sent, it replaces it.
            ...(draft.auth !== 'none' && (draft.password || !sender?.smtp?.hasPassword)
              ? { password: draft.password }
              : {}),
            allowInvalidCertificates: draft.allowInvalidCertificates,
          }
        : null,
    limits: {
      perSecond: limit(draft.perSecond),
      perHour: limit(draft.perHour),
      perDay: limit(draft.perDay),
    },
    window: draft.hasWindow ? { ...draft.window, timezone: draft.window.timezone.trim() } : null,
  };
}

/** The API's error paths (`body.smtp.port`, `smtp.username`) as the form's keys. */
export function serverErrors(error: unknown): FormErrors {
  if (!(error instanceof ApiError)) return {};
  const errors: FormErrors = {};
  for (const fieldError of error.fieldErrors) {
    const path = fieldError.path.replace(/^body\./, '');
    const message = fieldError.message.charAt(0).toUpperCase() + fieldError.message.slice(1);
    errors[path] ??= message.endsWith('.') ? message : `${message}.`;
  }
  return errors;
}

export const KNOWN_PATHS = new Set([
  'name',
  'fromName',
  'fromEmail',
  'replyTo',
  'smtp.host',
  'smtp.port',
  'smtp.tls',
  'smtp.auth',
  'smtp.username',
  'smtp.password',
  ...LIMIT_FIELDS.map((f) => `limits.${f}`),
  ...WINDOW_FIELDS.map((f) => `window.${f}`),
]);
