import { useState, type FormEvent } from 'react';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { Card, CardBody, CardHeader } from '../../../components/ui/card';
import { TextField } from '../../../components/ui/field';
import { SelectField } from '../../../components/ui/select';
import { useToast } from '../../../components/ui/toast';
import { ApiError, describeError } from '../../../lib/api-error';
import { useUpdateContact, type Contact, type ContactStatus } from '../api';
import { STATUS_INFO, STATUS_OPTIONS } from '../contact-status';

const TIME_ZONES: readonly string[] = (() => {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return [];
  }
})();

interface Draft {
  firstName: string;
  lastName: string;
  phone: string;
  timezone: string;
  locale: string;
  status: ContactStatus;
}

const draftOf = (contact: Contact): Draft => ({
  firstName: contact.firstName ?? '',
  lastName: contact.lastName ?? '',
  phone: contact.phone ?? '',
  timezone: contact.timezone ?? '',
  locale: contact.locale ?? '',
  status: contact.status,
});

/** Built-in fields. Re-mount it (key) with a changed contact to start from the saved values. */
export function ContactDetailsCard({ contact, canEdit }: { contact: Contact; canEdit: boolean }) {
  const update = useUpdateContact(contact.id);
  const notify = useToast();
  const saved = draftOf(contact);
  const [draft, setDraft] = useState<Draft>(saved);
  const isDirty = (Object.keys(saved) as (keyof Draft)[]).some((key) => saved[key] !== draft[key]);
  const set = (key: keyof Draft) => (value: string) => setDraft((d) => ({ ...d, [key]: value }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const text = (value: string) => value.trim() || null;
    // Awaited rather than given callbacks: saving re-mounts this card (keyed by updatedAt), and
    // a mutation's per-call callbacks don't run for an unmounted component.
    update
      .mutateAsync({
        firstName: text(draft.firstName),
        lastName: text(draft.lastName),
        phone: text(draft.phone),
        timezone: text(draft.timezone),
        locale: text(draft.locale),
        ...(draft.status !== contact.status ? { status: draft.status } : {}),
      })
      .then(
        (next) =>
          notify(
            draft.status !== next.status
              ? `Saved. ${next.email} stays ${STATUS_INFO[next.status].label.toLowerCase()}: the address is suppressed.`
              : 'Contact saved.',
          ),
        // Shown in the form.
        () => undefined,
      );
  };

  const fieldError = (field: string) =>
    update.error instanceof ApiError ? update.error.fieldError(field) : undefined;
  const hasFieldErrors = update.error instanceof ApiError && update.error.fieldErrors.length > 0;

  return (
    <Card aria-labelledby="details-heading">
      <CardHeader
        id="details-heading"
        title="Details"
        description="The built-in fields every contact has."
      />
      <CardBody>
        <form onSubmit={submit} noValidate className="space-y-4">
          {update.error && !hasFieldErrors && (
            <Alert variant="error">{describeError(update.error)}</Alert>
          )}
          <fieldset disabled={!canEdit} className="grid gap-4 sm:grid-cols-2">
            <TextField
              label="First name"
              autoComplete="off"
              value={draft.firstName}
              onChange={(event) => set('firstName')(event.target.value)}
              error={fieldError('firstName')}
            />
            <TextField
              label="Last name"
              autoComplete="off"
              value={draft.lastName}
              onChange={(event) => set('lastName')(event.target.value)}
              error={fieldError('lastName')}
            />
            <TextField
              label="Phone"
              type="tel"
              autoComplete="off"
              value={draft.phone}
              onChange={(event) => set('phone')(event.target.value)}
              error={fieldError('phone')}
            />
            <TextField
              label="Time zone"
              autoComplete="off"
              placeholder="e.g. Europe/Paris"
              list="herald-time-zones"
              hint="Used to send at the right local time."
              value={draft.timezone}
              onChange={(event) => set('timezone')(event.target.value)}
              error={fieldError('timezone')}
            />
            <TextField
              label="Language"
              autoComplete="off"
              placeholder="e.g. en or pt-BR"
              value={draft.locale}
              onChange={(event) => set('locale')(event.target.value)}
              error={fieldError('locale')}
            />
            <SelectField
              label="Status"
              disabled={!canEdit}
              hint={STATUS_INFO[draft.status].description}
              value={draft.status}
              onValueChange={set('status')}
              options={STATUS_OPTIONS}
              error={fieldError('status')}
            />
          </fieldset>
          <datalist id="herald-time-zones">
            {TIME_ZONES.map((zone) => (
              <option key={zone} value={zone} />
            ))}
          </datalist>
          {canEdit && (
            <div className="flex justify-end gap-2 border-t border-slate-100 pt-4">
              <Button
                variant="ghost"
                disabled={!isDirty || update.isPending}
                onClick={() => {
                  setDraft(saved);
                  update.reset();
                }}
              >
                Discard changes
              </Button>
              <Button type="submit" disabled={!isDirty} isLoading={update.isPending}>
                Save details
              </Button>
            </div>
          )}
        </form>
      </CardBody>
    </Card>
  );
}
