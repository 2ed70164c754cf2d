import { useState, type FormEvent } from 'react';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { CopyField } from '../../../components/ui/copy-field';
import { Dialog, DialogClose, DialogContent, DialogFooter } from '../../../components/ui/dialog';
import { TextField } from '../../../components/ui/field';
import { ApiError, describeError } from '../../../lib/api-error';
import { SendFirstEvent } from '../../events/components/send-first-event';
import { useCreateWriteKey, type CreatedWriteKey } from '../api';

interface CreateWriteKeyDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
}

export function CreateWriteKeyDialog({ open, onOpenChange }: CreateWriteKeyDialogProps) {
  const create = useCreateWriteKey();
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState<string>();
  const [created, setCreated] = useState<CreatedWriteKey | null>(null);

  // Closing forgets the key for good: it is never fetched again.
  const change = (next: boolean) => {
    if (!next) {
      setName('');
      setNameError(undefined);
      setCreated(null);
      create.reset();
    }
    onOpenChange(next);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) {
      setNameError('Name the key after the source that sends events, e.g. “Website”.');
      return;
    }
    create.mutate({ name: name.trim() }, { onSuccess: setCreated });
  };

  const serverNameError =
    create.error instanceof ApiError ? create.error.fieldError('name') : undefined;

  return (
    <Dialog open={open} onOpenChange={change}>
      {created ? (
        <DialogContent
          title="Your new write key"
          description={`“${created.name}” can now send events to this organization.`}
          hideClose
          onInteractOutside={(event) => event.preventDefault()}
          className="max-w-2xl"
        >
          <div className="space-y-4">
            <Alert variant="warning" title="Copy this key now. It won’t be shown again.">
              Herald stores only a hash of it. If you lose it, revoke it and create a new one.
            </Alert>
            <CopyField label="Write key" value={created.key} />
            <SendFirstEvent writeKey={created.key} />
          </div>
          <DialogFooter>
            <DialogClose asChild>
              <Button>I’ve saved my key</Button>
            </DialogClose>
          </DialogFooter>
        </DialogContent>
      ) : (
        <DialogContent
          title="Create write key"
          description="One key per source that sends events: your website, your app, your backend."
        >
          <form onSubmit={submit} noValidate className="space-y-4">
            {create.error && !serverNameError && (
              <Alert variant="error">{describeError(create.error)}</Alert>
            )}
            <TextField
              label="Name"
              name="name"
              autoFocus
              autoComplete="off"
              placeholder="e.g. Website"
              hint="Helps you recognise where events come from."
              value={name}
              onChange={(event) => {
                setName(event.target.value);
                setNameError(undefined);
              }}
              error={nameError ?? serverNameError}
            />
            <DialogFooter>
              <DialogClose asChild>
                <Button variant="secondary">Cancel</Button>
              </DialogClose>
              <Button type="submit" isLoading={create.isPending}>
                Create key
              </Button>
            </DialogFooter>
          </form>
        </DialogContent>
      )}
    </Dialog>
  );
}
