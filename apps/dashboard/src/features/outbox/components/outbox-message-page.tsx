import { ArrowLeft, Inbox, Monitor, Smartphone } from 'lucide-react';
import { useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { Button } from '../../../components/ui/button';
import { Card } from '../../../components/ui/card';
import { CopyButton } from '../../../components/ui/copy-field';
import { EmailFrame, type EmailWidth } from '../../../components/ui/email-frame';
import { EmptyState } from '../../../components/ui/empty-state';
import { ErrorState } from '../../../components/ui/error-state';
import { PageHeader } from '../../../components/ui/page-header';
import { SegmentedControl } from '../../../components/ui/segmented-control';
import { Spinner } from '../../../components/ui/spinner';
import { Tabs, TabsContent, TabsList, TabsTrigger } from '../../../components/ui/tabs';
import { ApiError } from '../../../lib/api-error';
import { formatDateTime } from '../../../lib/format';
import { useOutboxMessage } from '../api';
import { parseMessage } from '../mime';

/** One stored message: rendered, as text, its headers and its full source. */
export function OutboxMessagePage() {
  const { id = '' } = useParams();
  const message = useOutboxMessage(id);
  const parsed = useMemo(
    () => (message.data ? parseMessage(message.data.raw) : null),
    [message.data],
  );
  const [width, setWidth] = useState<EmailWidth>('desktop');
  const [tab, setTab] = useState<string | null>(null);

  const back = (
    <Link
      to="/senders/outbox"
      className="mb-3 inline-flex items-center gap-1.5 rounded text-sm font-medium text-slate-600 hover:text-slate-900"
    >
      <ArrowLeft className="size-4" aria-hidden />
      Outbox
    </Link>
  );

  if (message.isPending) return <Spinner label="Loading message…" />;
  if (message.isError || !parsed) {
    const isMissing =
      message.error instanceof ApiError && [400, 404].includes(message.error.status);
    return (
      <>
        {back}
        <Card>
          {isMissing ? (
            <EmptyState
              icon={Inbox}
              title="This message isn’t in the outbox"
              description="The outbox keeps recent messages only, so it may have been cleared out, or the link is incomplete."
              action={
                <Button asChild>
                  <Link to="/senders/outbox">Go to the outbox</Link>
                </Button>
              }
            />
          ) : (
            <ErrorState error={message.error} onRetry={() => void message.refetch()} />
          )}
        </Card>
      </>
    );
  }

  const data = message.data;
  const header = (name: string) =>
    parsed.headers.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;
  const current = tab ?? (parsed.html !== null ? 'html' : 'text');

  return (
    <>
      {back}
      <PageHeader
        title={<span className="break-words">{data.subject || '(no subject)'}</span>}
        description={`Stored ${formatDateTime(data.createdAt)}. Kept by the built-in outbox, not delivered.`}
      />
      <Card className="mb-6">
        <dl className="grid gap-x-6 gap-y-2 px-5 py-4 text-sm sm:grid-cols-[auto_minmax(0,1fr)]">
          <dt className="text-slate-500">From</dt>
          <dd className="break-all text-slate-900">{header('From') ?? data.fromEmail}</dd>
          <dt className="text-slate-500">To</dt>
          <dd className="break-all text-slate-900">{header('To') ?? data.toEmail}</dd>
          {header('Reply-To') && (
            <>
              <dt className="text-slate-500">Reply to</dt>
              <dd className="break-all text-slate-900">{header('Reply-To')}</dd>
            </>
          )}
          <dt className="text-slate-500">Message-ID</dt>
          <dd className="font-mono text-xs leading-5 break-all text-slate-700">{data.messageId}</dd>
        </dl>
      </Card>
      <Card>
        <Tabs value={current} onValueChange={setTab}>
          <div className="flex flex-wrap items-end justify-between gap-3 border-b border-slate-200 px-5 pt-3">
            <TabsList aria-label="Message views" className="border-b-0">
              {parsed.html !== null && <TabsTrigger value="html">HTML</TabsTrigger>}
              {parsed.text !== null && <TabsTrigger value="text">Text</TabsTrigger>}
              <TabsTrigger value="headers">Headers</TabsTrigger>
              <TabsTrigger value="raw">Raw source</TabsTrigger>
            </TabsList>
            {current === 'html' && (
              <SegmentedControl
                label="Preview width"
                size="sm"
                className="mb-2"
                value={width}
                onValueChange={setWidth}
                options={[
                  { value: 'desktop', label: 'Desktop', icon: Monitor },
                  { value: 'mobile', label: 'Mobile', icon: Smartphone },
                ]}
              />
            )}
            {current === 'raw' && (
              <div className="mb-2">
                <CopyButton value={data.raw} label="Copy source" />
              </div>
            )}
          </div>
          {parsed.html !== null && (
            <TabsContent value="html" className="bg-slate-100/70 p-3">
              <EmailFrame
                html={parsed.html}
                title="Message as rendered"
                width={width}
                height={720}
              />
            </TabsContent>
          )}
          {parsed.text !== null && (
            <TabsContent value="text" className="p-5">
              <pre
                aria-label="Text part of the message"
                className="font-mono text-[13px] leading-5 break-words whitespace-pre-wrap text-slate-800"
              >
                {parsed.text}
              </pre>
            </TabsContent>
          )}
          <TabsContent value="headers">
            <dl aria-label="Headers" className="divide-y divide-slate-100 text-sm">
              {parsed.headers.map((h, index) => (
                <div
                  key={index}
                  className="grid gap-x-4 px-5 py-2 sm:grid-cols-[14rem_minmax(0,1fr)]"
                >
                  <dt className="font-medium text-slate-600">{h.name}</dt>
                  <dd className="font-mono text-xs leading-5 break-all text-slate-900">
                    {h.value}
                  </dd>
                </div>
              ))}
            </dl>
          </TabsContent>
          <TabsContent value="raw" className="p-3">
            <pre
              aria-label="Message source"
              className="max-h-[40rem] overflow-auto rounded-md bg-slate-900 p-4 font-mono text-xs leading-5 whitespace-pre text-slate-100"
            >
              {data.raw}
            </pre>
          </TabsContent>
        </Tabs>
      </Card>
    </>
  );
}
