import { PageHeader } from '../../../components/ui/page-header';
import { Alert } from '../../../components/ui/alert';
import { useCan } from '../../organizations/api';
import { InvitationsCard } from './invitations-card';
import { InviteCard } from './invite-card';
import { MembersCard } from './members-card';

export function MembersPage() {
  const isAdmin = useCan('admin');
  return (
    <>
      <PageHeader
        title="Members"
        description="People who can sign in to this organization, and what each of them may do."
      />
      <div className="space-y-6">
        {isAdmin ? (
          <InviteCard />
        ) : (
          <Alert variant="info">
            Only admins and owners can invite people or change roles. Ask one of them if you need a
            teammate added.
          </Alert>
        )}
        <MembersCard />
        {isAdmin && <InvitationsCard />}
      </div>
    </>
  );
}
