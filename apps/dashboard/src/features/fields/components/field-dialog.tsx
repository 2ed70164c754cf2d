import { useState, type FormEvent } from 'react';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { Dialog, DialogClose, DialogContent, DialogFooter } from '../../../components/ui/dialog';
import { TextField } from '../../../components/ui/field';
import { SelectField } from '../../../components/ui/select';
import { useToast } from '../../../components/ui/toast';
import { ApiError, describeError } from '../../../lib/api-error';
import {
  FIELD_TYPE_LABELS,
  useCreateField,
  useRenameField,
  type CustomField,
  type FieldType,
} from '../api';

const KEY_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;

const TYPE_OPTIONS = (['string', 'number', 'boolean', 'date'] as const).map((type) => ({
  value: type,
  label: FIELD_TYPE_LABELS[type],
  description: {
    string: 'Any text, e.g. a plan or a company name',
    number: 'Whole or decimal numbers, e.g. seats or lifetime value',
    boolean: 'Yes or no, e.g. trial user',
    date: 'A day, e.g. a renewal date (YYYY-MM-DD)',
  }[type],
}));

/** "Renewal date" → "renewal_date": a key suggestion while the key is untouched. */
const keyFromLabel = (label: string) =>
  label
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^[^a-z]+|_+$/g, '')
    .slice(0, 64);

interface FieldDialogProps {
  /** The field to rename; null to define a new one. */
  field: CustomField | null;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}

export function FieldDialog({ field, open, onOpenChange }: FieldDialogProps) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      {open && <FieldForm field={field} onClose={() => onOpenChange(false)} />}
    </Dialog>
  );
}

function FieldForm({ field, onClose }: { field: CustomField | null; onClose: () => void }) {
  const create = useCreateField();
  const rename = useRenameField();
  const notify = useToast();
  const [label, setLabel] = useState(field?.label ?? '');
  const [key, setKey] = useState(field?.key ?? '');
  const [isKeyTouched, setIsKeyTouched] = useState(false);
  const [type, setType] = useState<FieldType>(field?.type ?? 'string');
  const [errors, setErrors] = useState<{ label?: string; key?: string }>({});
  const mutation = field ? rename : create;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const next: typeof errors = {};
    if (!label.trim()) next.label = 'Give the field a label, e.g. “Plan”.';
    if (!field && !KEY_PATTERN.test(key))
      next.key = 'Use lowercase letters, digits and _, starting with a letter.';
    setErrors(next);
    if (next.label || next.key) return;
    if (field) {
      rename.mutate(
        { id: field.id, label: label.trim() },
        {
          onSuccess: (saved) => {
            notify(`“${saved.label}” saved.`);
            onClose();
          },
        },
      );
    } else {
      create.mutate(
        { key, label: label.trim(), type },
        {
          onSuccess: (saved) => {
            notify(`Field “${saved.label}” added.`);
            onClose();
          },
        },
      );
    }
  };

  const serverError = (name: string) =>
    mutation.error instanceof ApiError ? mutation.error.fieldError(name) : undefined;
  const hasFieldErrors =
    mutation.error instanceof ApiError && mutation.error.fieldErrors.length > 0;

  return (
    <DialogContent
      title={field ? 'Rename field' : 'Add a custom field'}
      description={
        field
          ? 'The key and type stay as they are; only the label people see changes.'
          : 'A custom field gives a contact attribute a label and a type, so imports check values and segment rules compare them properly.'
      }
    >
      <form onSubmit={submit} noValidate className="space-y-4">
        {mutation.error && !hasFieldErrors && (
          <Alert variant="error">{describeError(mutation.error)}</Alert>
        )}
        <TextField
          label="Label"
          autoFocus
          autoComplete="off"
          placeholder="e.g. Renewal date"
          value={label}
          onChange={(event) => {
            setLabel(event.target.value);
            if (!field && !isKeyTouched) setKey(keyFromLabel(event.target.value));
            setErrors((e) => ({ ...e, label: undefined }));
          }}
          error={errors.label ?? serverError('label')}
        />
        {!field && (
          <>
            <TextField
              label="Key"
              autoComplete="off"
              spellCheck={false}
              className="font-mono"
              placeholder="e.g. renewal_date"
              hint="The attribute name in imports, the API and segment rules. It can’t be changed later."
              value={key}
              onChange={(event) => {
                setKey(event.target.value);
                setIsKeyTouched(true);
                setErrors((e) => ({ ...e, key: undefined }));
              }}
              error={errors.key ?? serverError('key')}
            />
            <SelectField
              label="Type"
              hint="It can’t be changed later."
              value={type}
              onValueChange={setType}
              options={TYPE_OPTIONS}
            />
          </>
        )}
        <DialogFooter>
          <DialogClose asChild>
            <Button variant="secondary">Cancel</Button>
          </DialogClose>
          <Button type="submit" isLoading={mutation.isPending}>
            {field ? 'Save' : 'Add field'}
          </Button>
        </DialogFooter>
      </form>
    </DialogContent>
  );
}
