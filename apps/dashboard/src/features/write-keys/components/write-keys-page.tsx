import { Lock, Plus, RadioTower } from 'lucide-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { Button } from '../../../components/ui/button';
import { Card } from '../../../components/ui/card';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog';
import { EmptyState } from '../../../components/ui/empty-state';
import { ErrorState } from '../../../components/ui/error-state';
import { LoadMore } from '../../../components/ui/load-more';
import { PageHeader } from '../../../components/ui/page-header';
import { TableSkeleton } from '../../../components/ui/spinner';
import { Table, TBody, TD, TH, THead } from '../../../components/ui/table';
import { useToast } from '../../../components/ui/toast';
import { formatDate, formatDateTime, formatRelative } from '../../../lib/format';
import { useSession } from '../../auth/session-hooks';
import { useCan } from '../../organizations/api';
import { useRevokeWriteKey, useWriteKeys, type WriteKey } from '../api';
import { CreateWriteKeyDialog } from './create-write-key-dialog';

export function WriteKeysPage() {
  const isAdmin = useCan('admin');
  const session = useSession();
  const keys = useWriteKeys(isAdmin);
  const revoke = useRevokeWriteKey();
  const notify = useToast();
  const [isCreating, setIsCreating] = useState(false);
  const [revoking, setRevoking] = useState<WriteKey | null>(null);

  const createButton = (
    <Button onClick={() => setIsCreating(true)}>
      <Plus className="size-4" aria-hidden />
      Create write key
    </Button>
  );

  return (
    <>
      <PageHeader
        title="Write keys"
        description={
          <>
            Write keys let your website, app or backend send events (identify, track, page…) the way
            Segment’s SDKs do. They can only send events, so they may ship in a browser. See what
            arrives under{' '}
            <Link to="/events" className="text-indigo-700 hover:underline">
              Events
            </Link>
            .
          </>
        }
        actions={isAdmin && keys.items.length > 0 ? createButton : undefined}
      />
      <Card>
        {!isAdmin ? (
          <EmptyState
            icon={Lock}
            title="Only admins can manage write keys"
            description={`Ask an admin or owner of ${session?.organization.name ?? 'this organization'} to create one for you.`}
          />
        ) : keys.isPending ? (
          <TableSkeleton label="Loading write keys" />
        ) : keys.isError ? (
          <ErrorState error={keys.error} onRetry={() => void keys.refetch()} />
        ) : keys.items.length === 0 ? (
          <EmptyState
            icon={RadioTower}
            title="No write keys yet"
            description="Create one for each source of events. You’ll see the key once, right after creating it, with an example to send your first event."
            action={createButton}
          />
        ) : (
          <>
            <Table>
              <THead>
                <tr>
                  <TH>Name</TH>
                  <TH>Key</TH>
                  <TH>Last used</TH>
                  <TH>Created</TH>
                  <TH>
                    <span className="sr-only">Actions</span>
                  </TH>
                </tr>
              </THead>
              <TBody>
                {keys.items.map((key) => (
                  <tr key={key.id}>
                    <TD className="font-medium text-slate-900">{key.name}</TD>
                    <TD>
                      <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-700">
                        {key.prefix}…
                      </code>
                    </TD>
                    <TD className="whitespace-nowrap">
                      {key.lastUsedAt ? (
                        <time dateTime={key.lastUsedAt} title={formatDateTime(key.lastUsedAt)}>
                          {formatRelative(key.lastUsedAt)}
                        </time>
                      ) : (
                        <span className="text-slate-400">Never</span>
                      )}
                    </TD>
                    <TD className="whitespace-nowrap">{formatDate(key.createdAt)}</TD>
                    <TD className="text-right">
                      <Button
                        variant="danger-ghost"
                        size="sm"
                        onClick={() => setRevoking(key)}
                        aria-label={`Revoke ${key.name}`}
                      >
                        Revoke
                      </Button>
                    </TD>
                  </tr>
                ))}
              </TBody>
            </Table>
            <LoadMore {...keys} />
          </>
        )}
      </Card>
      <CreateWriteKeyDialog open={isCreating} onOpenChange={setIsCreating} />
      <ConfirmDialog
        open={revoking !== null}
        onOpenChange={(open) => !open && setRevoking(null)}
        title={`Revoke “${revoking?.name ?? 'key'}”?`}
        description="Events sent with this key are refused from now on. Update the website or app that uses it first. This can’t be undone."
        confirmLabel="Revoke key"
        onConfirm={async () => {
          if (!revoking) return;
          await revoke.mutateAsync(revoking.id);
          notify(`“${revoking.name}” revoked.`);
        }}
      />
    </>
  );
}
