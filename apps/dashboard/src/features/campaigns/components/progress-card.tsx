import clsx from 'clsx';
import { useEffect, useRef, useState } from 'react';
import { Alert } from '../../../components/ui/alert';
import { Card, CardBody, CardHeader } from '../../../components/ui/card';
import { ProgressBar } from '../../../components/ui/progress';
import { formatDateTime, formatNumber, formatRelative } from '../../../lib/format';
import { POLL_OFFLINE_MS, type Campaign } from '../api';
import { finished, formatSendRate, sendRate, type ProgressSample } from '../metrics';

/** A wait shorter than this is a rate limit doing its job between batches, not news. */
const NOTABLE_WAIT_MS = 5_000;

/** Readings of the campaign's progress as they arrive, for the messages-per-second figure. */
function useSendRate(campaign: Campaign, readAt: number): number | null {
  const samples = useRef<ProgressSample[]>([]);
  const [now, setNow] = useState(() => Date.now());
  const done = finished(campaign.progress);
  const isSending = campaign.status === 'sending';

  useEffect(() => {
    const list = samples.current;
    if (list.at(-1)?.at === readAt) return;
    list.push({ at: readAt, finished: done });
    // A minute of readings is plenty for a ten-second window.
    while (list.length > 0 && list[0]!.at < readAt - 60_000) list.shift();
  }, [readAt, done]);

  // Between readings the figure still ages, so a stall shows as a falling rate.
  useEffect(() => {
    if (!isSending) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [isSending]);

  return isSending ? sendRate(samples.current, Math.max(now, readAt)) : null;
}

interface ProgressCardProps {
  campaign: Campaign;
  /** When the campaign shown was read (the query's dataUpdatedAt). */
  readAt: number;
  isLive: boolean;
}

/** Where the send stands: the bar, the pace, and why it is waiting if it is. */
export function ProgressCard({ campaign, readAt, isLive }: ProgressCardProps) {
  const rate = useSendRate(campaign, readAt);
  const { progress, status } = campaign;
  const done = finished(progress);
  const waitingUntil = campaign.waitingUntil ? new Date(campaign.waitingUntil).getTime() : 0;
  const isWaiting =
    status === 'sending' && waitingUntil - Math.max(Date.now(), readAt) > NOTABLE_WAIT_MS;
  const isMoving = status === 'sending' || status === 'paused';

  if (status === 'scheduled') {
    const isDue = campaign.sendAt !== null && new Date(campaign.sendAt).getTime() <= Date.now();
    return (
      <Card aria-labelledby="progress-heading">
        <CardHeader
          id="progress-heading"
          title={isDue ? 'Starting' : 'Scheduled'}
          description={
            isDue
              ? 'Taking the snapshot of the audience; sending starts in a moment.'
              : campaign.sendAt
                ? `Sends ${formatDateTime(campaign.sendAt)}${campaign.timezone ? ` (${campaign.timezone})` : ''}, ${formatRelative(campaign.sendAt)}.`
                : 'Waiting to start.'
          }
        />
      </Card>
    );
  }

  const title = {
    draft: 'Draft',
    sending: isWaiting ? 'Waiting' : 'Sending',
    paused: 'Paused',
    sent: 'Sent',
    cancelled: 'Cancelled',
    failed: 'Failed',
  }[status];

  return (
    <Card aria-labelledby="progress-heading">
      <CardHeader
        id="progress-heading"
        title={title}
        description={
          campaign.finishedAt
            ? `Finished ${formatDateTime(campaign.finishedAt)}${campaign.startedAt ? `, started ${formatDateTime(campaign.startedAt)}` : ''}.`
            : campaign.startedAt
              ? `Started ${formatDateTime(campaign.startedAt)}.`
              : undefined
        }
        actions={isMoving && <LiveState isLive={isLive} />}
      />
      <CardBody className="space-y-4">
        <ProgressBar
          label="Sent so far"
          value={progress.percent}
          tone={status === 'sent' ? 'success' : status === 'failed' ? 'danger' : 'brand'}
          valueText={`${progress.percent} % · ${formatNumber(done)} of ${formatNumber(progress.recipients)}`}
        />
        {status === 'sending' && (
          <p className="text-sm text-slate-600" aria-live="off">
            <span className="font-medium text-slate-900 tabular-nums">
              {rate === null ? 'Measuring…' : formatSendRate(rate)}
            </span>
            {progress.pending > 0 && <span> · {formatNumber(progress.pending)} to go</span>}
          </p>
        )}
        {isWaiting && (
          <Alert
            variant="info"
            title={`Waiting ${/window/i.test(campaign.waitingReason ?? '') ? 'for the sending window ' : ''}until ${formatDateTime(campaign.waitingUntil!)}`}
          >
            {campaign.waitingReason} Sending carries on by itself then.
          </Alert>
        )}
        {status === 'paused' && (
          <Alert variant="warning">
            Nothing more goes out until you resume. The {formatNumber(progress.pending)} messages
            left wait where they are.
          </Alert>
        )}
        {campaign.lastError && (
          <Alert variant="error" title="Last error">
            {campaign.lastError}
          </Alert>
        )}
      </CardBody>
    </Card>
  );
}

function LiveState({ isLive }: { isLive: boolean }) {
  return (
    <span className="flex items-center gap-1.5 text-xs text-slate-500">
      <span
        className={clsx(
          'size-2 rounded-full',
          isLive ? 'animate-pulse bg-emerald-500' : 'bg-slate-300',
        )}
        aria-hidden
      />
      {isLive ? 'Live' : `Updating every ${POLL_OFFLINE_MS / 1000} s`}
    </span>
  );
}
