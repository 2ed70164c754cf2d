import { Trash2, UsersRound } from 'lucide-react';
import { useState } from 'react';
import { Badge, RoleBadge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { Card, CardHeader } from '../../../components/ui/card';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog';
import { EmptyState } from '../../../components/ui/empty-state';
import { ErrorState } from '../../../components/ui/error-state';
import { LoadMore } from '../../../components/ui/load-more';
import { Select } from '../../../components/ui/select';
import { TableSkeleton } from '../../../components/ui/spinner';
import { Table, TBody, TD, TH, THead } from '../../../components/ui/table';
import { useToast } from '../../../components/ui/toast';
import { describeError } from '../../../lib/api-error';
import { formatDate } from '../../../lib/format';
import { ROLE_LABELS } from '../../../lib/roles';
import { useSession } from '../../auth/session-hooks';
import { useRole } from '../../organizations/api';
import { useChangeRole, useMembers, useRemoveMember, type Member } from '../api';
import { assignableRoles, canManageMember, roleOptions } from '../assignable-roles';

export function MembersCard() {
  const members = useMembers();
  const session = useSession();
  const myRole = useRole();
  const changeRole = useChangeRole();
  const remove = useRemoveMember();
  const notify = useToast();
  const [removing, setRemoving] = useState<Member | null>(null);
  const options = roleOptions(assignableRoles(myRole));

  return (
    <Card aria-labelledby="members-heading">
      <CardHeader
        id="members-heading"
        title="Team"
        description={
          members.data
            ? `${members.items.length}${members.hasNextPage ? '+' : ''} ${members.items.length === 1 ? 'member' : 'members'}`
            : undefined
        }
      />
      {members.isPending ? (
        <TableSkeleton label="Loading members" />
      ) : members.isError ? (
        <ErrorState error={members.error} onRetry={() => void members.refetch()} />
      ) : members.items.length === 0 ? (
        <EmptyState
          icon={UsersRound}
          title="No members yet"
          description="Invite teammates above; they appear here once they accept."
        />
      ) : (
        <>
          <Table>
            <THead>
              <tr>
                <TH>Name</TH>
                <TH>Email</TH>
                <TH className="w-44">Role</TH>
                <TH>Joined</TH>
                <TH>
                  <span className="sr-only">Actions</span>
                </TH>
              </tr>
            </THead>
            <TBody>
              {members.items.map((member) => {
                const isMe = member.userId === session?.user.id;
                const isManageable = !isMe && canManageMember(myRole, member.role);
                return (
                  <tr key={member.userId}>
                    <TD className="font-medium text-slate-900">
                      <span className="flex items-center gap-2">
                        {member.name}
                        {isMe && <Badge>You</Badge>}
                      </span>
                    </TD>
                    <TD>{member.email}</TD>
                    <TD>
                      {isManageable ? (
                        <Select
                          size="sm"
                          aria-label={`Role of ${member.name}`}
                          value={member.role}
                          options={options}
                          disabled={
                            changeRole.isPending && changeRole.variables.userId === member.userId
                          }
                          onValueChange={(role) =>
                            changeRole.mutate(
                              { userId: member.userId, role },
                              {
                                onSuccess: () =>
                                  notify(
                                    `${member.name} is now ${ROLE_LABELS[role].toLowerCase()}.`,
                                  ),
                                onError: (error) => notify(describeError(error), 'error'),
                              },
                            )
                          }
                        />
                      ) : (
                        <RoleBadge role={member.role} />
                      )}
                    </TD>
                    <TD className="whitespace-nowrap">{formatDate(member.createdAt)}</TD>
                    <TD className="text-right">
                      {isManageable && (
                        <Button
                          variant="danger-ghost"
                          size="sm"
                          onClick={() => setRemoving(member)}
                          aria-label={`Remove ${member.name}`}
                        >
                          <Trash2 className="size-4" aria-hidden />
                          Remove
                        </Button>
                      )}
                    </TD>
                  </tr>
                );
              })}
            </TBody>
          </Table>
          <LoadMore {...members} />
        </>
      )}
      <ConfirmDialog
        open={removing !== null}
        onOpenChange={(open) => !open && setRemoving(null)}
        title={`Remove ${removing?.name ?? 'member'}?`}
        description={`${removing?.email ?? 'They'} will lose access to ${session?.organization.name ?? 'this organization'} immediately. You can invite them again later.`}
        confirmLabel="Remove member"
        onConfirm={async () => {
          if (!removing) return;
          await remove.mutateAsync(removing.userId);
          notify(`${removing.name} was removed.`);
        }}
      />
    </Card>
  );
}
