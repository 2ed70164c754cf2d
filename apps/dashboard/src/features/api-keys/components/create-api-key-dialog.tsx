import { useState, type FormEvent } from 'react';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { Dialog, DialogClose, DialogContent, DialogFooter } from '../../../components/ui/dialog';
import { CopyField } from '../../../components/ui/copy-field';
import { TextField } from '../../../components/ui/field';
import { SelectField } from '../../../components/ui/select';
import { ApiError, describeError } from '../../../lib/api-error';
import { ROLE_DESCRIPTIONS, ROLE_LABELS } from '../../../lib/roles';
import { useCreateApiKey, type ApiKeyRole, type CreatedApiKey } from '../api';

const ROLE_OPTIONS = (['viewer', 'editor', 'admin'] as const).map((role) => ({
  value: role,
  label: ROLE_LABELS[role],
  description: ROLE_DESCRIPTIONS[role],
}));

interface CreateApiKeyDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
}

export function CreateApiKeyDialog({ open, onOpenChange }: CreateApiKeyDialogProps) {
  const create = useCreateApiKey();
  const [name, setName] = useState('');
  const [role, setRole] = useState<ApiKeyRole>('editor');
  const [nameError, setNameError] = useState<string>();
  const [created, setCreated] = useState<CreatedApiKey | null>(null);

  // Closing forgets the key for good: it is never fetched again.
  const change = (next: boolean) => {
    if (!next) {
      setName('');
      setRole('editor');
      setNameError(undefined);
      setCreated(null);
      create.reset();
    }
    onOpenChange(next);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) {
      setNameError('Name the key after what will use it, e.g. “n8n production”.');
      return;
    }
    create.mutate({ name: name.trim(), role }, { onSuccess: setCreated });
  };

  const serverNameError =
    create.error instanceof ApiError ? create.error.fieldError('name') : undefined;

  return (
    <Dialog open={open} onOpenChange={change}>
      {created ? (
        <DialogContent
          title="Your new API key"
          description={`“${created.name}” can now call the Herald API as ${ROLE_LABELS[created.role].toLowerCase()}.`}
          hideClose
          onInteractOutside={(event) => event.preventDefault()}
          className="max-w-lg"
        >
          <div className="space-y-4">
            <Alert variant="warning" title="Copy this key now. It won’t be shown again.">
              Herald stores only a hash of it. If you lose it, revoke it and create a new one.
            </Alert>
            <CopyField label="API key" value={created.key} />
            <p className="text-sm text-slate-600">
              Send it as{' '}
              <code className="rounded bg-slate-100 px-1 py-0.5 text-xs">
                Authorization: Bearer &lt;key&gt;
              </code>
              .
            </p>
          </div>
          <DialogFooter>
            <DialogClose asChild>
              <Button>I’ve saved my key</Button>
            </DialogClose>
          </DialogFooter>
        </DialogContent>
      ) : (
        <DialogContent
          title="Create API key"
          description="For tools that talk to Herald on your organization’s behalf: n8n, your CRM, your product."
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
              placeholder="e.g. n8n production"
              hint="Helps you recognise the key later."
              value={name}
              onChange={(event) => {
                setName(event.target.value);
                setNameError(undefined);
              }}
              error={nameError ?? serverNameError}
            />
            <SelectField
              label="Role"
              hint="Give the key the least access that does the job."
              value={role}
              onValueChange={setRole}
              options={ROLE_OPTIONS}
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
