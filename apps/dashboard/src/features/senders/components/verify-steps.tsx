import clsx from 'clsx';
import { CheckCircle2, Loader2, XCircle } from 'lucide-react';
import { formatDateTime, formatRelative } from '../../../lib/format';
import type { Sender, VerifyStep } from '../api';
import { stepLabel } from '../sender-info';

const formatMs = (ms: number) => (ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`);

/** What to look at when a step fails, for people who don't speak SMTP. */
const NEXT_STEPS: Record<string, string> = {
  connect:
    'Herald couldn’t reach the server. Check the host and port, and that no firewall is in the way.',
  greeting: 'Something answered, but not like a mail server. Check the port.',
  ehlo: 'The server refused to start a session. Check the host name with your provider.',
  starttls: 'Encryption failed. Try another encryption setting, or check the server’s certificate.',
  auth: 'The login was refused. Check the user name and password (or token).',
};

/** The verification's steps in order: what worked, what failed and why, how long each took. */
export function VerifySteps({ steps, label }: { steps: readonly VerifyStep[]; label: string }) {
  return (
    <ol aria-label={label} className="space-y-1.5">
      {steps.map((step, index) => (
        <li key={`${step.step}-${index}`} className="flex items-start gap-2.5 text-sm">
          {step.ok ? (
            <CheckCircle2 className="mt-0.5 size-4 shrink-0 text-emerald-600" aria-label="Passed" />
          ) : (
            <XCircle className="mt-0.5 size-4 shrink-0 text-red-500" aria-label="Failed" />
          )}
          <div className="min-w-0 flex-1">
            <span className={clsx('font-medium', step.ok ? 'text-slate-900' : 'text-red-800')}>
              {stepLabel(step.step)}
            </span>
            <span className="text-xs text-slate-400 tabular-nums"> · {formatMs(step.ms)}</span>
            {step.detail && (
              <p
                className={clsx(
                  'font-mono text-xs break-words',
                  step.ok ? 'text-slate-500' : 'text-red-700',
                )}
              >
                {step.detail}
              </p>
            )}
            {!step.ok && NEXT_STEPS[step.step] && (
              <p className="mt-0.5 text-slate-600">{NEXT_STEPS[step.step]}</p>
            )}
          </div>
        </li>
      ))}
    </ol>
  );
}

/** The last verification of a sender, or the one running now. */
export function LastVerification({
  sender,
  isVerifying,
}: {
  sender: Sender;
  isVerifying: boolean;
}) {
  const target =
    sender.provider === 'smtp' && sender.smtp ? `${sender.smtp.host}:${sender.smtp.port}` : null;
  if (isVerifying) {
    return (
      <p role="status" className="flex items-center gap-2 text-sm text-slate-600">
        <Loader2 className="size-4 animate-spin" aria-hidden />
        {target ? `Connecting to ${target}…` : 'Checking…'}
      </p>
    );
  }
  const report = sender.lastVerify;
  if (!report) {
    return (
      <p className="text-sm text-slate-500">
        Not verified yet. Verifying connects, negotiates encryption and logs in, without sending
        anything.
      </p>
    );
  }
  return (
    <div role="status" aria-label={`Verification of ${sender.name}`} className="space-y-2">
      <p className="text-sm">
        <span className={clsx('font-medium', report.ok ? 'text-emerald-800' : 'text-red-800')}>
          {report.ok ? 'Works' : 'Failed'}
        </span>
        <span className="text-slate-500">
          {' '}
          · verified{' '}
          <time dateTime={report.at} title={formatDateTime(report.at)}>
            {formatRelative(report.at)}
          </time>
        </span>
      </p>
      <VerifySteps steps={report.steps} label={`Verification steps for ${sender.name}`} />
    </div>
  );
}
