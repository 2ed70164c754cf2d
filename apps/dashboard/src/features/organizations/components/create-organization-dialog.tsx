import { useState, type FormEvent } from 'react';
import { Button } from '../../../components/ui/button';
import { Dialog, DialogClose, DialogContent, DialogFooter } from '../../../components/ui/dialog';
import { TextField } from '../../../components/ui/field';
import { useToast } from '../../../components/ui/toast';
import { describeError } from '../../../lib/api-error';
import { useCreateOrganization } from '../api';

interface CreateOrganizationDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
}

export function CreateOrganizationDialog({ open, onOpenChange }: CreateOrganizationDialogProps) {
  const create = useCreateOrganization();
  const notify = useToast();
  const [name, setName] = useState('');
  const [error, setError] = useState<string>();

  const close = (next: boolean) => {
    if (!next) {
      setName('');
      setError(undefined);
      create.reset();
    }
    onOpenChange(next);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) {
      setError('Give the organization a name.');
      return;
    }
    create.mutate(name.trim(), {
      onSuccess: (organization) => {
        notify(`Created ${organization.name}. You’re its owner.`);
        close(false);
      },
    });
  };

  return (
    <Dialog open={open} onOpenChange={close}>
      <DialogContent
        title="Create organization"
        description="A separate workspace with its own contacts, campaigns, members and API keys. You’ll be its owner."
      >
        <form onSubmit={submit} noValidate>
          <TextField
            label="Organization name"
            name="name"
            autoFocus
            placeholder="e.g. Acme Europe"
            value={name}
            onChange={(event) => {
              setName(event.target.value);
              setError(undefined);
            }}
            error={error ?? (create.error ? describeError(create.error) : undefined)}
          />
          <DialogFooter>
            <DialogClose asChild>
              <Button variant="secondary">Cancel</Button>
            </DialogClose>
            <Button type="submit" isLoading={create.isPending}>
              Create and switch
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
