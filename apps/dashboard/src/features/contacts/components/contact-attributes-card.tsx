import { Plus, Trash2 } from 'lucide-react';
import { useId, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { Card, CardBody, CardHeader } from '../../../components/ui/card';
import { Input } from '../../../components/ui/input';
import { Select } from '../../../components/ui/select';
import { useToast } from '../../../components/ui/toast';
import { ApiError, describeError } from '../../../lib/api-error';
import { FIELD_TYPE_LABELS, useFields, type CustomField, type FieldType } from '../../fields/api';
import { useUpdateContact, type Contact } from '../api';

/** Keys segment rules can name; others would be stored but could never be filtered on. */
const KEY_PATTERN = /^[A-Za-z0-9_.-]{1,100}$/;

interface Row {
  key: string;
  /** From the custom field with this key; null for free-form text. */
  type: FieldType | null;
  label: string | null;
  value: string;
  /** Values that are not plain text (lists, objects from the API) are shown, not edited. */
  isReadOnly: boolean;
  isNew: boolean;
}

function toText(value: unknown, type: FieldType | null): string {
  if (value === undefined || value === null) return '';
  if (type === 'date' && typeof value === 'string') return value.slice(0, 10);
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function fromText(text: string, type: FieldType | null): unknown {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  if (type === 'number') return Number(trimmed);
  if (type === 'boolean') return trimmed === 'true';
  return type === null ? text : trimmed;
}

function rowsOf(contact: Contact, fields: CustomField[]): Row[] {
  const defined = new Map(fields.map((field) => [field.key, field]));
  const rows: Row[] = fields.map((field) => ({
    key: field.key,
    type: field.type,
    label: field.label,
    value: toText(contact.attributes[field.key], field.type),
    isReadOnly: false,
    isNew: false,
  }));
  for (const [key, value] of Object.entries(contact.attributes)) {
    if (defined.has(key)) continue;
    const isText =
      typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
    rows.push({
      key,
      type: null,
      label: null,
      value: toText(value, null),
      isReadOnly: !isText || typeof value !== 'string',
      isNew: false,
    });
  }
  return rows;
}

/**
 * Attributes: one row per custom field (typed input), then the contact's other attributes.
 * Saving sends only what changed; an emptied or removed attribute is sent as null (removed).
 */
export function ContactAttributesCard({
  contact,
  canEdit,
}: {
  contact: Contact;
  canEdit: boolean;
}) {
  const fields = useFields();
  return (
    <Card aria-labelledby="attributes-heading">
      <CardHeader
        id="attributes-heading"
        title="Attributes"
        description={
          <>
            Anything else you know, such as plan or company.{' '}
            <Link to="/settings/fields" className="font-medium text-indigo-700 hover:underline">
              Custom fields
            </Link>{' '}
            give attributes a type.
          </>
        }
      />
      {fields.isPending ? (
        <CardBody>
          <p className="text-sm text-slate-500">Loading…</p>
        </CardBody>
      ) : (
        // Re-mounted when the contact is saved, to start again from what was stored.
        <AttributesForm
          key={contact.updatedAt}
          contact={contact}
          fields={fields.data ?? []}
          canEdit={canEdit}
        />
      )}
    </Card>
  );
}

function AttributesForm({
  contact,
  fields,
  canEdit,
}: {
  contact: Contact;
  fields: CustomField[];
  canEdit: boolean;
}) {
  const update = useUpdateContact(contact.id);
  const notify = useToast();
  const [rows, setRows] = useState<Row[]>(() => rowsOf(contact, fields));
  const [removed, setRemoved] = useState<string[]>([]);
  const [errors, setErrors] = useState<Record<number, string>>({});

  const patch = (): Record<string, unknown> => {
    const changes: Record<string, unknown> = {};
    for (const key of removed) changes[key] = null;
    for (const row of rows) {
      if (row.isReadOnly || !row.key.trim()) continue;
      const key = row.key.trim();
      const next = fromText(row.value, row.type);
      const before = contact.attributes[key] ?? null;
      if (JSON.stringify(next) !== JSON.stringify(before)) changes[key] = next;
    }
    return changes;
  };
  const changes = patch();
  const isDirty = Object.keys(changes).length > 0 || rows.some((r) => r.isNew && r.key.trim());

  const setRow = (index: number, next: Partial<Row>) => {
    setRows((current) => current.map((row, i) => (i === index ? { ...row, ...next } : row)));
    setErrors(({ [index]: _, ...rest }) => rest);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const problems: Record<number, string> = {};
    const seen = new Set(rows.filter((r) => !r.isNew).map((r) => r.key));
    rows.forEach((row, index) => {
      if (row.isNew) {
        const key = row.key.trim();
        if (!key && !row.value.trim()) return;
        if (!KEY_PATTERN.test(key)) problems[index] = 'Name it with letters, digits, _ . or -';
        else if (seen.has(key)) problems[index] = 'This attribute is already listed above.';
        seen.add(key);
      }
      if (row.type === 'number' && row.value.trim() && !Number.isFinite(Number(row.value))) {
        problems[index] = 'Enter a number.';
      }
    });
    setErrors(problems);
    if (Object.keys(problems).length > 0) return;
    // Awaited: saving re-mounts this form (keyed by updatedAt), which would drop a callback.
    update.mutateAsync({ attributes: changes }).then(
      () => notify('Attributes saved.'),
      () => undefined,
    );
  };

  const serverError = (key: string) =>
    update.error instanceof ApiError ? update.error.fieldError(`attributes.${key}`) : undefined;
  const hasFieldErrors = update.error instanceof ApiError && update.error.fieldErrors.length > 0;

  if (rows.length === 0 && !canEdit) {
    return (
      <CardBody>
        <p className="text-sm text-slate-500">No attributes.</p>
      </CardBody>
    );
  }

  return (
    <form onSubmit={submit} noValidate>
      {update.error && !hasFieldErrors && (
        <div className="px-5 pt-4">
          <Alert variant="error">{describeError(update.error)}</Alert>
        </div>
      )}
      {rows.length === 0 ? (
        <p className="px-5 pt-4 text-sm text-slate-500">
          No attributes yet. Add one below, or import them from a CSV.
        </p>
      ) : (
        <ul className="divide-y divide-slate-100">
          {rows.map((row, index) => (
            <AttributeRow
              key={row.isNew ? `new-${index}` : row.key}
              row={row}
              canEdit={canEdit}
              error={errors[index] ?? serverError(row.key.trim())}
              onChange={(next) => setRow(index, next)}
              onRemove={() => {
                if (!row.isNew) setRemoved((keys) => [...keys, row.key]);
                setRows((current) => current.filter((_, i) => i !== index));
                setErrors({});
              }}
            />
          ))}
        </ul>
      )}
      {canEdit && (
        <div className="flex flex-wrap items-center justify-between gap-2 border-t border-slate-100 px-5 py-3">
          <Button
            variant="ghost"
            size="sm"
            onClick={() =>
              setRows((current) => [
                ...current,
                { key: '', type: null, label: null, value: '', isReadOnly: false, isNew: true },
              ])
            }
          >
            <Plus className="size-4" aria-hidden />
            Add attribute
          </Button>
          <div className="flex gap-2">
            <Button
              variant="ghost"
              disabled={!isDirty || update.isPending}
              onClick={() => {
                setRows(rowsOf(contact, fields));
                setRemoved([]);
                setErrors({});
                update.reset();
              }}
            >
              Discard changes
            </Button>
            <Button type="submit" disabled={!isDirty} isLoading={update.isPending}>
              Save attributes
            </Button>
          </div>
        </div>
      )}
    </form>
  );
}

function AttributeRow({
  row,
  canEdit,
  error,
  onChange,
  onRemove,
}: {
  row: Row;
  canEdit: boolean;
  error: string | undefined;
  onChange: (next: Partial<Row>) => void;
  onRemove: () => void;
}) {
  const id = useId();
  const type = row.type;
  const errorId = error ? `${id}-error` : undefined;
  return (
    <li className="grid gap-2 px-5 py-3 sm:grid-cols-[14rem_1fr_auto] sm:items-start">
      <div className="min-w-0 pt-1.5">
        {row.isNew ? (
          <Input
            aria-label="New attribute name"
            placeholder="Name, e.g. company"
            autoFocus
            value={row.key}
            aria-invalid={error ? true : undefined}
            aria-describedby={errorId}
            onChange={(event) => onChange({ key: event.target.value })}
            className="-mt-1.5"
          />
        ) : (
          <>
            <label htmlFor={id} className="block truncate text-sm font-medium text-slate-800">
              {row.label ?? <span className="font-mono">{row.key}</span>}
            </label>
            {row.type && (
              <span className="block truncate text-xs text-slate-500">
                <span className="font-mono">{row.key}</span> · {FIELD_TYPE_LABELS[row.type]}
              </span>
            )}
          </>
        )}
      </div>
      <div>
        <ValueInput
          id={id}
          type={type}
          row={row}
          disabled={!canEdit || row.isReadOnly}
          invalid={Boolean(error)}
          describedBy={errorId}
          onChange={(value) => onChange({ value })}
        />
        {error && (
          <p id={errorId} className="mt-1.5 text-sm text-red-700">
            {error}
          </p>
        )}
      </div>
      {canEdit && (row.isNew || row.type === null) ? (
        <Button
          variant="ghost"
          size="icon"
          aria-label={`Remove ${row.key || 'new attribute'}`}
          onClick={onRemove}
          className="text-slate-500"
        >
          <Trash2 className="size-4" aria-hidden />
        </Button>
      ) : (
        <span className="hidden w-8 sm:block" />
      )}
    </li>
  );
}

function ValueInput({
  id,
  type,
  row,
  disabled,
  invalid,
  describedBy,
  onChange,
}: {
  id: string;
  type: FieldType | null;
  row: Row;
  disabled: boolean;
  invalid: boolean;
  describedBy: string | undefined;
  onChange: (value: string) => void;
}) {
  const label = row.isNew ? `Value of ${row.key || 'new attribute'}` : undefined;
  if (type === 'boolean') {
    return (
      <Select
        id={id}
        aria-label={label}
        disabled={disabled}
        value={row.value === '' ? 'unset' : row.value}
        onValueChange={(value) => onChange(value === 'unset' ? '' : value)}
        options={[
          { value: 'unset', label: 'Not set' },
          { value: 'true', label: 'Yes' },
          { value: 'false', label: 'No' },
        ]}
      />
    );
  }
  return (
    <Input
      id={id}
      aria-label={label}
      type={type === 'date' ? 'date' : type === 'number' ? 'number' : 'text'}
      step={type === 'number' ? 'any' : undefined}
      placeholder={disabled ? undefined : 'Not set'}
      disabled={disabled}
      value={row.value}
      aria-invalid={invalid || undefined}
      aria-describedby={describedBy}
      className={row.isReadOnly ? 'font-mono text-xs' : undefined}
      onChange={(event) => onChange(event.target.value)}
    />
  );
}
