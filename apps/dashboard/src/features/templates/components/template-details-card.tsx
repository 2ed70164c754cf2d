import { useId, type RefObject } from 'react';
import { Card, CardBody } from '../../../components/ui/card';
import { TextField } from '../../../components/ui/field';
import { useTemplateCategories } from '../api';

type DetailField = 'name' | 'category' | 'subject' | 'preheader';

interface TemplateDetailsCardProps {
  values: Record<DetailField, string>;
  canEdit: boolean;
  onChange: (patch: Partial<Record<DetailField, string>>) => void;
  errors: Partial<Record<DetailField, string | undefined>>;
  /** The inputs an error in the list can jump to. */
  inputs: Partial<Record<DetailField, RefObject<HTMLInputElement | null>>>;
}

/** Name and category (for the team), subject and preheader (for the inbox). */
export function TemplateDetailsCard({
  values,
  canEdit,
  onChange,
  errors,
  inputs,
}: TemplateDetailsCardProps) {
  const categories = useTemplateCategories();
  const categoryListId = useId();
  return (
    <Card>
      <CardBody className="grid gap-4 sm:grid-cols-2">
        <TextField
          ref={inputs.name}
          label="Name"
          autoComplete="off"
          maxLength={200}
          placeholder="e.g. March newsletter"
          disabled={!canEdit}
          value={values.name}
          onChange={(event) => onChange({ name: event.target.value })}
          error={errors.name}
          hint="Only your team sees this."
        />
        <TextField
          label="Category"
          autoComplete="off"
          maxLength={100}
          placeholder="e.g. Newsletter"
          list={categoryListId}
          disabled={!canEdit}
          value={values.category}
          onChange={(event) => onChange({ category: event.target.value })}
          error={errors.category}
          hint="Optional. Groups templates in the list."
        />
        <datalist id={categoryListId}>
          {(categories.data ?? []).map((category) => (
            <option key={category} value={category} />
          ))}
        </datalist>
        <TextField
          ref={inputs.subject}
          containerClassName="sm:col-span-2"
          label="Subject"
          autoComplete="off"
          placeholder="e.g. {{ contact.firstName }}, your March update"
          disabled={!canEdit}
          value={values.subject}
          onChange={(event) => onChange({ subject: event.target.value })}
          error={errors.subject}
        />
        <TextField
          ref={inputs.preheader}
          containerClassName="sm:col-span-2"
          label="Preheader"
          autoComplete="off"
          placeholder="e.g. Three things we shipped this month"
          disabled={!canEdit}
          value={values.preheader}
          onChange={(event) => onChange({ preheader: event.target.value })}
          error={errors.preheader}
          hint="Optional. Most inboxes show it after the subject."
        />
      </CardBody>
    </Card>
  );
}
