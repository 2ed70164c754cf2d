import { ArrowLeft, Eye, RefreshCw, Send, Webhook as WebhookIcon } from 'lucide-react';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { Card, CardBody, CardHeader } from '../../../components/ui/card';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog';
import { CopyField } from '../../../components/ui/copy-field';
import { EmptyState } from '../../../components/ui/empty-state';
import { ErrorState } from '../../../components/ui/error-state';
import { PageHeader } from '../../../components/ui/page-header';
import { Select } from '../../../components/ui/select';
import { Spinner } from '../../../components/ui/spinner';
import { useToast } from '../../../components/ui/toast';
import { ApiError, describeError } from '../../../lib/api-error';
import { formatDateTime } from '../../../lib/format';
import { useCan } from '../../organizations/api';
import {
  useDeleteWebhook,
  useRevealSecret,
  useRotateSecret,
  useSendTest,
  useUpdateWebhook,
  useWebhook,
  type AttemptResult,
  type Webhook,
  type WebhookEventType,
} from '../api';
import { ALL_EVENT_TYPES, EVENT_TYPE_GROUPS } from '../event-types';
import { DeliveryLog } from './delivery-log';
import { WebhookDialog } from './webhook-dialog';
import { EndpointStatus } from './webhooks-page';

const BACK = (
  <Link
    to="/settings/webhooks"
    className="mb-3 inline-flex items-center gap-1.5 rounded text-sm font-medium text-slate-600 hover:text-slate-900"
  >
    <ArrowLeft className="size-4" aria-hidden />
    Webhooks
  </Link>
);

const EVENT_OPTIONS = EVENT_TYPE_GROUPS.flatMap((group) =>
  group.types.map((t) => ({ value: t.value, label: t.value, description: t.description })),
);

/** One endpoint: what it receives, its secret, a test send, and its delivery log. */
export function WebhookPage() {
  const { id = '' } = useParams();
  const webhook = useWebhook(id);

  if (webhook.isPending) return <Spinner label="Loading endpoint…" />;
  if (webhook.isError) {
    const isMissing =
      webhook.error instanceof ApiError && [400, 404].includes(webhook.error.status);
    return (
      <>
        {BACK}
        <Card>
          {isMissing ? (
            <EmptyState
              icon={WebhookIcon}
              title="This endpoint doesn’t exist"
              description="It may have been deleted, or the link is incomplete."
              action={
                <Button asChild>
                  <Link to="/settings/webhooks">Go to webhooks</Link>
                </Button>
              }
            />
          ) : (
            <ErrorState error={webhook.error} onRetry={() => void webhook.refetch()} />
          )}
        </Card>
      </>
    );
  }
  return <Endpoint webhook={webhook.data} />;
}

function Endpoint({ webhook }: { webhook: Webhook }) {
  const isAdmin = useCan('admin');
  const navigate = useNavigate();
  const notify = useToast();
  const update = useUpdateWebhook();
  const remove = useDeleteWebhook();
  const [isEditing, setIsEditing] = useState(false);
  const [isDeleting, setIsDeleting] = useState(false);

  const setEnabled = (isEnabled: boolean) =>
    update.mutate(
      { id: webhook.id, isEnabled },
      {
        onSuccess: () => notify(isEnabled ? 'Endpoint enabled.' : 'Endpoint disabled.'),
        onError: (error) => notify(describeError(error), 'error'),
      },
    );

  return (
    <>
      {BACK}
      <PageHeader
        title={<span className="break-all">{webhook.description || webhook.url}</span>}
        description={
          <>
            {webhook.description && (
              <span className="block font-mono text-xs break-all">{webhook.url}</span>
            )}
            <span className="mt-1 flex flex-wrap items-center gap-2">
              <EndpointStatus webhook={webhook} />
              <span>
                {webhook.eventTypes.length === 0
                  ? 'Receives all events'
                  : `Receives ${webhook.eventTypes.join(', ')}`}
              </span>
            </span>
          </>
        }
        actions={
          isAdmin && (
            <>
              <Button variant="secondary" onClick={() => setIsEditing(true)}>
                Edit
              </Button>
              {webhook.isEnabled && (
                <Button
                  variant="secondary"
                  isLoading={update.isPending}
                  onClick={() => setEnabled(false)}
                >
                  Disable
                </Button>
              )}
              <Button variant="danger-ghost" onClick={() => setIsDeleting(true)}>
                Delete
              </Button>
            </>
          )
        }
      />
      {!webhook.isEnabled && (
        <Alert
          variant={webhook.consecutiveFailures > 0 ? 'error' : 'warning'}
          title="Herald is not sending events to this endpoint."
          className="mb-6"
        >
          <p>
            {webhook.disabledReason ?? 'It was disabled.'}{' '}
            {webhook.consecutiveFailures > 0 &&
              'Fix the receiver, send a test, then enable it again. Failed deliveries can be replayed from the log below.'}
          </p>
          {isAdmin && (
            <Button
              size="sm"
              className="mt-3"
              isLoading={update.isPending}
              onClick={() => setEnabled(true)}
            >
              Enable again
            </Button>
          )}
        </Alert>
      )}
      <div className="mb-6 grid gap-6 lg:grid-cols-2">
        <TestCard webhook={webhook} isAdmin={isAdmin} />
        <SecretCard webhook={webhook} isAdmin={isAdmin} />
      </div>
      <DeliveryLog webhook={webhook} isAdmin={isAdmin} />
      <WebhookDialog
        key={webhook.updatedAt}
        open={isEditing}
        onOpenChange={setIsEditing}
        webhook={webhook}
      />
      <ConfirmDialog
        open={isDeleting}
        onOpenChange={setIsDeleting}
        title="Delete this endpoint?"
        description="Herald stops sending to it at once, and its delivery log is deleted with it."
        confirmLabel="Delete endpoint"
        onConfirm={async () => {
          await remove.mutateAsync(webhook.id);
          notify('Endpoint deleted.');
          void navigate('/settings/webhooks');
        }}
      />
    </>
  );
}

function TestCard({ webhook, isAdmin }: { webhook: Webhook; isAdmin: boolean }) {
  const test = useSendTest(webhook.id);
  const [eventType, setEventType] = useState<WebhookEventType>(
    webhook.eventTypes[0] ?? ALL_EVENT_TYPES[0]!,
  );
  const result: AttemptResult | undefined = test.data;

  return (
    <Card>
      <CardHeader
        title="Send a test event"
        description="A sample event of the chosen type, signed like a real one, sent now. It shows in the log marked with data.test = true."
      />
      <CardBody className="space-y-4">
        {isAdmin ? (
          <div className="flex flex-wrap items-center gap-2">
            <Select
              aria-label="Event type"
              className="w-60"
              value={eventType}
              onValueChange={setEventType}
              options={EVENT_OPTIONS}
            />
            <Button isLoading={test.isPending} onClick={() => test.mutate(eventType)}>
              <Send className="size-4" aria-hidden />
              Send test
            </Button>
          </div>
        ) : (
          <p className="text-sm text-slate-600">Admins can send test events.</p>
        )}
        {test.isError && <Alert variant="error">{describeError(test.error)}</Alert>}
        {result &&
          (result.attempt.isSuccess ? (
            <Alert variant="success" title="The endpoint accepted the test event.">
              HTTP {result.attempt.statusCode} in {result.attempt.durationMs} ms.
            </Alert>
          ) : (
            <Alert variant="error" title="The endpoint did not accept the test event.">
              <span className="break-words">
                {result.attempt.statusCode
                  ? `It answered HTTP ${result.attempt.statusCode}${result.attempt.responseBody ? `: “${result.attempt.responseBody.slice(0, 200)}”` : '.'}`
                  : result.attempt.error}
              </span>
            </Alert>
          ))}
      </CardBody>
    </Card>
  );
}

function SecretCard({ webhook, isAdmin }: { webhook: Webhook; isAdmin: boolean }) {
  const reveal = useRevealSecret();
  const rotate = useRotateSecret();
  const notify = useToast();
  const [isRotating, setIsRotating] = useState(false);
  const secret = rotate.data?.secret ?? reveal.data?.secret;

  return (
    <Card>
      <CardHeader
        title="Signing secret"
        description="Your receiver checks each request’s webhook-signature header with it (Standard Webhooks)."
      />
      <CardBody className="space-y-4">
        {!isAdmin ? (
          <p className="text-sm text-slate-600">Only admins can see the signing secret.</p>
        ) : secret ? (
          <CopyField label="Signing secret" value={secret} />
        ) : (
          <Button
            variant="secondary"
            isLoading={reveal.isPending}
            onClick={() => reveal.mutate(webhook.id)}
          >
            <Eye className="size-4" aria-hidden />
            Reveal secret
          </Button>
        )}
        {reveal.isError && <Alert variant="error">{describeError(reveal.error)}</Alert>}
        {rotate.data && (
          <p className="text-sm text-slate-600">
            The previous secret keeps signing alongside the new one until{' '}
            {formatDateTime(rotate.data.previousValidUntil)}, so you can update your receiver
            without missing events.
          </p>
        )}
        {isAdmin && (
          <Button variant="ghost" size="sm" onClick={() => setIsRotating(true)}>
            <RefreshCw className="size-4" aria-hidden />
            Rotate secret
          </Button>
        )}
      </CardBody>
      <ConfirmDialog
        open={isRotating}
        onOpenChange={setIsRotating}
        title="Rotate the signing secret?"
        description="A new secret signs from now on. For 24 hours requests carry a signature with the old secret too, then only the new one."
        confirmLabel="Rotate secret"
        onConfirm={async () => {
          await rotate.mutateAsync(webhook.id);
          notify('New secret created. Copy it to your receiver.');
        }}
      />
    </Card>
  );
}
