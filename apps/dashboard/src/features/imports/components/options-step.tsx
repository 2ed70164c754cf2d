import clsx from 'clsx';
import { ArrowLeft, Upload } from 'lucide-react';
import { useId } from 'react';
import { Link } from 'react-router';
import { Button } from '../../../components/ui/button';
import { Card, CardBody, CardHeader } from '../../../components/ui/card';
import { CheckboxField } from '../../../components/ui/checkbox';
import { TextField } from '../../../components/ui/field';
import { SelectField } from '../../../components/ui/select';
import { useAllLists } from '../../lists/api';
import type { ImportMode } from '../api';

const MODES: { value: ImportMode; label: string; description: string }[] = [
  {
    value: 'upsert',
    label: 'Add new contacts and update existing ones',
    description:
      'Rows for addresses you already have update those contacts. Blank cells change nothing.',
  },
  {
    value: 'create',
    label: 'Only add new contacts',
    description: 'Rows for addresses you already have are skipped.',
  },
  {
    value: 'update',
    label: 'Only update existing contacts',
    description: 'Rows for addresses you don’t have yet are skipped.',
  },
];

export interface OptionsDraft {
  mode: ImportMode;
  tags: string;
  listId: string;
  resubscribe: boolean;
}

const NO_LIST = 'none';

export function OptionsStep({
  options,
  onChange,
  onBack,
  onStart,
}: {
  options: OptionsDraft;
  onChange: (next: OptionsDraft) => void;
  onBack: () => void;
  onStart: () => void;
}) {
  const lists = useAllLists();
  const name = useId();
  return (
    <div className="space-y-6">
      <Card aria-labelledby="options-heading">
        <CardHeader
          id="options-heading"
          title="Import options"
          description="How the rows should change your contacts."
        />
        <CardBody className="space-y-6">
          <fieldset>
            <legend className="text-sm font-medium text-slate-800">Contacts</legend>
            <div className="mt-2 grid gap-2 md:grid-cols-3">
              {MODES.map((mode) => (
                <label
                  key={mode.value}
                  className={clsx(
                    'flex cursor-pointer gap-3 rounded-lg border p-3.5 text-sm transition-colors',
                    'focus-within:ring-3 focus-within:ring-indigo-500/20',
                    options.mode === mode.value
                      ? 'border-indigo-500 bg-indigo-50/50'
                      : 'border-slate-200 hover:bg-slate-50',
                  )}
                >
                  <input
                    type="radio"
                    name={name}
                    value={mode.value}
                    checked={options.mode === mode.value}
                    onChange={() => onChange({ ...options, mode: mode.value })}
                    className="mt-0.5 size-4 shrink-0 accent-indigo-600"
                  />
                  <span>
                    <span className="block font-medium text-slate-900">{mode.label}</span>
                    <span className="mt-0.5 block text-slate-600">{mode.description}</span>
                  </span>
                </label>
              ))}
            </div>
          </fieldset>
          <div className="grid gap-4 sm:grid-cols-2">
            <TextField
              label="Tag every imported contact"
              hint="Optional. Separate tags with commas, e.g. “webinar-2025, lead”."
              autoComplete="off"
              value={options.tags}
              onChange={(event) => onChange({ ...options, tags: event.target.value })}
            />
            <SelectField
              label="Add every imported contact to a list"
              hint={
                lists.data?.length === 0 ? (
                  <>
                    You have no lists yet;{' '}
                    <Link to="/contacts/lists" className="font-medium text-indigo-700 underline">
                      create one
                    </Link>{' '}
                    first if you need it.
                  </>
                ) : (
                  'Optional.'
                )
              }
              value={options.listId || NO_LIST}
              onValueChange={(value) =>
                onChange({ ...options, listId: value === NO_LIST ? '' : value })
              }
              options={[
                { value: NO_LIST, label: 'Don’t add to a list' },
                ...(lists.data ?? []).map((list) => ({ value: list.id, label: list.name })),
              ]}
            />
          </div>
          <CheckboxField
            label="Allow re-subscribing"
            description={
              <>
                Off (recommended): contacts who unsubscribed, bounced or complained keep that status
                even if the file says “subscribed”, so nobody is emailed against their wishes. Turn
                it on only when these people have opted in again, and you can prove it.
              </>
            }
            checked={options.resubscribe}
            onChange={(event) => onChange({ ...options, resubscribe: event.target.checked })}
          />
        </CardBody>
      </Card>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <Button variant="secondary" onClick={onBack}>
          <ArrowLeft className="size-4" aria-hidden />
          Back
        </Button>
        <Button onClick={onStart}>
          <Upload className="size-4" aria-hidden />
          Start import
        </Button>
      </div>
    </div>
  );
}
