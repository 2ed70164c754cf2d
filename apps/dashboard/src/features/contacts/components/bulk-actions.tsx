import { ChevronDown, ListPlus, MailX, Tag, Trash2, X } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { Dialog, DialogClose, DialogContent, DialogFooter } from '../../../components/ui/dialog';
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuTrigger,
} from '../../../components/ui/dropdown-menu';
import { TextField } from '../../../components/ui/field';
import { SelectField } from '../../../components/ui/select';
import { useToast } from '../../../components/ui/toast';
import { describeError } from '../../../lib/api-error';
import { pluralize } from '../../../lib/format';
import { useAllLists } from '../../lists/api';
import { useBulkAction, type BulkAction, type BulkResult, type BulkTarget } from '../api';

interface BulkActionsBarProps {
  /** Who the actions apply to. */
  target: BulkTarget;
  /** "3 contacts", "everyone in “VIP”": used in headings and confirmations. */
  targetLabel: string;
  /** How many contacts were picked one by one (null for a whole segment). */
  selectedCount: number | null;
  onClear: () => void;
  /** After an action finished or was handed to the background. */
  onDone: (action: BulkAction) => void;
}

const MENUS: {
  label: string;
  icon: typeof Tag;
  actions: { action: BulkAction; label: string }[];
}[] = [
  {
    label: 'Tags',
    icon: Tag,
    actions: [
      { action: 'add_tag', label: 'Add a tag…' },
      { action: 'remove_tag', label: 'Remove a tag…' },
    ],
  },
  {
    label: 'Lists',
    icon: ListPlus,
    actions: [
      { action: 'add_to_list', label: 'Add to a list…' },
      { action: 'remove_from_list', label: 'Remove from a list…' },
    ],
  },
];

export function BulkActionsBar({
  target,
  targetLabel,
  selectedCount,
  onClear,
  onDone,
}: BulkActionsBarProps) {
  const [action, setAction] = useState<BulkAction | null>(null);
  return (
    <div
      role="region"
      aria-label="Bulk actions"
      className="flex flex-wrap items-center gap-1.5 border-b border-indigo-100 bg-indigo-50/70 px-5 py-2"
    >
      <p className="mr-2 text-sm font-medium text-indigo-900" aria-live="polite">
        {capitalize(targetLabel)} selected
      </p>
      {MENUS.map(({ label, icon: Icon, actions }) => (
        <DropdownMenu key={label}>
          <DropdownMenuTrigger asChild>
            <Button variant="ghost" size="sm">
              <Icon className="size-4" aria-hidden />
              {label}
              <ChevronDown className="size-3.5 text-slate-500" aria-hidden />
            </Button>
          </DropdownMenuTrigger>
          <DropdownMenuContent align="start" className="min-w-48">
            {actions.map((item) => (
              <DropdownMenuItem key={item.action} onSelect={() => setAction(item.action)}>
                {item.label}
              </DropdownMenuItem>
            ))}
          </DropdownMenuContent>
        </DropdownMenu>
      ))}
      <Button variant="ghost" size="sm" onClick={() => setAction('unsubscribe')}>
        <MailX className="size-4" aria-hidden />
        Unsubscribe
      </Button>
      <Button variant="danger-ghost" size="sm" onClick={() => setAction('delete')}>
        <Trash2 className="size-4" aria-hidden />
        Delete
      </Button>
      <Button
        variant="ghost"
        size="sm"
        className="ml-auto"
        aria-label="Clear selection"
        onClick={onClear}
      >
        <X className="size-4" aria-hidden />
        Clear
      </Button>
      {action && (
        <BulkActionDialog
          action={action}
          target={target}
          targetLabel={targetLabel}
          selectedCount={selectedCount}
          onClose={() => setAction(null)}
          onDone={onDone}
        />
      )}
    </div>
  );
}

const TITLES: Record<BulkAction, string> = {
  add_tag: 'Add a tag',
  remove_tag: 'Remove a tag',
  add_to_list: 'Add to a list',
  remove_from_list: 'Remove from a list',
  unsubscribe: 'Unsubscribe contacts',
  delete: 'Delete contacts',
};

const SUBMIT_LABELS: Record<BulkAction, string> = {
  add_tag: 'Add tag',
  remove_tag: 'Remove tag',
  add_to_list: 'Add to list',
  remove_from_list: 'Remove from list',
  unsubscribe: 'Unsubscribe',
  delete: 'Delete contacts',
};

function BulkActionDialog({
  action,
  target,
  targetLabel,
  selectedCount,
  onClose,
  onDone,
}: Omit<BulkActionsBarProps, 'onClear'> & { action: BulkAction; onClose: () => void }) {
  const bulk = useBulkAction();
  const lists = useAllLists();
  const notify = useToast();
  const [tag, setTag] = useState('');
  const [listId, setListId] = useState('');
  const [inputError, setInputError] = useState<string>();
  const isTag = action === 'add_tag' || action === 'remove_tag';
  const isList = action === 'add_to_list' || action === 'remove_from_list';
  const listName = lists.data?.find((list) => list.id === listId)?.name ?? 'the list';

  const report = (result: BulkResult) => {
    if ('jobId' in result) {
      notify(`Running on ${targetLabel} in the background. Changes show up within a minute.`);
      return;
    }
    const n = result.affected;
    const unchanged = selectedCount !== null ? selectedCount - n : 0;
    const messages: Record<BulkAction, string> = {
      add_tag: `Tagged ${pluralize(n, 'contact')} “${tag.trim()}”.${unchanged > 0 ? ` ${pluralize(unchanged, 'contact')} already had it.` : ''}`,
      remove_tag: `Removed “${tag.trim()}” from ${pluralize(n, 'contact')}.`,
      add_to_list: `Added ${pluralize(n, 'contact')} to “${listName}”.${unchanged > 0 ? ` ${pluralize(unchanged, 'contact')} ${unchanged === 1 ? 'was' : 'were'} already in it.` : ''}`,
      remove_from_list: `Removed ${pluralize(n, 'contact')} from “${listName}”.`,
      unsubscribe: `Unsubscribed ${pluralize(n, 'contact')}.`,
      delete: `Deleted ${pluralize(n, 'contact')}.`,
    };
    notify(messages[action]);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (isTag && !tag.trim()) {
      setInputError('Enter the tag, e.g. “vip”.');
      return;
    }
    if (isList && !listId) {
      setInputError('Choose a list.');
      return;
    }
    bulk.mutate(
      {
        action,
        target,
        ...(isTag ? { tag: tag.trim() } : {}),
        ...(isList ? { listId } : {}),
      },
      {
        onSuccess: (result) => {
          report(result);
          onDone(action);
          onClose();
        },
      },
    );
  };

  const description: Record<BulkAction, string> = {
    add_tag: `The tag is added to ${targetLabel}. Contacts that already have it stay as they are.`,
    remove_tag: `The tag is removed from ${targetLabel} that have it.`,
    add_to_list: `${capitalize(targetLabel)} join the list. Contacts already in it stay as they are.`,
    remove_from_list: `${capitalize(targetLabel)} leave the list. The contacts themselves stay.`,
    unsubscribe: `Subscribed contacts among ${targetLabel} stop getting campaigns. Bounced, complained and blocked contacts keep their status.`,
    delete: `Deletes ${targetLabel} with their list memberships and activity. This can’t be undone.`,
  };

  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
      <DialogContent
        title={TITLES[action]}
        description={description[action]}
        role={action === 'delete' ? 'alertdialog' : 'dialog'}
      >
        <form onSubmit={submit} noValidate className="space-y-4">
          {bulk.error && <Alert variant="error">{describeError(bulk.error)}</Alert>}
          {isTag && (
            <TextField
              label="Tag"
              autoFocus
              autoComplete="off"
              placeholder="e.g. vip"
              value={tag}
              error={inputError}
              onChange={(event) => {
                setTag(event.target.value);
                setInputError(undefined);
              }}
            />
          )}
          {isList &&
            (lists.data && lists.data.length === 0 ? (
              <Alert variant="info" title="You have no lists yet">
                <Link to="/contacts/lists" className="font-medium underline">
                  Create a list
                </Link>{' '}
                first, then come back to add contacts to it.
              </Alert>
            ) : (
              <SelectField
                label="List"
                placeholder="Choose a list"
                value={listId}
                error={inputError}
                onValueChange={(value) => {
                  setListId(value);
                  setInputError(undefined);
                }}
                options={(lists.data ?? []).map((list) => ({ value: list.id, label: list.name }))}
              />
            ))}
          <DialogFooter>
            <DialogClose asChild>
              <Button variant="secondary">Cancel</Button>
            </DialogClose>
            <Button
              type="submit"
              variant={action === 'delete' ? 'danger' : 'primary'}
              isLoading={bulk.isPending}
            >
              {SUBMIT_LABELS[action]}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
