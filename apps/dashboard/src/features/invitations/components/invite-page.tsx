import { Link, useNavigate, useSearchParams } from 'react-router';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { useToast } from '../../../components/ui/toast';
import { describeError } from '../../../lib/api-error';
import { ROLE_LABELS } from '../../../lib/roles';
import { AuthLayout } from '../../auth/components/auth-layout';
import { RegisterForm } from '../../auth/components/register-form';
import { useLogout, useSession } from '../../auth/session-hooks';
import { useSwitchOrganization } from '../../organizations/api';
import { useAcceptInvitation } from '../api';

/** `/invite?token=…`: the link from an invitation, for people with or without an account. */
export function InvitePage() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const session = useSession();

  if (!token) {
    return (
      <AuthLayout title="This invitation link is incomplete">
        <Alert variant="error">
          The link is missing its token. Copy the whole link from the invitation, or ask whoever
          invited you for a new one.
        </Alert>
        <p className="mt-6 text-sm">
          <Link to="/" className="font-medium text-indigo-700 hover:text-indigo-600">
            Go to Herald
          </Link>
        </p>
      </AuthLayout>
    );
  }
  return session ? <AcceptAsSignedIn token={token} /> : <JoinWithNewAccount token={token} />;
}

function AcceptAsSignedIn({ token }: { token: string }) {
  const session = useSession();
  const accept = useAcceptInvitation();
  const switchOrganization = useSwitchOrganization();
  const logout = useLogout();
  const navigate = useNavigate();
  const notify = useToast();
  const here = `/invite?token=${encodeURIComponent(token)}`;

  const run = () =>
    accept.mutate(token, {
      onSuccess: ({ organization, role }) =>
        switchOrganization.mutate(organization.id, {
          onSuccess: () =>
            notify(
              `Welcome to ${organization.name}. You joined as ${ROLE_LABELS[role].toLowerCase()}.`,
            ),
        }),
    });

  return (
    <AuthLayout
      title="You’ve been invited to an organization"
      description={
        <>
          You’re signed in as{' '}
          <strong className="font-medium text-slate-900">{session?.user.email}</strong>. Accept to
          join the organization that invited you; you keep access to your current ones.
        </>
      }
      footer={
        <>
          Not you, or invited at another address?{' '}
          <button
            type="button"
            className="font-medium text-indigo-700 hover:text-indigo-600"
            onClick={() => {
              logout();
              void navigate(here, { replace: true });
            }}
          >
            Log out and continue
          </button>
        </>
      }
    >
      <div className="space-y-4">
        {(accept.error ?? switchOrganization.error) && (
          <Alert variant="error">{describeError(accept.error ?? switchOrganization.error)}</Alert>
        )}
        <Button
          size="lg"
          className="w-full"
          isLoading={accept.isPending || switchOrganization.isPending}
          onClick={run}
        >
          Accept invitation
        </Button>
        <Button asChild variant="ghost" size="lg" className="w-full">
          <Link to="/">Not now</Link>
        </Button>
      </div>
    </AuthLayout>
  );
}

function JoinWithNewAccount({ token }: { token: string }) {
  const loginHref = `/login?next=${encodeURIComponent(`/invite?token=${encodeURIComponent(token)}`)}`;
  return (
    <AuthLayout
      title="Join your team on Herald"
      description="Create your account to accept the invitation. Use the email address the invitation was sent to."
      footer={
        <>
          Already have a Herald account?{' '}
          <Link to={loginHref} className="font-medium text-indigo-700 hover:text-indigo-600">
            Log in to accept
          </Link>
        </>
      }
    >
      <RegisterForm inviteToken={token} submitLabel="Create account and join" />
    </AuthLayout>
  );
}
