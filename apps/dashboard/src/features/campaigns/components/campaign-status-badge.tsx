import { Badge } from '../../../components/ui/badge';
import type { CampaignStatus } from '../api';
import { STATUS_INFO } from '../lifecycle';

export function CampaignStatusBadge({ status }: { status: CampaignStatus }) {
  const info = STATUS_INFO[status];
  return (
    <Badge tone={info.tone}>
      {status === 'sending' && (
        <span className="mr-1.5 size-1.5 animate-pulse rounded-full bg-indigo-500" aria-hidden />
      )}
      {info.label}
    </Badge>
  );
}
