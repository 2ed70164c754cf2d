import { History } from 'lucide-react';
import { useEffect } from 'react';
import { Link } from 'react-router';
import { Card, CardHeader } from '../../../components/ui/card';
import { ErrorState } from '../../../components/ui/error-state';
import { LoadMore } from '../../../components/ui/load-more';
import { TableSkeleton } from '../../../components/ui/spinner';
import { Table, TBody, TD, TH, THead } from '../../../components/ui/table';
import { formatDateTime, formatNumber, formatRelative } from '../../../lib/format';
import { useImports } from '../api';
import { ImportStatusBadge } from '../import-status';

/** Past and running imports; refreshes itself while one is running. */
export function ImportsHistory() {
  const imports = useImports();
  const { isBusy, refetch } = imports;

  useEffect(() => {
    if (!isBusy) return;
    const timer = setInterval(() => void refetch(), 2000);
    return () => clearInterval(timer);
  }, [isBusy, refetch]);

  return (
    <Card aria-labelledby="imports-heading">
      <CardHeader
        id="imports-heading"
        title="Recent imports"
        description="Open one to see its result or download its rejected rows."
      />
      {imports.isPending ? (
        <TableSkeleton rows={2} label="Loading imports" />
      ) : imports.isError ? (
        <ErrorState error={imports.error} onRetry={() => void imports.refetch()} />
      ) : imports.items.length === 0 ? (
        <div className="flex items-center gap-3 px-5 py-4 text-sm text-slate-500">
          <History className="size-4" aria-hidden />
          No imports yet. Your first one will show up here.
        </div>
      ) : (
        <>
          <Table>
            <THead>
              <tr>
                <TH>File</TH>
                <TH>Status</TH>
                <TH className="text-right">Rows</TH>
                <TH className="text-right">Added</TH>
                <TH className="text-right">Updated</TH>
                <TH className="text-right">Rejected</TH>
                <TH>Started</TH>
              </tr>
            </THead>
            <TBody>
              {imports.items.map((item) => (
                <tr key={item.id}>
                  <TD className="max-w-64 truncate font-medium">
                    <Link
                      to={`/contacts/imports/${item.id}`}
                      className="rounded text-slate-900 hover:text-indigo-700 hover:underline"
                    >
                      {item.fileName}
                    </Link>
                  </TD>
                  <TD>
                    <span className="flex items-center gap-2">
                      <ImportStatusBadge status={item.status} />
                      {item.status === 'running' && (
                        <span className="text-xs text-slate-500 tabular-nums">
                          {item.percent} %
                        </span>
                      )}
                    </span>
                  </TD>
                  <TD className="text-right tabular-nums">{formatNumber(item.rowsProcessed)}</TD>
                  <TD className="text-right tabular-nums">{formatNumber(item.inserted)}</TD>
                  <TD className="text-right tabular-nums">{formatNumber(item.updated)}</TD>
                  <TD
                    className={`text-right tabular-nums ${item.failed > 0 ? 'text-red-700' : ''}`}
                  >
                    {formatNumber(item.failed)}
                  </TD>
                  <TD className="whitespace-nowrap">
                    <time dateTime={item.createdAt} title={formatDateTime(item.createdAt)}>
                      {formatRelative(item.createdAt)}
                    </time>
                  </TD>
                </tr>
              ))}
            </TBody>
          </Table>
          <LoadMore {...imports} />
        </>
      )}
    </Card>
  );
}
