import { List, Pencil, Plus, Trash2 } from 'lucide-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { Button } from '../../../components/ui/button';
import { Card } from '../../../components/ui/card';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog';
import { EmptyState } from '../../../components/ui/empty-state';
import { ErrorState } from '../../../components/ui/error-state';
import { LoadMore } from '../../../components/ui/load-more';
import { PageHeader } from '../../../components/ui/page-header';
import { TableSkeleton } from '../../../components/ui/spinner';
import { Table, TBody, TD, TH, THead } from '../../../components/ui/table';
import { useToast } from '../../../components/ui/toast';
import { formatDate, formatNumber } from '../../../lib/format';
import { AudienceNav } from '../../contacts/components/audience-nav';
import { useCan } from '../../organizations/api';
import { useDeleteList, useLists, type ContactList } from '../api';
import { ListDialog } from './list-dialog';

export function ListsPage() {
  const lists = useLists();
  const canEdit = useCan('editor');
  const remove = useDeleteList();
  const notify = useToast();
  const [editing, setEditing] = useState<ContactList | null>(null);
  const [isDialogOpen, setIsDialogOpen] = useState(false);
  const [deleting, setDeleting] = useState<ContactList | null>(null);

  const open = (list: ContactList | null) => {
    setEditing(list);
    setIsDialogOpen(true);
  };
  const createButton = (
    <Button onClick={() => open(null)}>
      <Plus className="size-4" aria-hidden />
      Create list
    </Button>
  );

  return (
    <>
      <PageHeader
        title="Contacts"
        description="Lists are groups you add contacts to yourself, such as a newsletter or a beta programme."
        actions={canEdit && lists.items.length > 0 ? createButton : undefined}
      />
      <AudienceNav />
      <Card>
        {lists.isPending ? (
          <TableSkeleton label="Loading lists" />
        ) : lists.isError ? (
          <ErrorState error={lists.error} onRetry={() => void lists.refetch()} />
        ) : lists.items.length === 0 ? (
          <EmptyState
            icon={List}
            title="No lists yet"
            description="Lists are groups you manage by hand, such as a newsletter or a beta programme. Add contacts to them from the contacts table, a contact’s page or an import."
            action={canEdit && createButton}
          />
        ) : (
          <>
            <Table>
              <THead>
                <tr>
                  <TH>Name</TH>
                  <TH className="text-right">Contacts</TH>
                  <TH>Created</TH>
                  <TH>
                    <span className="sr-only">Actions</span>
                  </TH>
                </tr>
              </THead>
              <TBody>
                {lists.items.map((list) => (
                  <tr key={list.id}>
                    <TD>
                      <p className="font-medium text-slate-900">{list.name}</p>
                      {list.description && (
                        <p className="text-sm text-slate-500">{list.description}</p>
                      )}
                    </TD>
                    <TD className="text-right tabular-nums">
                      <Link
                        to={`/contacts?list=${list.id}`}
                        className="rounded font-medium text-indigo-700 hover:underline"
                        aria-label={`${formatNumber(list.memberCount)} contacts in ${list.name}`}
                      >
                        {formatNumber(list.memberCount)}
                      </Link>
                    </TD>
                    <TD className="whitespace-nowrap">{formatDate(list.createdAt)}</TD>
                    <TD className="text-right whitespace-nowrap">
                      {canEdit && (
                        <>
                          <Button
                            variant="ghost"
                            size="sm"
                            onClick={() => open(list)}
                            aria-label={`Edit ${list.name}`}
                          >
                            <Pencil className="size-4" aria-hidden />
                            Edit
                          </Button>
                          <Button
                            variant="danger-ghost"
                            size="sm"
                            onClick={() => setDeleting(list)}
                            aria-label={`Delete ${list.name}`}
                          >
                            <Trash2 className="size-4" aria-hidden />
                            Delete
                          </Button>
                        </>
                      )}
                    </TD>
                  </tr>
                ))}
              </TBody>
            </Table>
            <LoadMore {...lists} />
          </>
        )}
      </Card>
      <ListDialog list={editing} open={isDialogOpen} onOpenChange={setIsDialogOpen} />
      <ConfirmDialog
        open={deleting !== null}
        onOpenChange={(next) => !next && setDeleting(null)}
        title={`Delete “${deleting?.name ?? 'list'}”?`}
        description={`The ${formatNumber(deleting?.memberCount ?? 0)} contacts in it stay; only the list and its memberships go. Segments with a rule on this list will need that rule changed.`}
        confirmLabel="Delete list"
        onConfirm={async () => {
          if (!deleting) return;
          await remove.mutateAsync(deleting.id);
          notify(`“${deleting.name}” deleted.`);
        }}
      />
    </>
  );
}
