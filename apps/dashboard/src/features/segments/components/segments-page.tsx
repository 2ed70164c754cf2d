import { Filter, Plus, RefreshCw, Trash2, Users } from 'lucide-react';
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
import { describeError } from '../../../lib/api-error';
import { formatDateTime, formatNumber, formatRelative } from '../../../lib/format';
import { useCan } from '../../organizations/api';
import { useDeleteSegment, useRecountSegment, useSegments, type Segment } from '../api';

/** "Counted 5 minutes ago", from the age the API reports (its clock, not ours). */
function countedAgo(segment: Segment): string | null {
  if (segment.countAgeSeconds === null) return null;
  return `Counted ${formatRelative(new Date(Date.now() - segment.countAgeSeconds * 1000).toISOString())}`;
}

export function SegmentsPage() {
  const segments = useSegments();
  const canEdit = useCan('editor');
  const recount = useRecountSegment();
  const remove = useDeleteSegment();
  const notify = useToast();
  const [deleting, setDeleting] = useState<Segment | null>(null);

  const createButton = (
    <Button asChild>
      <Link to="/segments/new">
        <Plus className="size-4" aria-hidden />
        Create segment
      </Link>
    </Button>
  );

  return (
    <>
      <PageHeader
        title="Segments"
        description="Saved rules that group contacts by who they are, such as “subscribed, tagged vip, signed up this year”. They stay up to date as contacts change."
        actions={canEdit && segments.items.length > 0 ? createButton : undefined}
      />
      <Card>
        {segments.isPending ? (
          <TableSkeleton label="Loading segments" />
        ) : segments.isError ? (
          <ErrorState error={segments.error} onRetry={() => void segments.refetch()} />
        ) : segments.items.length === 0 ? (
          <EmptyState
            icon={Filter}
            title="No segments yet"
            description="Create a segment to pick out the right people for a campaign: by field, attribute, tag, list, or other segments. You see how many contacts match while you build it."
            action={canEdit && createButton}
          />
        ) : (
          <>
            <Table>
              <THead>
                <tr>
                  <TH>Name</TH>
                  <TH className="text-right">Contacts</TH>
                  <TH>Updated</TH>
                  <TH>
                    <span className="sr-only">Actions</span>
                  </TH>
                </tr>
              </THead>
              <TBody>
                {segments.items.map((segment) => (
                  <tr key={segment.id}>
                    <TD>
                      <Link
                        to={`/segments/${segment.id}`}
                        className="rounded font-medium text-slate-900 hover:text-indigo-700 hover:underline"
                      >
                        {segment.name}
                      </Link>
                      {segment.description && (
                        <p className="text-sm text-slate-500">{segment.description}</p>
                      )}
                    </TD>
                    <TD className="text-right whitespace-nowrap">
                      <div className="flex items-center justify-end gap-1">
                        <div>
                          <p className="font-medium text-slate-900 tabular-nums">
                            {segment.cachedCount === null ? '—' : formatNumber(segment.cachedCount)}
                          </p>
                          <p className="text-xs text-slate-500">
                            {countedAgo(segment) ?? 'Not counted yet'}
                          </p>
                        </div>
                        <Button
                          variant="ghost"
                          size="icon"
                          className="text-slate-400 hover:text-slate-700"
                          aria-label={`Count ${segment.name} again`}
                          title="Count again"
                          disabled={recount.isPending && recount.variables === segment.id}
                          onClick={() =>
                            recount.mutate(segment.id, {
                              onError: (error) => notify(describeError(error), 'error'),
                            })
                          }
                        >
                          <RefreshCw
                            className={
                              recount.isPending && recount.variables === segment.id
                                ? 'size-4 animate-spin'
                                : 'size-4'
                            }
                            aria-hidden
                          />
                        </Button>
                      </div>
                    </TD>
                    <TD className="whitespace-nowrap">
                      <time dateTime={segment.updatedAt} title={formatDateTime(segment.updatedAt)}>
                        {formatRelative(segment.updatedAt)}
                      </time>
                    </TD>
                    <TD className="text-right whitespace-nowrap">
                      <Button variant="ghost" size="sm" asChild>
                        <Link
                          to={`/contacts?segment=${segment.id}`}
                          aria-label={`View contacts in ${segment.name}`}
                        >
                          <Users className="size-4" aria-hidden />
                          Contacts
                        </Link>
                      </Button>
                      {canEdit && (
                        <Button
                          variant="danger-ghost"
                          size="sm"
                          aria-label={`Delete ${segment.name}`}
                          onClick={() => setDeleting(segment)}
                        >
                          <Trash2 className="size-4" aria-hidden />
                          Delete
                        </Button>
                      )}
                    </TD>
                  </tr>
                ))}
              </TBody>
            </Table>
            <LoadMore {...segments} />
          </>
        )}
      </Card>
      <ConfirmDialog
        open={deleting !== null}
        onOpenChange={(open) => !open && setDeleting(null)}
        title={`Delete “${deleting?.name ?? 'segment'}”?`}
        description="The contacts in it stay; only the segment goes. This can’t be undone."
        confirmLabel="Delete segment"
        onConfirm={async () => {
          if (!deleting) return;
          await remove.mutateAsync(deleting.id);
          notify(`“${deleting.name}” deleted.`);
        }}
      />
    </>
  );
}
