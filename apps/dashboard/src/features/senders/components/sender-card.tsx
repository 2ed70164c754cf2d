import clsx from 'clsx';
import { ArrowRight, Pause, Pencil, Play, ShieldCheck, Trash2 } from 'lucide-react';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { Card } from '../../../components/ui/card';
import { formatDateTime, formatNumber, formatRelative } from '../../../lib/format';
import type { Sender } from '../api';
import { AUTH_LABELS, describeLimit, describeWindow, TLS_LABELS } from '../sender-info';
import { LastVerification } from './verify-steps';

interface SenderCardProps {
  sender: Sender;
  isAdmin: boolean;
  isVerifying: boolean;
  isToggling: boolean;
  onVerify: () => void;
  onPause: () => void;
  onResume: () => void;
  onEdit: () => void;
  onDelete: () => void;
}

export function SenderCard({
  sender,
  isAdmin,
  isVerifying,
  isToggling,
  onVerify,
  onPause,
  onResume,
  onEdit,
  onDelete,
}: SenderCardProps) {
  const headingId = `sender-${sender.id}`;
  const isPaused = sender.status === 'paused';
  const from = sender.fromName ? `${sender.fromName} <${sender.fromEmail}>` : sender.fromEmail;
  return (
    <Card id={headingId} aria-labelledby={`${headingId}-name`} className="scroll-mt-20">
      <div className="flex flex-wrap items-start justify-between gap-3 border-b border-slate-200 px-5 py-4">
        <div className="min-w-0">
          <div className="flex flex-wrap items-center gap-2">
            <h2 id={`${headingId}-name`} className="text-base font-semibold text-slate-900">
              {sender.name}
            </h2>
            <Badge tone="neutral">
              {sender.provider === 'outbox' ? 'Built-in outbox' : 'SMTP'}
            </Badge>
            {isPaused ? <Badge tone="warning">Paused</Badge> : <Badge tone="success">Active</Badge>}
          </div>
          <p className="mt-0.5 text-sm break-all text-slate-600">
            {from}
            {sender.replyTo && (
              <span className="text-slate-500"> · replies to {sender.replyTo}</span>
            )}
          </p>
        </div>
        {isAdmin && (
          <div className="flex flex-wrap items-center gap-1.5">
            <Button
              variant="secondary"
              size="sm"
              isLoading={isVerifying}
              onClick={onVerify}
              aria-label={`Verify ${sender.name}`}
            >
              {!isVerifying && <ShieldCheck className="size-4" aria-hidden />}
              Verify
            </Button>
            {isPaused ? (
              <Button
                variant="secondary"
                size="sm"
                isLoading={isToggling}
                onClick={onResume}
                aria-label={`Resume ${sender.name}`}
              >
                {!isToggling && <Play className="size-4" aria-hidden />}
                Resume
              </Button>
            ) : (
              <Button
                variant="secondary"
                size="sm"
                isLoading={isToggling}
                onClick={onPause}
                aria-label={`Pause ${sender.name}`}
              >
                {!isToggling && <Pause className="size-4" aria-hidden />}
                Pause
              </Button>
            )}
            <Button variant="ghost" size="sm" onClick={onEdit} aria-label={`Edit ${sender.name}`}>
              <Pencil className="size-4" aria-hidden />
              Edit
            </Button>
            <Button
              variant="danger-ghost"
              size="icon"
              onClick={onDelete}
              aria-label={`Delete ${sender.name}`}
              title="Delete"
            >
              <Trash2 className="size-4" aria-hidden />
            </Button>
          </div>
        )}
      </div>

      {isPaused && (
        <div className="border-b border-amber-200 bg-amber-50 px-5 py-2.5 text-sm text-amber-900">
          <span className="font-medium">Paused</span>
          {sender.pausedAt && (
            <span>
              {' '}
              <time dateTime={sender.pausedAt} title={formatDateTime(sender.pausedAt)}>
                {formatRelative(sender.pausedAt)}
              </time>
            </span>
          )}
          {sender.pausedReason && (
            <span>
              : {sender.pausedReason}
              {/[.!?]$/.test(sender.pausedReason) ? '' : '.'}
            </span>
          )}
          <span className="text-amber-800">
            {' '}
            Campaigns don’t send through it until it’s resumed.
          </span>
        </div>
      )}

      <div className="grid divide-y divide-slate-100 md:grid-cols-3 md:divide-x md:divide-y-0">
        <Section title="Health, last 24 hours">
          <Health sender={sender} />
        </Section>
        <Section title="Limits and window">
          <Limits sender={sender} />
        </Section>
        <Section title="Connection">
          <Connection sender={sender} />
        </Section>
      </div>

      {sender.provider === 'smtp' && (
        <div className="border-t border-slate-200 px-5 py-4">
          <h3 className="mb-2 text-xs font-medium tracking-wide text-slate-500 uppercase">
            Last verification
          </h3>
          <LastVerification sender={sender} isVerifying={isVerifying} />
        </div>
      )}
      {sender.provider === 'outbox' && (isVerifying || sender.lastVerify) && (
        <div className="border-t border-slate-200 px-5 py-4">
          <LastVerification sender={sender} isVerifying={isVerifying} />
        </div>
      )}
    </Card>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="min-w-0 px-5 py-4">
      <h3 className="mb-2 text-xs font-medium tracking-wide text-slate-500 uppercase">{title}</h3>
      {children}
    </section>
  );
}

function Health({ sender }: { sender: Sender }) {
  const { score, sent24h, failed24h, deferred24h, consecutiveFailures, lastError } = sender.health;
  const total = sent24h + failed24h + deferred24h;
  const tone =
    score === null
      ? 'text-slate-400'
      : score >= 95
        ? 'text-emerald-700'
        : score >= 80
          ? 'text-amber-700'
          : 'text-red-700';
  return (
    <div className="space-y-2.5">
      {score === null ? (
        <p className="text-sm font-medium text-slate-500">No score yet</p>
      ) : (
        <p className="flex items-baseline gap-1.5">
          <span
            className={clsx('text-3xl font-semibold tracking-tight tabular-nums', tone)}
            aria-label={`Health score ${score} of 100`}
          >
            {score}
          </span>
          <span className="text-sm text-slate-500">/ 100</span>
        </p>
      )}
      {total > 0 ? (
        <>
          <div
            className="flex h-2 overflow-hidden rounded-full bg-slate-100"
            role="img"
            aria-label={`${sent24h} sent, ${deferred24h} deferred, ${failed24h} failed`}
          >
            <div className="bg-emerald-500" style={{ width: `${(sent24h / total) * 100}%` }} />
            <div className="bg-amber-400" style={{ width: `${(deferred24h / total) * 100}%` }} />
            <div className="bg-red-500" style={{ width: `${(failed24h / total) * 100}%` }} />
          </div>
          <ul className="flex flex-wrap gap-x-3 gap-y-0.5 text-xs text-slate-600">
            <Legend color="bg-emerald-500" label="sent" value={sent24h} />
            <Legend color="bg-amber-400" label="deferred" value={deferred24h} />
            <Legend color="bg-red-500" label="failed" value={failed24h} />
          </ul>
        </>
      ) : (
        <p className="text-sm text-slate-500">Nothing sent in the last 24 hours.</p>
      )}
      {consecutiveFailures > 0 && (
        <p className="text-sm font-medium text-red-700">
          {consecutiveFailures === 1
            ? 'The last attempt failed.'
            : `The last ${consecutiveFailures} attempts failed.`}
        </p>
      )}
      {lastError && (
        <p className="line-clamp-3 font-mono text-xs break-words text-red-700" title={lastError}>
          Last error: {lastError}
        </p>
      )}
      {sender.health.lastSuccessAt && (
        <p className="text-xs text-slate-500">
          Last delivered {formatRelative(sender.health.lastSuccessAt)}
        </p>
      )}
    </div>
  );
}

function Legend({ color, label, value }: { color: string; label: string; value: number }) {
  return (
    <li className="inline-flex items-center gap-1">
      <span className={clsx('size-2 rounded-full', color)} aria-hidden />
      <span className="font-medium text-slate-800 tabular-nums">{formatNumber(value)}</span>
      {label}
    </li>
  );
}

function Limits({ sender }: { sender: Sender }) {
  const { limits, window } = sender;
  const rows = [
    ['Per second', describeLimit(limits.perSecond, 'a second')],
    ['Per hour', describeLimit(limits.perHour, 'an hour')],
    ['Per day', describeLimit(limits.perDay, 'a day')],
  ] as const;
  const hasLimits = rows.some(([, value]) => value !== null);
  return (
    <div className="space-y-3 text-sm">
      {hasLimits ? (
        <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5">
          {rows.map(([label, value]) => (
            <div key={label} className="contents">
              <dt className="text-slate-500">{label}</dt>
              <dd className="text-slate-900 tabular-nums">{value ?? 'No limit'}</dd>
            </div>
          ))}
        </dl>
      ) : (
        <p className="text-slate-600">No rate limit.</p>
      )}
      {window ? (
        <div>
          <p className="text-slate-900">{describeWindow(window)}</p>
          <p className="text-xs text-slate-500">{window.timezone}</p>
          <p className="mt-1 flex items-center gap-1.5">
            <span
              aria-hidden
              className={clsx(
                'size-2 rounded-full',
                sender.isInWindow ? 'bg-emerald-500' : 'bg-slate-400',
              )}
            />
            {sender.isInWindow ? (
              <span className="text-emerald-800">Open now</span>
            ) : (
              <span className="text-slate-700">
                Closed now
                {sender.nextWindowOpensAt && (
                  <>
                    , opens{' '}
                    <time
                      dateTime={sender.nextWindowOpensAt}
                      title={formatDateTime(sender.nextWindowOpensAt)}
                    >
                      {formatRelative(sender.nextWindowOpensAt)}
                    </time>
                  </>
                )}
              </span>
            )}
          </p>
        </div>
      ) : (
        <p className="text-slate-600">Sends at any time of day.</p>
      )}
    </div>
  );
}

function Connection({ sender }: { sender: Sender }) {
  if (sender.provider === 'outbox' || !sender.smtp) {
    return (
      <div className="space-y-2 text-sm text-slate-600">
        <p>
          Nothing leaves Herald: messages are kept in the outbox, exactly as they would be sent.
        </p>
        <Link
          to="/senders/outbox"
          className="inline-flex items-center gap-1 rounded font-medium text-indigo-700 hover:text-indigo-600"
        >
          Open the outbox
          <ArrowRight className="size-3.5" aria-hidden />
        </Link>
      </div>
    );
  }
  const { smtp } = sender;
  return (
    <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-3 gap-y-0.5 text-sm">
      <dt className="text-slate-500">Server</dt>
      <dd className="font-mono text-xs leading-5 break-all text-slate-900">
        {smtp.host}:{smtp.port}
      </dd>
      <dt className="text-slate-500">Encryption</dt>
      <dd className="text-slate-900">
        {TLS_LABELS[smtp.tls]}
        {smtp.allowInvalidCertificates && (
          <Badge tone="warning" className="ml-1.5">
            Any certificate
          </Badge>
        )}
      </dd>
      <dt className="text-slate-500">Login</dt>
      <dd className="text-slate-900">{AUTH_LABELS[smtp.auth]}</dd>
      {smtp.auth !== 'none' && (
        <>
          <dt className="text-slate-500">User</dt>
          <dd className="break-all text-slate-900">{smtp.username ?? '—'}</dd>
          <dt className="text-slate-500">{smtp.auth === 'xoauth2' ? 'Token' : 'Password'}</dt>
          <dd className={smtp.hasPassword ? 'text-slate-900' : 'text-red-700'}>
            {smtp.hasPassword ? 'Stored' : 'Missing'}
          </dd>
        </>
      )}
    </dl>
  );
}
