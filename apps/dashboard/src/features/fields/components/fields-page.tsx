import { Braces, Pencil, Plus, Trash2 } from 'lucide-react';
import { useState } from 'react';
import { Alert } from '../../../components/ui/alert';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { Card } from '../../../components/ui/card';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog';
import { EmptyState } from '../../../components/ui/empty-state';
import { ErrorState } from '../../../components/ui/error-state';
import { PageHeader } from '../../../components/ui/page-header';
import { TableSkeleton } from '../../../components/ui/spinner';
import { Table, TBody, TD, TH, THead } from '../../../components/ui/table';
import { useToast } from '../../../components/ui/toast';
import { formatDate } from '../../../lib/format';
import { useCan } from '../../organizations/api';
import { FIELD_TYPE_LABELS, useDeleteField, useFields, type CustomField } from '../api';
import { FieldDialog } from './field-dialog';

export function FieldsPage() {
  const fields = useFields();
  const isAdmin = useCan('admin');
  const remove = useDeleteField();
  const notify = useToast();
  const [editing, setEditing] = useState<CustomField | null>(null);
  const [isDialogOpen, setIsDialogOpen] = useState(false);
  const [deleting, setDeleting] = useState<CustomField | null>(null);
  const items = fields.data ?? [];

  const open = (field: CustomField | null) => {
    setEditing(field);
    setIsDialogOpen(true);
  };
  const addButton = (
    <Button onClick={() => open(null)}>
      <Plus className="size-4" aria-hidden />
      Add field
    </Button>
  );

  return (
    <>
      <PageHeader
        title="Contact fields"
        description="Custom fields name and type the attributes you keep on contacts, such as plan, seats or renewal date."
        actions={isAdmin && items.length > 0 ? addButton : undefined}
      />
      <div className="space-y-6">
        {!isAdmin && (
          <Alert variant="info">
            Only admins and owners can add or change fields. You can still fill them in on each
            contact.
          </Alert>
        )}
        <Card>
          {fields.isPending ? (
            <TableSkeleton label="Loading fields" />
          ) : fields.isError ? (
            <ErrorState error={fields.error} onRetry={() => void fields.refetch()} />
          ) : items.length === 0 ? (
            <EmptyState
              icon={Braces}
              title="No custom fields yet"
              description="Contacts can hold any attribute without one. Add a field to give an attribute a label and a type: imports then check its values, and segments compare numbers and dates as numbers and dates."
              action={isAdmin && addButton}
            />
          ) : (
            <Table>
              <THead>
                <tr>
                  <TH>Label</TH>
                  <TH>Key</TH>
                  <TH>Type</TH>
                  <TH>Added</TH>
                  <TH>
                    <span className="sr-only">Actions</span>
                  </TH>
                </tr>
              </THead>
              <TBody>
                {items.map((field) => (
                  <tr key={field.id}>
                    <TD className="font-medium text-slate-900">{field.label}</TD>
                    <TD>
                      <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-700">
                        {field.key}
                      </code>
                    </TD>
                    <TD>
                      <Badge>{FIELD_TYPE_LABELS[field.type]}</Badge>
                    </TD>
                    <TD className="whitespace-nowrap">{formatDate(field.createdAt)}</TD>
                    <TD className="text-right whitespace-nowrap">
                      {isAdmin && (
                        <>
                          <Button
                            variant="ghost"
                            size="sm"
                            onClick={() => open(field)}
                            aria-label={`Rename ${field.label}`}
                          >
                            <Pencil className="size-4" aria-hidden />
                            Rename
                          </Button>
                          <Button
                            variant="danger-ghost"
                            size="sm"
                            onClick={() => setDeleting(field)}
                            aria-label={`Delete ${field.label}`}
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
          )}
        </Card>
      </div>
      <FieldDialog field={editing} open={isDialogOpen} onOpenChange={setIsDialogOpen} />
      <ConfirmDialog
        open={deleting !== null}
        onOpenChange={(next) => !next && setDeleting(null)}
        title={`Delete “${deleting?.label ?? 'field'}”?`}
        description={`Values stored under ${deleting?.key ?? 'this key'} stay on contacts as plain attributes, without a type. Segment rules on it then compare them as text.`}
        confirmLabel="Delete field"
        onConfirm={async () => {
          if (!deleting) return;
          await remove.mutateAsync(deleting.id);
          notify(`“${deleting.label}” deleted.`);
        }}
      />
    </>
  );
}
