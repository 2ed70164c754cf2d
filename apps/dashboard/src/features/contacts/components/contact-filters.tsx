import { Search, X } from 'lucide-react';
import { useEffect, useState } from 'react';
import { Button } from '../../../components/ui/button';
import { Input } from '../../../components/ui/input';
import { Select } from '../../../components/ui/select';
import { useDebouncedValue } from '../../../lib/use-debounced-value';
import { useAllLists } from '../../lists/api';
import { useAllSegments } from '../../segments/api';
import type { ContactFilters, ContactStatus } from '../api';
import { STATUS_INFO, CONTACT_STATUSES } from '../contact-status';

const ANY = 'any';

interface ContactFiltersBarProps {
  filters: ContactFilters;
  onChange: (next: ContactFilters) => void;
}

/** Search (debounced, as you type) and the status, tag, list and segment filters. */
export function ContactFiltersBar({ filters, onChange }: ContactFiltersBarProps) {
  const lists = useAllLists();
  const segments = useAllSegments();
  const [search, setSearch] = useState(filters.search ?? '');
  const [tag, setTag] = useState(filters.tag ?? '');
  const typedSearch = useDebouncedValue(search.trim(), 300);
  const typedTag = useDebouncedValue(tag.trim(), 300);

  // Typing settles into the filters…
  useEffect(() => {
    const nextSearch = typedSearch || undefined;
    const nextTag = typedTag || undefined;
    if (nextSearch !== filters.search || nextTag !== filters.tag) {
      onChange({ ...filters, search: nextSearch, tag: nextTag });
    }
  }, [typedSearch, typedTag]);

  // …and a filter set from elsewhere (a tag clicked in the table, a link) shows in the inputs.
  useEffect(() => {
    if ((filters.tag ?? '') !== typedTag) setTag(filters.tag ?? '');
  }, [filters.tag]);
  useEffect(() => {
    if ((filters.search ?? '') !== typedSearch) setSearch(filters.search ?? '');
  }, [filters.search]);

  const hasFilters = Boolean(
    filters.search || filters.status || filters.tag || filters.listId || filters.segmentId,
  );

  return (
    <div className="flex flex-wrap items-center gap-2 border-b border-slate-200 px-5 py-3">
      <div className="relative w-full min-w-48 sm:w-auto sm:flex-1">
        <Search
          className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-slate-400"
          aria-hidden
        />
        <Input
          type="search"
          aria-label="Search contacts"
          placeholder="Search email or name"
          className="pl-9"
          value={search}
          onChange={(event) => setSearch(event.target.value)}
        />
      </div>
      <Select
        aria-label="Status"
        className="min-w-32 flex-1 sm:w-36 sm:flex-none"
        value={filters.status ?? ANY}
        onValueChange={(value) =>
          onChange({ ...filters, status: value === ANY ? undefined : (value as ContactStatus) })
        }
        options={[
          { value: ANY, label: 'Any status' },
          ...CONTACT_STATUSES.map((status) => ({
            value: status,
            label: STATUS_INFO[status].label,
          })),
        ]}
      />
      <div className="min-w-24 flex-1 sm:w-28 sm:flex-none">
        <Input
          aria-label="Tag"
          placeholder="Tag"
          value={tag}
          onChange={(event) => setTag(event.target.value)}
        />
      </div>
      <Select
        aria-label="List"
        className="min-w-32 flex-1 sm:w-40 sm:flex-none"
        value={filters.listId ?? ANY}
        onValueChange={(value) =>
          onChange({ ...filters, listId: value === ANY ? undefined : value })
        }
        options={[
          { value: ANY, label: 'Any list' },
          ...(lists.data ?? []).map((list) => ({ value: list.id, label: list.name })),
        ]}
      />
      <Select
        aria-label="Segment"
        className="min-w-32 flex-1 sm:w-40 sm:flex-none"
        value={filters.segmentId ?? ANY}
        onValueChange={(value) =>
          onChange({ ...filters, segmentId: value === ANY ? undefined : value })
        }
        options={[
          { value: ANY, label: 'Any segment' },
          ...(segments.data ?? []).map((segment) => ({ value: segment.id, label: segment.name })),
        ]}
      />
      {hasFilters && (
        <Button
          variant="ghost"
          onClick={() => {
            setSearch('');
            setTag('');
            onChange({ sort: filters.sort });
          }}
        >
          <X className="size-4" aria-hidden />
          Clear
        </Button>
      )}
    </div>
  );
}
