import { Badge } from '../../components/ui/badge';
import type { ImportStatus } from './api';

const INFO: Record<
  ImportStatus,
  { label: string; tone: 'neutral' | 'brand' | 'success' | 'danger' }
> = {
  pending: { label: 'Waiting', tone: 'neutral' },
  running: { label: 'Importing', tone: 'brand' },
  completed: { label: 'Completed', tone: 'success' },
  failed: { label: 'Failed', tone: 'danger' },
  cancelled: { label: 'Cancelled', tone: 'neutral' },
};

export function ImportStatusBadge({ status }: { status: ImportStatus }) {
  return <Badge tone={INFO[status].tone}>{INFO[status].label}</Badge>;
}
