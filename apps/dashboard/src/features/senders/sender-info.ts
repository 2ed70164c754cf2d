import type { SelectOption } from '../../components/ui/select';
import { formatNumber } from '../../lib/format';
import type { SendingWindow, SmtpSettings } from './api';

export type TlsMode = SmtpSettings['tls'];
export type AuthMethod = SmtpSettings['auth'];

export const TLS_OPTIONS: SelectOption<TlsMode>[] = [
  {
    value: 'starttls',
    label: 'STARTTLS (required)',
    description: 'Usually port 587. Refuses to send unencrypted.',
  },
  { value: 'implicit', label: 'TLS from the start', description: 'Usually port 465.' },
  {
    value: 'starttls-opportunistic',
    label: 'STARTTLS when offered',
    description: 'Encrypts if the server supports it, else sends in the clear.',
  },
  { value: 'none', label: 'No encryption', description: 'Only for servers on your own network.' },
];

export const TLS_LABELS = Object.fromEntries(TLS_OPTIONS.map((o) => [o.value, o.label])) as Record<
  TlsMode,
  string
>;

/** The port people mean when they pick a TLS mode. */
export const DEFAULT_PORTS: Record<TlsMode, number> = {
  starttls: 587,
  implicit: 465,
  'starttls-opportunistic': 587,
  none: 25,
};

export const AUTH_OPTIONS: SelectOption<AuthMethod>[] = [
  { value: 'plain', label: 'Password (PLAIN)', description: 'What most providers use.' },
  { value: 'login', label: 'Password (LOGIN)', description: 'For older servers such as Exchange.' },
  {
    value: 'xoauth2',
    label: 'OAuth 2 token',
    description: 'Gmail and Microsoft 365 with an access token.',
  },
  { value: 'none', label: 'No login', description: 'Relays that trust your address.' },
];

export const AUTH_LABELS = Object.fromEntries(
  AUTH_OPTIONS.map((o) => [o.value, o.label]),
) as Record<AuthMethod, string>;

/** ISO weekdays: 1 = Monday … 7 = Sunday, as the API counts them. */
export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

const weekdayName = (day: number, style: 'short' | 'long') =>
  // 2024-01-01 was a Monday.
  new Intl.DateTimeFormat(undefined, { weekday: style, timeZone: 'UTC' }).format(
    new Date(Date.UTC(2024, 0, day)),
  );

export const WEEKDAY_SHORT = Object.fromEntries(WEEKDAYS.map((d) => [d, weekdayName(d, 'short')]));
export const WEEKDAY_LONG = Object.fromEntries(WEEKDAYS.map((d) => [d, weekdayName(d, 'long')]));

/** "Mon–Fri", "Mon, Wed, Fri", "Every day": runs of three or more days collapse. */
export function describeDays(days: readonly number[]): string {
  const sorted = [...new Set(days)].sort((a, b) => a - b);
  if (sorted.length === 7) return 'Every day';
  const runs: number[][] = [];
  for (const day of sorted) {
    const run = runs.at(-1);
    if (run && run.at(-1) === day - 1) run.push(day);
    else runs.push([day]);
  }
  return runs
    .flatMap((run) =>
      run.length >= 3
        ? [`${WEEKDAY_SHORT[run[0]!]}–${WEEKDAY_SHORT[run.at(-1)!]}`]
        : run.map((day) => WEEKDAY_SHORT[day]!),
    )
    .join(', ');
}

/** "Mon–Fri, 09:00–17:00 (Europe/Paris)". */
export function describeWindow(window: SendingWindow): string {
  const overnight = window.end < window.start ? ' (overnight)' : '';
  return `${describeDays(window.days)}, ${window.start}–${window.end}${overnight}`;
}

/** "50 a second"; null when there is no limit. */
export function describeLimit(value: number | null, unit: string): string | null {
  return value === null ? null : `${formatNumber(value)} ${unit}`;
}

/** Every time zone the browser knows, for the window's picker. */
export function timeZones(): string[] {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return ['UTC'];
  }
}

export const localTimeZone = (): string =>
  Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** Verification steps, named as a person would. Unknown steps show as the API names them. */
const STEP_LABELS: Record<string, string> = {
  connect: 'Connect',
  greeting: 'Server greeting',
  ehlo: 'EHLO',
  starttls: 'STARTTLS',
  tls: 'TLS',
  auth: 'Log in',
  outbox: 'Outbox',
};

export const stepLabel = (step: string): string => STEP_LABELS[step] ?? step;
