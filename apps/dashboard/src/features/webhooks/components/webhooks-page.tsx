import { Plus, Webhook as WebhookIcon } from 'lucide-react';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { Card } from '../../../components/ui/card';
import { EmptyState } from '../../../components/ui/empty-state';
import { ErrorState } from '../../../components/ui/error-state';
import { LoadMore } from '../../../components/ui/load-more';
import { PageHeader } from '../../../components/ui/page-header';
import { TableSkeleton } from '../../../components/ui/spinner';
import { Table, TBody, TD, TH, THead } from '../../../components/ui/table';
import { formatDate, pluralize } from '../../../lib/format';
import { useCan } from '../../organizations/api';
import { useWebhooks, type Webhook } from '../api';
import { WebhookDialog } from './webhook-dialog';

export function EndpointStatus({ webhook }: { webhook: Webhook }) {
  if (webhook.isEnabled) return <Badge tone="success">Active</Badge>;
  return (
    <span title={webhook.disabledReason ?? undefined}>
      <Badge tone={webhook.consecutiveFailures > 0 ? 'danger' : 'neutral'}>
        {webhook.consecutiveFailures > 0 ? 'Disabled after failures' : 'Disabled'}
      </Badge>
    </span>
  );
}

export function WebhooksPage() {
  const isAdmin = useCan('admin');
  const webhooks = useWebhooks();
  const navigate = useNavigate();
  const [isCreating, setIsCreating] = useState(false);

  const addButton = (
    <Button onClick={() => setIsCreating(true)}>
      <Plus className="size-4" aria-hidden />
      Add endpoint
    </Button>
  );

  return (
    <>
      <PageHeader
        title="Webhooks"
        description="Herald tells your other tools what happens — new contacts, sends, opens, clicks, unsubscribes — with signed HTTP requests. Point one at n8n, your CRM or your product."
        actions={isAdmin && webhooks.items.length > 0 ? addButton : undefined}
      />
      <Card>
        {webhooks.isPending ? (
          <TableSkeleton label="Loading webhook endpoints" />
        ) : webhooks.isError ? (
          <ErrorState error={webhooks.error} onRetry={() => void webhooks.refetch()} />
        ) : webhooks.items.length === 0 ? (
          <EmptyState
            icon={WebhookIcon}
            title="No webhook endpoints yet"
            description={
              isAdmin
                ? 'Add the URL of a receiver, choose the events it needs, and Herald starts sending them — retried for about a day when the receiver is down.'
                : 'Admins can add endpoints that receive Herald’s events.'
            }
            action={isAdmin ? addButton : undefined}
          />
        ) : (
          <>
            <Table>
              <THead>
                <tr>
                  <TH>Endpoint</TH>
                  <TH>Events</TH>
                  <TH>Status</TH>
                  <TH>Added</TH>
                </tr>
              </THead>
              <TBody>
                {webhooks.items.map((webhook) => (
                  <tr key={webhook.id} className="hover:bg-slate-50">
                    <TD className="max-w-md">
                      <Link
                        to={`/settings/webhooks/${webhook.id}`}
                        className="block truncate font-medium text-slate-900 hover:text-indigo-700"
                      >
                        {webhook.description || webhook.url}
                      </Link>
                      {webhook.description && (
                        <span className="block truncate font-mono text-xs text-slate-500">
                          {webhook.url}
                        </span>
                      )}
                    </TD>
                    <TD className="whitespace-nowrap">
                      {webhook.eventTypes.length === 0
                        ? 'All events'
                        : pluralize(webhook.eventTypes.length, 'event type')}
                    </TD>
                    <TD>
                      <EndpointStatus webhook={webhook} />
                    </TD>
                    <TD className="whitespace-nowrap">{formatDate(webhook.createdAt)}</TD>
                  </tr>
                ))}
              </TBody>
            </Table>
            <LoadMore {...webhooks} />
          </>
        )}
      </Card>
      <WebhookDialog
        open={isCreating}
        onOpenChange={setIsCreating}
        onCreated={(created) => void navigate(`/settings/webhooks/${created.id}`)}
      />
    </>
  );
}
