import { FileText, Inbox, Search, SearchX, X } from 'lucide-react';
import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
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
import { SendingNav } from '../../senders/components/sending-nav';
import { useOutbox } from '../api';

export function OutboxPage() {
  const [params, setParams] = useSearchParams();
  const query = params.get('q') ?? '';
  const [search, setSearch] = useState(query);
  const typed = useDebouncedValue(search.trim(), 300);
  const outbox = useOutbox(query || undefined);

  useEffect(() => {
    if (typed !== query) setParams(typed ? { q: typed } : {}, { replace: true });
  }, [typed]);
  useEffect(() => {
    if (query !== typed) setSearch(query);
  }, [query]);

  const isEmpty = !query && !outbox.isPending && !outbox.isError && outbox.items.length === 0;

  return (
    <>
      <PageHeader
        title="Senders"
        description="The outbox keeps what the built-in outbox sender “sent”, newest first. Nothing here reached anyone."
      />
      <SendingNav />
      <Card>
        {isEmpty ? (
          <EmptyState
            icon={Inbox}
            title="The outbox is empty"
            description="Mail sent through the built-in outbox sender is kept here instead of being delivered, exactly as recipients would get it: rendered, with its text version, headers and source. To see one, open a template and send a test through the Built-in outbox."
            action={
              <Button asChild>
                <Link to="/templates">
                  <FileText className="size-4" aria-hidden />
                  Go to templates
                </Link>
              </Button>
            }
          />
        ) : (
          <>
            <div className="border-b border-slate-200 px-5 py-3">
              <div className="relative">
                <Search
                  className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-slate-400"
                  aria-hidden
                />
                <Input
                  type="search"
                  aria-label="Search the outbox"
                  placeholder="Search by recipient or subject"
                  className="pl-9"
                  value={search}
                  onChange={(event) => setSearch(event.target.value)}
                />
              </div>
            </div>
            {outbox.isPending ? (
              <TableSkeleton rows={4} label="Loading the outbox" />
            ) : outbox.isError ? (
              <ErrorState error={outbox.error} onRetry={() => void outbox.refetch()} />
            ) : outbox.items.length === 0 ? (
              <EmptyState
                icon={SearchX}
                title="No messages match"
                description="Search looks for part of the recipient’s address or the subject."
                action={
                  <Button variant="secondary" onClick={() => setSearch('')}>
                    <X className="size-4" aria-hidden />
                    Clear search
                  </Button>
                }
              />
            ) : (
              <>
                <Table>
                  <THead>
                    <tr>
                      <TH>Subject</TH>
                      <TH>To</TH>
                      <TH>Sender</TH>
                      <TH>Stored</TH>
                    </tr>
                  </THead>
                  <TBody>
                    {outbox.items.map((message) => (
                      <tr key={message.id} className="hover:bg-slate-50/70">
                        <TD className="max-w-sm">
                          <Link
                            to={`/senders/outbox/${message.id}`}
                            className="block truncate rounded font-medium text-slate-900 hover:text-indigo-700 hover:underline"
                            title={message.subject}
                          >
                            {message.subject || '(no subject)'}
                          </Link>
                        </TD>
                        <TD className="max-w-56 truncate" title={message.toEmail}>
                          {message.toEmail}
                        </TD>
                        <TD className="max-w-48 truncate">
                          {message.senderName ?? (
                            <span className="text-slate-400">Deleted sender</span>
                          )}
                        </TD>
                        <TD className="whitespace-nowrap">
                          <time
                            dateTime={message.createdAt}
                            title={formatDateTime(message.createdAt)}
                          >
                            {formatRelative(message.createdAt)}
                          </time>
                        </TD>
                      </tr>
                    ))}
                  </TBody>
                </Table>
                <LoadMore {...outbox} />
              </>
            )}
          </>
        )}
      </Card>
    </>
  );
}
