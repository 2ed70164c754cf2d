import clsx from 'clsx';
import { FileText, Plus, Search, SearchX, X } from 'lucide-react';
import { useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { Card } from '../../../components/ui/card';
import { EmptyState } from '../../../components/ui/empty-state';
import { ErrorState } from '../../../components/ui/error-state';
import { Input } from '../../../components/ui/input';
import { LoadMore } from '../../../components/ui/load-more';
import { PageHeader } from '../../../components/ui/page-header';
import { TableSkeleton } from '../../../components/ui/spinner';
import { Table, TBody, TD, TH, THead } from '../../../components/ui/table';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { useDebouncedValue } from '../../../lib/use-debounced-value';
import { useCan } from '../../organizations/api';
import { useTemplateCategories, useTemplates, type TemplateFilters } from '../api';
import { FORMAT_LABELS } from '../formats';

/** Search and category live in the URL, so a filtered list can be bookmarked and shared. */
function readFilters(params: URLSearchParams): TemplateFilters {
  return {
    search: params.get('q') || undefined,
    category: params.get('category') || undefined,
  };
}

function writeFilters(filters: TemplateFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.search) params.set('q', filters.search);
  if (filters.category) params.set('category', filters.category);
  return params;
}

export function TemplatesPage() {
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => readFilters(params), [params]);
  const setFilters = (next: TemplateFilters) => setParams(writeFilters(next), { replace: true });
  const templates = useTemplates(filters);
  const categories = useTemplateCategories();
  const canEdit = useCan('editor');
  const [search, setSearch] = useState(filters.search ?? '');
  const typed = useDebouncedValue(search.trim(), 300);
  const hasFilters = Boolean(filters.search || filters.category);

  useEffect(() => {
    if ((typed || undefined) !== filters.search)
      setFilters({ ...filters, search: typed || undefined });
  }, [typed]);

  const createButton = (
    <Button asChild>
      <Link to="/templates/new">
        <Plus className="size-4" aria-hidden />
        New template
      </Link>
    </Button>
  );
  const isEmptyAccount = !hasFilters && !templates.isPending && templates.items.length === 0;

  return (
    <>
      <PageHeader
        title="Templates"
        description="Reusable emails, personalised for each contact. Write them in HTML, MJML or Markdown, preview them as any contact and send yourself a test."
        actions={canEdit && !isEmptyAccount ? createButton : undefined}
      />
      <Card>
        {!isEmptyAccount && !templates.isError && (
          <div className="space-y-3 border-b border-slate-200 px-5 py-3">
            <div className="relative">
              <Search
                className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-slate-400"
                aria-hidden
              />
              <Input
                type="search"
                aria-label="Search templates"
                placeholder="Search by name or subject"
                className="pl-9"
                value={search}
                onChange={(event) => setSearch(event.target.value)}
              />
            </div>
            {(categories.data?.length ?? 0) > 0 && (
              <div role="group" aria-label="Category" className="flex flex-wrap gap-1.5">
                {[undefined, ...(categories.data ?? [])].map((category) => {
                  const isOn = filters.category === category;
                  return (
                    <button
                      key={category ?? 'all'}
                      type="button"
                      aria-pressed={isOn}
                      onClick={() => setFilters({ ...filters, category })}
                      className={clsx(
                        'h-7 rounded-full px-3 text-sm ring-1 ring-inset transition-colors',
                        isOn
                          ? 'bg-indigo-50 font-medium text-indigo-700 ring-indigo-300'
                          : 'bg-white text-slate-600 ring-slate-300 hover:bg-slate-50',
                      )}
                    >
                      {category ?? 'All categories'}
                    </button>
                  );
                })}
              </div>
            )}
          </div>
        )}
        {templates.isPending ? (
          <TableSkeleton rows={4} label="Loading templates" />
        ) : templates.isError ? (
          <ErrorState error={templates.error} onRetry={() => void templates.refetch()} />
        ) : templates.items.length === 0 ? (
          hasFilters ? (
            <EmptyState
              icon={SearchX}
              title="No templates match"
              description="Try another search or category. Search looks at template names and subjects."
              action={
                <Button
                  variant="secondary"
                  onClick={() => {
                    setSearch('');
                    setFilters({});
                  }}
                >
                  <X className="size-4" aria-hidden />
                  Clear filters
                </Button>
              }
            />
          ) : (
            <EmptyState
              icon={FileText}
              title="No templates yet"
              description={
                canEdit
                  ? 'Start with a template: pick HTML, MJML or Markdown, and Herald fills in a starter with personalisation and an unsubscribe link. You see it rendered as you type.'
                  : 'Editors write the templates campaigns send. Once they have, you can read and preview them here.'
              }
              action={canEdit && createButton}
            />
          )
        ) : (
          <>
            <Table>
              <THead>
                <tr>
                  <TH>Name</TH>
                  <TH>Category</TH>
                  <TH>Format</TH>
                  <TH className="text-right">Version</TH>
                  <TH>Updated</TH>
                </tr>
              </THead>
              <TBody>
                {templates.items.map((template) => (
                  <tr key={template.id}>
                    <TD className="max-w-md">
                      <Link
                        to={`/templates/${template.id}`}
                        className="rounded font-medium text-slate-900 hover:text-indigo-700 hover:underline"
                      >
                        {template.name}
                      </Link>
                      {!template.isActive && (
                        <Badge tone="neutral" className="ml-2">
                          Inactive
                        </Badge>
                      )}
                      <p className="truncate text-sm text-slate-500" title={template.subject}>
                        {template.subject || 'No subject'}
                      </p>
                    </TD>
                    <TD className="whitespace-nowrap">
                      {template.category ? (
                        <button
                          type="button"
                          className="rounded text-slate-700 hover:text-indigo-700 hover:underline"
                          aria-label={`Show templates in ${template.category}`}
                          onClick={() => setFilters({ ...filters, category: template.category! })}
                        >
                          {template.category}
                        </button>
                      ) : (
                        <span className="text-slate-400">—</span>
                      )}
                    </TD>
                    <TD>
                      <Badge tone={template.format === 'html' ? 'neutral' : 'brand'}>
                        {FORMAT_LABELS[template.format]}
                      </Badge>
                    </TD>
                    <TD className="text-right tabular-nums">v{template.version}</TD>
                    <TD className="whitespace-nowrap">
                      <time
                        dateTime={template.updatedAt}
                        title={formatDateTime(template.updatedAt)}
                      >
                        {formatRelative(template.updatedAt)}
                      </time>
                    </TD>
                  </tr>
                ))}
              </TBody>
            </Table>
            <LoadMore {...templates} />
          </>
        )}
      </Card>
    </>
  );
}
