import { Badge } from '../../../components/ui/badge';
import type { FlowStatus, RunStatus } from '../api';

const FLOW_STATUS: Record<FlowStatus, { label: string; tone: 'neutral' | 'success' | 'warning' }> =
  {
    draft: { label: 'Draft', tone: 'neutral' },
    active: { label: 'Active', tone: 'success' },
    inactive: { label: 'Inactive', tone: 'warning' },
  };

export const FLOW_STATUS_LABELS = Object.fromEntries(
  Object.entries(FLOW_STATUS).map(([status, info]) => [status, info.label]),
) as Record<FlowStatus, string>;

export function FlowStatusBadge({ status }: { status: FlowStatus }) {
  const info = FLOW_STATUS[status];
  return (
    <Badge tone={info.tone}>
      {status === 'active' && (
        <span className="mr-1.5 size-1.5 animate-pulse rounded-full bg-emerald-500" aria-hidden />
      )}
      {info.label}
    </Badge>
  );
}

const RUN_STATUS: Record<
  RunStatus,
  { label: string; tone: 'neutral' | 'brand' | 'success' | 'warning' | 'danger' }
> = {
  running: { label: 'Running', tone: 'brand' },
  waiting: { label: 'Waiting', tone: 'brand' },
  completed: { label: 'Completed', tone: 'success' },
  exited: { label: 'Exited', tone: 'warning' },
  failed: { label: 'Failed', tone: 'danger' },
};

export const RUN_STATUS_LABELS = Object.fromEntries(
  Object.entries(RUN_STATUS).map(([status, info]) => [status, info.label]),
) as Record<RunStatus, string>;

export function RunStatusBadge({ status }: { status: RunStatus }) {
  const info = RUN_STATUS[status] ?? { label: status, tone: 'neutral' as const };
  return <Badge tone={info.tone}>{info.label}</Badge>;
}

/** "v3 live · unpublished changes": which version runs and whether the draft differs. */
export function versionText(flow: {
  status: FlowStatus;
  publishedVersion: number | null;
  hasUnpublishedChanges: boolean;
}): string {
  if (flow.publishedVersion === null) return 'Not published yet';
  const base = `v${flow.publishedVersion} ${flow.status === 'active' ? 'live' : 'published'}`;
  return flow.hasUnpublishedChanges ? `${base} · unpublished changes` : base;
}
