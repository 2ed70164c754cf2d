import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { CheckboxField } from '../../../components/ui/checkbox';
import { Dialog, DialogClose, DialogContent, DialogFooter } from '../../../components/ui/dialog';
import { TextField } from '../../../components/ui/field';
import { useToast } from '../../../components/ui/toast';
import { describeError } from '../../../lib/api-error';
import { useEraseContact, type Contact } from '../api';

interface EraseContactDialogProps {
  contact: Contact;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}

/** Right to erasure: typing the address makes sure the right person is being erased. */
export function EraseContactDialog({ contact, open, onOpenChange }: EraseContactDialogProps) {
  const erase = useEraseContact();
  const notify = useToast();
  const navigate = useNavigate();
  const [typed, setTyped] = useState('');
  const [suppress, setSuppress] = useState(false);
  const isConfirmed = typed.trim().toLowerCase() === contact.email.toLowerCase();

  const change = (next: boolean) => {
    if (!next) {
      setTyped('');
      setSuppress(false);
      erase.reset();
    }
    onOpenChange(next);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!isConfirmed) return;
    erase.mutate(
      { id: contact.id, suppress },
      {
        onSuccess: () => {
          notify(
            suppress
              ? `${contact.email} was erased. The address stays suppressed so it is never emailed again.`
              : `${contact.email} was erased.`,
          );
          void navigate('/contacts', { replace: true });
        },
      },
    );
  };

  return (
    <Dialog open={open} onOpenChange={change}>
      <DialogContent
        role="alertdialog"
        title="Erase this contact?"
        description="Deletes the contact with their attributes, list memberships and activity, for a right-to-erasure request. This can’t be undone."
        className="max-w-lg"
      >
        <form onSubmit={submit} noValidate className="space-y-4">
          {erase.error && <Alert variant="error">{describeError(erase.error)}</Alert>}
          <TextField
            label={
              <>
                Type <span className="font-mono font-normal">{contact.email}</span> to confirm
              </>
            }
            autoComplete="off"
            spellCheck={false}
            value={typed}
            onChange={(event) => setTyped(event.target.value)}
          />
          <CheckboxField
            label="Keep the address suppressed"
            description="Stores only the email address in suppressions, so a later import or sign-up can’t add it back and it is never emailed again. Leave this off to keep nothing at all."
            checked={suppress}
            onChange={(event) => setSuppress(event.target.checked)}
          />
          <DialogFooter>
            <DialogClose asChild>
              <Button variant="secondary">Cancel</Button>
            </DialogClose>
            <Button
              type="submit"
              variant="danger"
              disabled={!isConfirmed}
              isLoading={erase.isPending}
            >
              Erase contact
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
