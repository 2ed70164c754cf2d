import { Plus, X } from 'lucide-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { Button } from '../../../components/ui/button';
import { Card, CardBody, CardHeader } from '../../../components/ui/card';
import { Select } from '../../../components/ui/select';
import { useToast } from '../../../components/ui/toast';
import { describeError } from '../../../lib/api-error';
import { formatDate } from '../../../lib/format';
import { useAllLists, useListMembership } from '../../lists/api';
import { useContactData, type Contact } from '../api';

export function ContactListsCard({ contact, canEdit }: { contact: Contact; canEdit: boolean }) {
  // Memberships come from the data-subject record, which only editors may read.
  const data = useContactData(contact.id, canEdit);
  const lists = useAllLists();
  const membership = useListMembership(contact.id);
  const notify = useToast();
  const [listId, setListId] = useState('');
  const memberships = data.data?.lists ?? [];
  const available = (lists.data ?? []).filter((list) => !memberships.some((m) => m.id === list.id));

  const change = (id: string, name: string, isMember: boolean) =>
    membership.mutate(
      { listId: id, isMember },
      {
        onSuccess: () => {
          setListId('');
          notify(isMember ? `Added to “${name}”.` : `Removed from “${name}”.`);
        },
        onError: (error) => notify(describeError(error), 'error'),
      },
    );

  return (
    <Card aria-labelledby="lists-heading">
      <CardHeader id="lists-heading" title="Lists" />
      <CardBody className="space-y-3">
        {!canEdit ? (
          <p className="text-sm text-slate-500">Editors can see and change list memberships.</p>
        ) : data.isPending ? (
          <p className="text-sm text-slate-500">Loading…</p>
        ) : data.isError ? (
          <p className="text-sm text-red-700">{describeError(data.error)}</p>
        ) : memberships.length === 0 ? (
          <p className="text-sm text-slate-500">Not on any list.</p>
        ) : (
          <ul className="divide-y divide-slate-100" aria-label="List memberships">
            {memberships.map((list) => (
              <li key={list.id} className="flex items-center justify-between gap-2 py-1.5">
                <div className="min-w-0">
                  <p className="truncate text-sm font-medium text-slate-800">{list.name}</p>
                  <p className="text-xs text-slate-500">Since {formatDate(list.addedAt)}</p>
                </div>
                <Button
                  variant="ghost"
                  size="icon"
                  className="text-slate-500"
                  aria-label={`Remove from ${list.name}`}
                  disabled={membership.isPending}
                  onClick={() => change(list.id, list.name, false)}
                >
                  <X className="size-4" aria-hidden />
                </Button>
              </li>
            ))}
          </ul>
        )}
        {canEdit &&
          lists.data &&
          (lists.data.length === 0 ? (
            <p className="text-sm text-slate-500">
              <Link to="/contacts/lists" className="font-medium text-indigo-700 hover:underline">
                Create a list
              </Link>{' '}
              to group contacts you send to together.
            </p>
          ) : (
            available.length > 0 && (
              <div className="flex gap-2">
                <Select
                  aria-label="Add to list"
                  placeholder="Add to a list…"
                  value={listId}
                  onValueChange={setListId}
                  options={available.map((list) => ({ value: list.id, label: list.name }))}
                />
                <Button
                  variant="secondary"
                  disabled={!listId}
                  isLoading={membership.isPending}
                  onClick={() =>
                    change(listId, available.find((l) => l.id === listId)?.name ?? 'list', true)
                  }
                >
                  {!membership.isPending && <Plus className="size-4" aria-hidden />}
                  Add
                </Button>
              </div>
            )
          ))}
      </CardBody>
    </Card>
  );
}
