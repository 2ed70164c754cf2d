import { useState, type FormEvent } from 'react';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { Dialog, DialogClose, DialogContent, DialogFooter } from '../../../components/ui/dialog';
import { TextField } from '../../../components/ui/field';
import { SelectField } from '../../../components/ui/select';
import { useToast } from '../../../components/ui/toast';
import { ApiError, describeError } from '../../../lib/api-error';
import { checkEmail } from '../../auth/validation';
import { useCreateContact, type ContactStatus } from '../api';
import { STATUS_OPTIONS } from '../contact-status';

interface AddContactDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
}

const splitTags = (text: string) => [
  ...new Set(
    text
      .split(',')
      .map((tag) => tag.trim())
      .filter(Boolean),
  ),
];

export function AddContactDialog({ open, onOpenChange }: AddContactDialogProps) {
  const create = useCreateContact();
  const notify = useToast();
  const [email, setEmail] = useState('');
  const [firstName, setFirstName] = useState('');
  const [lastName, setLastName] = useState('');
  const [status, setStatus] = useState<ContactStatus>('subscribed');
  const [tags, setTags] = useState('');
  const [emailError, setEmailError] = useState<string>();

  const change = (next: boolean) => {
    if (!next) {
      setEmail('');
      setFirstName('');
      setLastName('');
      setStatus('subscribed');
      setTags('');
      setEmailError(undefined);
      create.reset();
    }
    onOpenChange(next);
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const problem = email.trim() ? checkEmail(email) : 'Enter the contact’s email address.';
    setEmailError(problem);
    if (problem) {
      event.currentTarget.querySelector('input')?.focus();
      return;
    }
    create.mutate(
      {
        email: email.trim(),
        firstName: firstName.trim() || null,
        lastName: lastName.trim() || null,
        status,
        tags: splitTags(tags),
        source: 'dashboard',
      },
      {
        onSuccess: ({ contact, isNew }) => {
          notify(
            isNew
              ? `${contact.email} added.`
              : `${contact.email} was already a contact; their details were updated.`,
          );
          change(false);
        },
      },
    );
  };

  const fieldError = (field: string) =>
    create.error instanceof ApiError ? create.error.fieldError(field) : undefined;
  const serverEmailError = fieldError('email');
  const hasFieldErrors = create.error instanceof ApiError && create.error.fieldErrors.length > 0;

  return (
    <Dialog open={open} onOpenChange={change}>
      <DialogContent
        title="Add a contact"
        description="For one person at a time. To add many, import a CSV file instead."
      >
        <form onSubmit={submit} noValidate className="space-y-4">
          {create.error && !hasFieldErrors && (
            <Alert variant="error">{describeError(create.error)}</Alert>
          )}
          <TextField
            label="Email address"
            type="email"
            name="email"
            autoFocus
            autoComplete="off"
            placeholder="name@company.com"
            value={email}
            onChange={(event) => {
              setEmail(event.target.value);
              setEmailError(undefined);
            }}
            error={emailError ?? serverEmailError}
          />
          <div className="grid gap-4 sm:grid-cols-2">
            <TextField
              label="First name"
              autoComplete="off"
              value={firstName}
              onChange={(event) => setFirstName(event.target.value)}
              error={fieldError('firstName')}
            />
            <TextField
              label="Last name"
              autoComplete="off"
              value={lastName}
              onChange={(event) => setLastName(event.target.value)}
              error={fieldError('lastName')}
            />
          </div>
          <SelectField
            label="Status"
            hint="Only subscribed contacts get campaigns. Add people only with their consent."
            value={status}
            onValueChange={setStatus}
            options={STATUS_OPTIONS.filter((option) => option.value !== 'blocked')}
          />
          <TextField
            label="Tags"
            hint="Optional. Separate tags with commas."
            autoComplete="off"
            placeholder="e.g. vip, newsletter"
            value={tags}
            onChange={(event) => setTags(event.target.value)}
            error={fieldError('tags')}
          />
          <DialogFooter>
            <DialogClose asChild>
              <Button variant="secondary">Cancel</Button>
            </DialogClose>
            <Button type="submit" isLoading={create.isPending}>
              Add contact
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
