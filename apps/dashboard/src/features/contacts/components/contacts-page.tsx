import {
  ArrowDown,
  ArrowUp,
  ArrowUpDown,
  Download,
  FileUp,
  Plus,
  SearchX,
  Users,
} from 'lucide-react';
import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { Card } from '../../../components/ui/card';
import { Checkbox } from '../../../components/ui/checkbox';
import { EmptyState } from '../../../components/ui/empty-state';
import { ErrorState } from '../../../components/ui/error-state';
import { LoadMore } from '../../../components/ui/load-more';
import { PageHeader } from '../../../components/ui/page-header';
import { TableSkeleton } from '../../../components/ui/spinner';
import { Table, TBody, TD, TH, THead } from '../../../components/ui/table';
import { useToast } from '../../../components/ui/toast';
import { Tooltip } from '../../../components/ui/tooltip';
import { describeError } from '../../../lib/api-error';
import { formatDate, formatDateTime, pluralize } from '../../../lib/format';
import { useCan } from '../../organizations/api';
import { useAllSegments } from '../../segments/api';
import {
  exportContacts,
  useContacts,
  type BulkTarget,
  type ContactFilters,
  type ContactSort,
  type ContactStatus,
} from '../api';
import { CONTACT_STATUSES, ContactStatusBadge, contactName } from '../contact-status';
import { AddContactDialog } from './add-contact-dialog';
import { AudienceNav } from './audience-nav';
import { BulkActionsBar } from './bulk-actions';
import { ContactFiltersBar } from './contact-filters';

const SORTS: readonly ContactSort[] = ['-created_at', 'created_at', 'email', '-email'];

/** Filters live in the URL, so a filtered view can be bookmarked, shared and linked to. */
function readFilters(params: URLSearchParams): ContactFilters {
  const status = params.get('status');
  const sort = params.get('sort');
  return {
    search: params.get('q') || undefined,
    status: CONTACT_STATUSES.includes(status as ContactStatus)
      ? (status as ContactStatus)
      : undefined,
    tag: params.get('tag') || undefined,
    listId: params.get('list') || undefined,
    segmentId: params.get('segment') || undefined,
    sort: SORTS.includes(sort as ContactSort) ? (sort as ContactSort) : undefined,
  };
}

function writeFilters(filters: ContactFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.search) params.set('q', filters.search);
  if (filters.status) params.set('status', filters.status);
  if (filters.tag) params.set('tag', filters.tag);
  if (filters.listId) params.set('list', filters.listId);
  if (filters.segmentId) params.set('segment', filters.segmentId);
  if (filters.sort && filters.sort !== '-created_at') params.set('sort', filters.sort);
  return params;
}

export function ContactsPage() {
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => readFilters(params), [params]);
  const canEdit = useCan('editor');
  const notify = useToast();
  const [isAdding, setIsAdding] = useState(false);
  const [isExporting, setIsExporting] = useState(false);
  const setFilters = (next: ContactFilters) => setParams(writeFilters(next), { replace: true });

  const runExport = async () => {
    setIsExporting(true);
    try {
      const fileName = await exportContacts(filters);
      notify(
        filters.search || filters.tag
          ? `${fileName} downloaded. Exports follow the status, list and segment filters, not search or tag.`
          : `${fileName} downloaded.`,
      );
    } catch (error) {
      notify(describeError(error), 'error');
    } finally {
      setIsExporting(false);
    }
  };

  return (
    <>
      <PageHeader
        title="Contacts"
        description="Everyone you can email, with their details, subscription status and tags."
        actions={
          canEdit && (
            <>
              <Tooltip content="Download the contacts matching the status, list and segment filters as CSV">
                <Button
                  variant="secondary"
                  isLoading={isExporting}
                  onClick={() => void runExport()}
                >
                  {!isExporting && <Download className="size-4" aria-hidden />}
                  Export
                </Button>
              </Tooltip>
              <Button variant="secondary" asChild>
                <Link to="/contacts/import">
                  <FileUp className="size-4" aria-hidden />
                  Import CSV
                </Link>
              </Button>
              <Button onClick={() => setIsAdding(true)}>
                <Plus className="size-4" aria-hidden />
                Add contact
              </Button>
            </>
          )
        }
      />
      <AudienceNav />
      <Card>
        <ContactFiltersBar filters={filters} onChange={setFilters} />
        {/* Keyed by the filters: a new result set starts with nothing selected. */}
        <ContactsResults
          key={JSON.stringify(filters)}
          filters={filters}
          canEdit={canEdit}
          onFiltersChange={setFilters}
          onAdd={() => setIsAdding(true)}
        />
      </Card>
      <AddContactDialog open={isAdding} onOpenChange={setIsAdding} />
    </>
  );
}

type Selection = { kind: 'ids'; ids: ReadonlySet<string> } | { kind: 'segment' };

function ContactsResults({
  filters,
  canEdit,
  onFiltersChange,
  onAdd,
}: {
  filters: ContactFilters;
  canEdit: boolean;
  onFiltersChange: (next: ContactFilters) => void;
  onAdd: () => void;
}) {
  const contacts = useContacts(filters);
  const segments = useAllSegments();
  const [selection, setSelection] = useState<Selection>({ kind: 'ids', ids: new Set() });
  const segment = filters.segmentId
    ? segments.data?.find((s) => s.id === filters.segmentId)
    : undefined;
  const hasFilters = Boolean(
    filters.search || filters.status || filters.tag || filters.listId || filters.segmentId,
  );

  const pageIds = contacts.items.map((contact) => contact.id);
  const selectedIds = selection.kind === 'ids' ? selection.ids : new Set(pageIds);
  const selectedOnPage = pageIds.filter((id) => selectedIds.has(id)).length;
  const isWholePage = pageIds.length > 0 && selectedOnPage === pageIds.length;

  const toggle = (id: string) =>
    setSelection((current) => {
      const ids = new Set(current.kind === 'ids' ? current.ids : pageIds);
      if (ids.has(id)) ids.delete(id);
      else ids.add(id);
      return { kind: 'ids', ids };
    });
  const togglePage = () =>
    setSelection({ kind: 'ids', ids: isWholePage ? new Set() : new Set(pageIds) });
  const clear = () => setSelection({ kind: 'ids', ids: new Set() });

  const segmentLabel = `everyone in “${segment?.name ?? 'this segment'}”`;
  const target: BulkTarget =
    selection.kind === 'segment' && filters.segmentId
      ? { segmentId: filters.segmentId }
      : { contactIds: [...selectedIds] };
  const hasSelection = selection.kind === 'segment' || selectedIds.size > 0;

  const sortBy = (column: 'email' | 'created_at') => {
    const current = filters.sort ?? '-created_at';
    const next: ContactSort =
      column === 'email'
        ? current === 'email'
          ? '-email'
          : 'email'
        : current === '-created_at'
          ? 'created_at'
          : '-created_at';
    onFiltersChange({ ...filters, sort: next });
  };

  if (contacts.isPending) return <TableSkeleton rows={5} label="Loading contacts" />;
  if (contacts.isError)
    return <ErrorState error={contacts.error} onRetry={() => void contacts.refetch()} />;
  if (contacts.items.length === 0) {
    return hasFilters ? (
      <EmptyState
        icon={SearchX}
        title="No contacts match"
        description="Try a shorter search or fewer filters. Search matches the start of an email address, first name, last name or full name."
        action={
          <Button variant="secondary" onClick={() => onFiltersChange({ sort: filters.sort })}>
            Clear filters
          </Button>
        }
      />
    ) : (
      <EmptyState
        icon={Users}
        title="No contacts yet"
        description={
          canEdit
            ? 'Import a CSV from your CRM, newsletter tool or spreadsheet, or add one person by hand. Contacts from the API show up here too.'
            : 'Contacts appear here once an editor imports or adds them.'
        }
        action={
          canEdit && (
            <div className="flex flex-wrap justify-center gap-2">
              <Button asChild>
                <Link to="/contacts/import">
                  <FileUp className="size-4" aria-hidden />
                  Import a CSV
                </Link>
              </Button>
              <Button variant="secondary" onClick={onAdd}>
                <Plus className="size-4" aria-hidden />
                Add a contact
              </Button>
            </div>
          )
        }
      />
    );
  }

  return (
    <>
      {canEdit && hasSelection && (
        <BulkActionsBar
          target={target}
          targetLabel={
            selection.kind === 'segment' ? segmentLabel : pluralize(selectedIds.size, 'contact')
          }
          selectedCount={selection.kind === 'segment' ? null : selectedIds.size}
          onClear={clear}
          onDone={(action) => {
            if (action === 'delete') clear();
          }}
        />
      )}
      {canEdit && filters.segmentId && isWholePage && (
        <div className="border-b border-slate-200 bg-slate-50 px-5 py-2 text-center text-sm text-slate-700">
          {selection.kind === 'segment' ? (
            <>
              Actions apply to {segmentLabel}
              {segment?.cachedCount != null &&
                ` (about ${pluralize(segment.cachedCount, 'contact')})`}
              , and run in the background.{' '}
              <button
                type="button"
                className="font-medium text-indigo-700 hover:underline"
                onClick={clear}
              >
                Clear selection
              </button>
            </>
          ) : (
            <>
              All {pluralize(pageIds.length, 'contact')} shown are selected.{' '}
              <button
                type="button"
                className="font-medium text-indigo-700 hover:underline"
                onClick={() => setSelection({ kind: 'segment' })}
              >
                Apply to the whole segment
                {segment?.cachedCount != null && ` (${pluralize(segment.cachedCount, 'contact')})`}
              </button>
            </>
          )}
        </div>
      )}
      <Table>
        <THead>
          <tr>
            {canEdit && (
              <TH className="w-10 pr-0">
                <Checkbox
                  aria-label="Select all contacts shown"
                  checked={isWholePage}
                  isIndeterminate={selectedOnPage > 0 && !isWholePage}
                  onChange={togglePage}
                />
              </TH>
            )}
            <TH aria-sort={sortState(filters.sort, 'email')}>
              <SortButton
                label="Email"
                state={sortState(filters.sort, 'email')}
                onClick={() => sortBy('email')}
              />
            </TH>
            <TH>Name</TH>
            <TH>Status</TH>
            <TH>Tags</TH>
            <TH aria-sort={sortState(filters.sort, 'created_at')}>
              <SortButton
                label="Created"
                state={sortState(filters.sort, 'created_at')}
                onClick={() => sortBy('created_at')}
              />
            </TH>
          </tr>
        </THead>
        <TBody>
          {contacts.items.map((contact) => {
            const name = contactName(contact);
            const isSelected = selectedIds.has(contact.id);
            return (
              <tr key={contact.id} className={isSelected ? 'bg-indigo-50/40' : undefined}>
                {canEdit && (
                  <TD className="w-10 pr-0">
                    <Checkbox
                      aria-label={`Select ${contact.email}`}
                      checked={isSelected}
                      onChange={() => toggle(contact.id)}
                    />
                  </TD>
                )}
                <TD className="max-w-72 truncate font-medium">
                  <Link
                    to={`/contacts/${contact.id}`}
                    className="rounded text-slate-900 hover:text-indigo-700 hover:underline"
                  >
                    {contact.email}
                  </Link>
                </TD>
                <TD className="max-w-48 truncate">
                  {name ?? <span className="text-slate-400">—</span>}
                </TD>
                <TD>
                  <ContactStatusBadge status={contact.status} />
                </TD>
                <TD>
                  <TagList
                    tags={contact.tags}
                    onPick={(tag) => onFiltersChange({ ...filters, tag })}
                  />
                </TD>
                <TD className="whitespace-nowrap">
                  <time dateTime={contact.createdAt} title={formatDateTime(contact.createdAt)}>
                    {formatDate(contact.createdAt)}
                  </time>
                </TD>
              </tr>
            );
          })}
        </TBody>
      </Table>
      <div className="flex items-center justify-between gap-3 border-t border-slate-100 px-5 py-2.5 text-sm text-slate-500">
        <span>
          Showing {pluralize(contacts.items.length, 'contact')}
          {contacts.hasNextPage ? ' so far' : ''}
          {segment?.cachedCount != null && ` of about ${segment.cachedCount} in “${segment.name}”`}
        </span>
      </div>
      <LoadMore {...contacts} />
    </>
  );
}

type SortState = 'ascending' | 'descending' | 'none';

function sortState(sort: ContactSort | undefined, column: 'email' | 'created_at'): SortState {
  const current = sort ?? '-created_at';
  if (current === column) return 'ascending';
  if (current === `-${column}`) return 'descending';
  return 'none';
}

function SortButton({
  label,
  state,
  onClick,
}: {
  label: string;
  state: SortState;
  onClick: () => void;
}) {
  const Icon = state === 'ascending' ? ArrowUp : state === 'descending' ? ArrowDown : ArrowUpDown;
  return (
    <button
      type="button"
      onClick={onClick}
      className="-mx-1 inline-flex items-center gap-1 rounded px-1 tracking-wide uppercase hover:text-slate-800"
      aria-label={`Sort by ${label.toLowerCase()}`}
    >
      {label}
      <Icon className={state === 'none' ? 'size-3.5 text-slate-300' : 'size-3.5'} aria-hidden />
    </button>
  );
}

const MAX_TAGS_SHOWN = 3;

/** Tags as chips; picking one filters the list by it. */
function TagList({ tags, onPick }: { tags: string[]; onPick: (tag: string) => void }) {
  if (tags.length === 0) return <span className="text-slate-400">—</span>;
  const shown = tags.slice(0, MAX_TAGS_SHOWN);
  return (
    <span className="flex gap-1">
      {shown.map((tag) => (
        <button
          key={tag}
          type="button"
          onClick={() => onPick(tag)}
          title={`Show contacts tagged “${tag}”`}
          className="rounded-full"
        >
          <Badge tone="brand">{tag}</Badge>
        </button>
      ))}
      {tags.length > MAX_TAGS_SHOWN && (
        <span title={tags.slice(MAX_TAGS_SHOWN).join(', ')}>
          <Badge>+{tags.length - MAX_TAGS_SHOWN}</Badge>
        </span>
      )}
    </span>
  );
}
