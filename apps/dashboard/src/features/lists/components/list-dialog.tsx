import { useState, type FormEvent } from 'react';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { Dialog, DialogClose, DialogContent, DialogFooter } from '../../../components/ui/dialog';
import { TextField } from '../../../components/ui/field';
import { useToast } from '../../../components/ui/toast';
import { ApiError, describeError } from '../../../lib/api-error';
import { useSaveList, type ContactList } from '../api';

interface ListDialogProps {
  /** The list to edit; null to create one. */
  list: ContactList | null;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}

export function ListDialog({ list, open, onOpenChange }: ListDialogProps) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      {open && <ListForm list={list} onClose={() => onOpenChange(false)} />}
    </Dialog>
  );
}

function ListForm({ list, onClose }: { list: ContactList | null; onClose: () => void }) {
  const save = useSaveList();
  const notify = useToast();
  const [name, setName] = useState(list?.name ?? '');
  const [description, setDescription] = useState(list?.description ?? '');
  const [nameError, setNameError] = useState<string>();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) {
      setNameError('Name the list, e.g. “Newsletter”.');
      return;
    }
    save.mutate(
      { id: list?.id, name: name.trim(), description: description.trim() || null },
      {
        onSuccess: (saved) => {
          notify(list ? `“${saved.name}” saved.` : `List “${saved.name}” created.`);
          onClose();
        },
      },
    );
  };

  const serverNameError =
    save.error instanceof ApiError ? save.error.fieldError('name') : undefined;

  return (
    <DialogContent
      title={list ? 'Edit list' : 'Create a list'}
      description="Lists are groups you add contacts to yourself, such as a newsletter or a beta programme."
    >
      <form onSubmit={submit} noValidate className="space-y-4">
        {save.error && !serverNameError && (
          <Alert variant="error">{describeError(save.error)}</Alert>
        )}
        <TextField
          label="Name"
          autoFocus
          autoComplete="off"
          maxLength={200}
          placeholder="e.g. Newsletter"
          value={name}
          onChange={(event) => {
            setName(event.target.value);
            setNameError(undefined);
          }}
          error={nameError ?? serverNameError}
        />
        <TextField
          label="Description"
          hint="Optional. Helps teammates pick the right list."
          autoComplete="off"
          value={description}
          onChange={(event) => setDescription(event.target.value)}
        />
        <DialogFooter>
          <DialogClose asChild>
            <Button variant="secondary">Cancel</Button>
          </DialogClose>
          <Button type="submit" isLoading={save.isPending}>
            {list ? 'Save list' : 'Create list'}
          </Button>
        </DialogFooter>
      </form>
    </DialogContent>
  );
}
