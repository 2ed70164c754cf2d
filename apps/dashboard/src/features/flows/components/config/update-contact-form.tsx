import { Plus, Trash2 } from 'lucide-react';
import { Link } from 'react-router';
import { Button } from '../../../../components/ui/button';
import { TextField } from '../../../../components/ui/field';
import { SelectField } from '../../../../components/ui/select';
import { useAllLists } from '../../../lists/api';
import type { UpdateAction, UpdateActionType } from '../../definition';
import { AttributeField, EntityPicker, parseScalar } from './fields';
import type { StepFormProps } from './form-props';

const ACTION_TYPES: { value: UpdateActionType; label: string }[] = [
  { value: 'set_attribute', label: 'Set an attribute' },
  { value: 'unset_attribute', label: 'Clear an attribute' },
  { value: 'add_tag', label: 'Add a tag' },
  { value: 'remove_tag', label: 'Remove a tag' },
  { value: 'add_to_list', label: 'Add to a list' },
  { value: 'remove_from_list', label: 'Remove from a list' },
  { value: 'unsubscribe', label: 'Unsubscribe' },
];

function switchAction(type: UpdateActionType): UpdateAction {
  switch (type) {
    case 'set_attribute':
      return { type, attribute: '', value: '' };
    case 'unset_attribute':
      return { type, attribute: '' };
    case 'add_tag':
    case 'remove_tag':
      return { type, tag: '' };
    case 'add_to_list':
    case 'remove_from_list':
      return { type, listId: '' };
    case 'unsubscribe':
      return { type };
  }
}

export function UpdateContactForm({
  config,
  onChange,
  errorAt,
  disabled,
}: StepFormProps<'update_contact'>) {
  const lists = useAllLists();
  const actions = config.actions ?? [];
  const set = (index: number, next: UpdateAction) =>
    onChange({ actions: actions.map((a, i) => (i === index ? next : a)) });
  return (
    <div className="space-y-3">
      {actions.map((action, index) => {
        const at = (path: string) => errorAt(`actions.${index}.${path}`);
        return (
          <div
            key={`${index}-${action.type}`}
            role="group"
            aria-label={`Update ${index + 1}`}
            className="space-y-3 rounded-lg bg-slate-50 p-3 ring-1 ring-slate-200"
          >
            <div className="flex items-end gap-2">
              <SelectField
                label={`Update ${index + 1}`}
                containerClassName="flex-1"
                value={action.type}
                disabled={disabled}
                onValueChange={(type) => set(index, switchAction(type))}
                options={ACTION_TYPES}
              />
              <Button
                variant="ghost"
                size="icon"
                aria-label={`Remove update ${index + 1}`}
                disabled={disabled || actions.length <= 1}
                onClick={() => onChange({ actions: actions.filter((_, i) => i !== index) })}
              >
                <Trash2 className="size-4" aria-hidden />
              </Button>
            </div>
            {(action.type === 'set_attribute' || action.type === 'unset_attribute') && (
              <AttributeField
                label="Attribute"
                value={action.attribute}
                disabled={disabled}
                error={at('attribute')}
                onChange={(attribute) => set(index, { ...action, attribute })}
              />
            )}
            {action.type === 'set_attribute' && (
              <TextField
                label="Value"
                value={String(action.value ?? '')}
                disabled={disabled}
                hint="true and false are saved as yes/no values; everything else as text."
                error={at('value')}
                onChange={(event) =>
                  set(index, { ...action, value: parseScalar(event.target.value) })
                }
              />
            )}
            {(action.type === 'add_tag' || action.type === 'remove_tag') && (
              <TextField
                label="Tag"
                value={action.tag}
                disabled={disabled}
                placeholder="onboarded"
                error={at('tag')}
                onChange={(event) => set(index, { ...action, tag: event.target.value })}
              />
            )}
            {(action.type === 'add_to_list' || action.type === 'remove_from_list') && (
              <EntityPicker
                label="List"
                value={action.listId}
                disabled={disabled}
                isLoading={lists.isPending}
                placeholder="Choose a list"
                error={at('listId')}
                options={(lists.data ?? []).map((l) => ({ value: l.id, label: l.name }))}
                emptyNote={
                  <>
                    No lists yet.{' '}
                    <Link
                      to="/contacts/lists"
                      className="font-medium text-indigo-700 hover:underline"
                    >
                      Create a list
                    </Link>
                    .
                  </>
                }
                onChange={(listId) => set(index, { ...action, listId })}
              />
            )}
            {action.type === 'unsubscribe' && (
              <p className="text-sm text-slate-600">
                The contact stops getting campaigns and flow emails.
              </p>
            )}
          </div>
        );
      })}
      <Button
        variant="secondary"
        size="sm"
        disabled={disabled || actions.length >= 20}
        onClick={() => onChange({ actions: [...actions, switchAction('add_tag')] })}
      >
        <Plus className="size-3.5" aria-hidden />
        Add update
      </Button>
    </div>
  );
}
