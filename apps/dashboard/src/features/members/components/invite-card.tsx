import { MailPlus } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { Card, CardBody, CardHeader } from '../../../components/ui/card';
import { CopyField } from '../../../components/ui/copy-field';
import { TextField } from '../../../components/ui/field';
import { SelectField } from '../../../components/ui/select';
import { ApiError, describeError } from '../../../lib/api-error';
import { formatRelative } from '../../../lib/format';
import { ROLE_LABELS, type Role } from '../../../lib/roles';
import { checkEmail } from '../../auth/validation';
import { useRole } from '../../organizations/api';
import { useInvite, type CreatedInvitation } from '../api';
import { shareableLink } from '../shareable-link';
import { assignableRoles, roleOptions } from '../assignable-roles';

export function InviteCard() {
  const invite = useInvite();
  const myRole = useRole();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('editor');
  const [emailError, setEmailError] = useState<string>();
  const [created, setCreated] = useState<CreatedInvitation | null>(null);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const problem = checkEmail(email);
    setEmailError(problem);
    if (problem) {
      event.currentTarget.querySelector('input')?.focus();
      return;
    }
    invite.mutate(
      { email: email.trim(), role },
      {
        onSuccess: (invitation) => {
          setCreated(invitation);
          setEmail('');
        },
      },
    );
  };

  const serverEmailError =
    invite.error instanceof ApiError ? invite.error.fieldError('email') : undefined;

  return (
    <Card aria-labelledby="invite-heading">
      <CardHeader
        id="invite-heading"
        title="Invite a teammate"
        description="Create an invitation link and send it to them. Links work once and expire after a week."
      />
      <CardBody>
        {created ? (
          <div className="space-y-4">
            <Alert variant="success" title={`Invitation for ${created.email} is ready`}>
              Send this link to them yourself. For security it is shown only now; if you lose it,
              revoke the invitation and create a new one. It expires{' '}
              {formatRelative(created.expiresAt)}.
            </Alert>
            <CopyField
              label={`Invitation link (${ROLE_LABELS[created.role]})`}
              value={shareableLink(created.acceptUrl)}
            />
            <Button
              variant="secondary"
              onClick={() => {
                setCreated(null);
                invite.reset();
              }}
            >
              <MailPlus className="size-4" aria-hidden />
              Invite someone else
            </Button>
          </div>
        ) : (
          <form onSubmit={submit} noValidate className="space-y-4">
            {invite.error && !serverEmailError && (
              <Alert variant="error">{describeError(invite.error)}</Alert>
            )}
            <div className="grid gap-4 sm:grid-cols-[1fr_14rem_auto] sm:items-start">
              <TextField
                label="Email address"
                name="email"
                type="email"
                autoComplete="off"
                placeholder="teammate@company.com"
                value={email}
                onChange={(event) => {
                  setEmail(event.target.value);
                  setEmailError(undefined);
                }}
                error={emailError ?? serverEmailError}
              />
              <SelectField
                label="Role"
                value={role}
                onValueChange={setRole}
                options={roleOptions(assignableRoles(myRole))}
              />
              <Button type="submit" className="sm:mt-7" isLoading={invite.isPending}>
                <MailPlus className="size-4" aria-hidden />
                Create invite link
              </Button>
            </div>
          </form>
        )}
      </CardBody>
    </Card>
  );
}
