import { MailQuestion } from 'lucide-react';
import { useState } from 'react';
import { RoleBadge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { Card, CardHeader } from '../../../components/ui/card';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog';
import { EmptyState } from '../../../components/ui/empty-state';
import { ErrorState } from '../../../components/ui/error-state';
import { LoadMore } from '../../../components/ui/load-more';
import { TableSkeleton } from '../../../components/ui/spinner';
import { Table, TBody, TD, TH, THead } from '../../../components/ui/table';
import { useToast } from '../../../components/ui/toast';
import { formatDate, formatDateTime, formatRelative } from '../../../lib/format';
import { useInvitations, useRevokeInvitation, type Invitation } from '../api';

export function InvitationsCard() {
  const invitations = useInvitations(true);
  const revoke = useRevokeInvitation();
  const notify = useToast();
  const [revoking, setRevoking] = useState<Invitation | null>(null);

  return (
    <Card aria-labelledby="invitations-heading">
      <CardHeader
        id="invitations-heading"
        title="Pending invitations"
        description="Invitations that haven’t been accepted yet."
      />
      {invitations.isPending ? (
        <TableSkeleton rows={2} label="Loading invitations" />
      ) : invitations.isError ? (
        <ErrorState error={invitations.error} onRetry={() => void invitations.refetch()} />
      ) : invitations.items.length === 0 ? (
        <EmptyState
          icon={MailQuestion}
          title="No pending invitations"
          description="When you invite someone, the invitation waits here until they accept it."
          className="py-8"
        />
      ) : (
        <>
          <Table>
            <THead>
              <tr>
                <TH>Email</TH>
                <TH>Role</TH>
                <TH>Invited</TH>
                <TH>Expires</TH>
                <TH>
                  <span className="sr-only">Actions</span>
                </TH>
              </tr>
            </THead>
            <TBody>
              {invitations.items.map((invitation) => (
                <tr key={invitation.id}>
                  <TD className="font-medium text-slate-900">{invitation.email}</TD>
                  <TD>
                    <RoleBadge role={invitation.role} />
                  </TD>
                  <TD className="whitespace-nowrap">{formatDate(invitation.createdAt)}</TD>
                  <TD className="whitespace-nowrap">
                    <time
                      dateTime={invitation.expiresAt}
                      title={formatDateTime(invitation.expiresAt)}
                    >
                      {formatRelative(invitation.expiresAt)}
                    </time>
                  </TD>
                  <TD className="text-right">
                    <Button
                      variant="danger-ghost"
                      size="sm"
                      onClick={() => setRevoking(invitation)}
                      aria-label={`Revoke invitation for ${invitation.email}`}
                    >
                      Revoke
                    </Button>
                  </TD>
                </tr>
              ))}
            </TBody>
          </Table>
          <LoadMore {...invitations} />
        </>
      )}
      <ConfirmDialog
        open={revoking !== null}
        onOpenChange={(open) => !open && setRevoking(null)}
        title="Revoke this invitation?"
        description={`The link sent to ${revoking?.email ?? 'them'} stops working right away.`}
        confirmLabel="Revoke invitation"
        onConfirm={async () => {
          if (!revoking) return;
          await revoke.mutateAsync(revoking.id);
          notify(`Invitation for ${revoking.email} revoked.`);
        }}
      />
    </Card>
  );
}
