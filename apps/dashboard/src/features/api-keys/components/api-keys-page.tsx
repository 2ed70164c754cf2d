import { KeyRound, Lock, Plus } from 'lucide-react';
import { useState } from 'react';
import { RoleBadge } from '../../../components/ui/badge';
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
import { useApiKeys, useRevokeApiKey, type ApiKey } from '../api';
import { CreateApiKeyDialog } from './create-api-key-dialog';

export function ApiKeysPage() {
  const isAdmin = useCan('admin');
  const session = useSession();
  const keys = useApiKeys(isAdmin);
  const revoke = useRevokeApiKey();
  const notify = useToast();
  const [isCreating, setIsCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);

  const createButton = (
    <Button onClick={() => setIsCreating(true)}>
      <Plus className="size-4" aria-hidden />
      Create API key
    </Button>
  );

  return (
    <>
      <PageHeader
        title="API keys"
        description="Keys let n8n, your CRM or your own product use the Herald API for this organization. Treat them like passwords."
        actions={isAdmin && keys.items.length > 0 ? createButton : undefined}
      />
      <Card>
        {!isAdmin ? (
          <EmptyState
            icon={Lock}
            title="Only admins can manage API keys"
            description={`Ask an admin or owner of ${session?.organization.name ?? 'this organization'} to create a key for you.`}
          />
        ) : keys.isPending ? (
          <TableSkeleton label="Loading API keys" />
        ) : keys.isError ? (
          <ErrorState error={keys.error} onRetry={() => void keys.refetch()} />
        ) : keys.items.length === 0 ? (
          <EmptyState
            icon={KeyRound}
            title="No API keys yet"
            description="Create a key to connect n8n, your CRM or your product to Herald. You’ll see the key once, right after creating it."
            action={createButton}
          />
        ) : (
          <>
            <Table>
              <THead>
                <tr>
                  <TH>Name</TH>
                  <TH>Key</TH>
                  <TH>Role</TH>
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
                    <TD>
                      <RoleBadge role={key.role} />
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
      <CreateApiKeyDialog open={isCreating} onOpenChange={setIsCreating} />
      <ConfirmDialog
        open={revoking !== null}
        onOpenChange={(open) => !open && setRevoking(null)}
        title={`Revoke “${revoking?.name ?? 'key'}”?`}
        description="Anything using this key stops working immediately. This can’t be undone."
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
