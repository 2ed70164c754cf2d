import { useState, type FormEvent } from 'react';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { CheckboxField } from '../../../components/ui/checkbox';
import { CopyField } from '../../../components/ui/copy-field';
import { Dialog, DialogClose, DialogContent, DialogFooter } from '../../../components/ui/dialog';
import { TextField } from '../../../components/ui/field';
import { SegmentedControl } from '../../../components/ui/segmented-control';
import { ApiError, describeError } from '../../../lib/api-error';
import {
  useCreateWebhook,
  useUpdateWebhook,
  type CreatedWebhook,
  type Webhook,
  type WebhookEventType,
} from '../api';
import { EVENT_TYPE_GROUPS } from '../event-types';

interface WebhookDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** Edit this endpoint; absent: add a new one. */
  webhook?: Webhook | undefined;
  /** After creating, once the secret was seen. */
  onCreated?: (webhook: CreatedWebhook) => void;
}

const isHttpUrl = (value: string) => {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
};

/** Add or edit an endpoint; a new one's signing secret is shown here, once. */
export function WebhookDialog({ open, onOpenChange, webhook, onCreated }: WebhookDialogProps) {
  const create = useCreateWebhook();
  const update = useUpdateWebhook();
  const mutation = webhook ? update : create;
  const [url, setUrl] = useState(webhook?.url ?? '');
  const [description, setDescription] = useState(webhook?.description ?? '');
  const [scope, setScope] = useState<'all' | 'some'>(
    webhook && webhook.eventTypes.length > 0 ? 'some' : 'all',
  );
  const [types, setTypes] = useState<WebhookEventType[]>(webhook?.eventTypes ?? []);
  const [urlError, setUrlError] = useState<string>();
  const [typesError, setTypesError] = useState<string>();
  const [created, setCreated] = useState<CreatedWebhook | null>(null);

  const change = (next: boolean) => {
    if (!next) {
      if (created) onCreated?.(created);
      setUrl(webhook?.url ?? '');
      setDescription(webhook?.description ?? '');
      setScope(webhook && webhook.eventTypes.length > 0 ? 'some' : 'all');
      setTypes(webhook?.eventTypes ?? []);
      setUrlError(undefined);
      setTypesError(undefined);
      setCreated(null);
      create.reset();
      update.reset();
    }
    onOpenChange(next);
  };

  const toggle = (type: WebhookEventType, isOn: boolean) => {
    setTypesError(undefined);
    setTypes((current) => (isOn ? [...current, type] : current.filter((t) => t !== type)));
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = url.trim();
    if (!isHttpUrl(trimmed)) {
      setUrlError('Enter the full address, starting with https:// (or http://).');
      return;
    }
    if (scope === 'some' && types.length === 0) {
      setTypesError('Pick at least one event, or choose “All events”.');
      return;
    }
    const body = {
      url: trimmed,
      description: description.trim() || null,
      eventTypes: scope === 'all' ? [] : types,
    };
    if (webhook) update.mutate({ id: webhook.id, ...body }, { onSuccess: () => change(false) });
    else create.mutate(body, { onSuccess: setCreated });
  };

  const serverUrlError =
    mutation.error instanceof ApiError ? mutation.error.fieldError('url') : undefined;

  return (
    <Dialog open={open} onOpenChange={change}>
      {created ? (
        <DialogContent
          title="Endpoint added"
          description={`Herald now sends ${created.eventTypes.length === 0 ? 'every event' : 'the chosen events'} to ${created.url}.`}
          hideClose
          onInteractOutside={(event) => event.preventDefault()}
          className="max-w-lg"
        >
          <div className="space-y-4">
            <Alert variant="warning" title="Copy the signing secret now.">
              Your receiver uses it to check that requests really come from Herald. Admins can look
              it up again on the endpoint’s page.
            </Alert>
            <CopyField label="Signing secret" value={created.secret} />
            <p className="text-sm text-slate-600">
              Every request carries <code className="text-xs">webhook-id</code>,{' '}
              <code className="text-xs">webhook-timestamp</code> and{' '}
              <code className="text-xs">webhook-signature</code> headers (Standard Webhooks), so the{' '}
              <code className="text-xs">standardwebhooks</code> library verifies them.
            </p>
          </div>
          <DialogFooter>
            <DialogClose asChild>
              <Button>I’ve saved the secret</Button>
            </DialogClose>
          </DialogFooter>
        </DialogContent>
      ) : (
        <DialogContent
          title={webhook ? 'Edit endpoint' : 'Add endpoint'}
          description="Herald sends a signed POST request to this address whenever a chosen event happens."
          className="max-h-[calc(100dvh-2rem)] max-w-2xl overflow-y-auto"
        >
          <form onSubmit={submit} noValidate className="space-y-5">
            {mutation.error && !serverUrlError && (
              <Alert variant="error">{describeError(mutation.error)}</Alert>
            )}
            <TextField
              label="Endpoint URL"
              name="url"
              type="url"
              autoFocus
              autoComplete="off"
              spellCheck={false}
              placeholder="https://n8n.example.com/webhook/herald"
              value={url}
              onChange={(event) => {
                setUrl(event.target.value);
                setUrlError(undefined);
                mutation.reset();
              }}
              error={urlError ?? serverUrlError}
            />
            <TextField
              label="Description"
              name="description"
              autoComplete="off"
              placeholder="e.g. CRM sync"
              hint="Optional. Helps your team tell endpoints apart."
              value={description}
              onChange={(event) => setDescription(event.target.value)}
            />
            <fieldset>
              <legend className="text-sm font-medium text-slate-800">Events to send</legend>
              <SegmentedControl
                label="Events to send"
                className="mt-1.5"
                value={scope}
                onValueChange={(next) => {
                  setScope(next);
                  setTypesError(undefined);
                }}
                options={[
                  { value: 'all', label: 'All events' },
                  { value: 'some', label: 'Only these' },
                ]}
              />
              {scope === 'all' ? (
                <p className="mt-2 text-sm text-slate-500">
                  Includes event types Herald adds later.
                </p>
              ) : (
                <div className="mt-3 grid gap-x-6 gap-y-4 sm:grid-cols-2">
                  {EVENT_TYPE_GROUPS.map((group) => (
                    <div key={group.label}>
                      <p className="mb-2 text-xs font-medium tracking-wide text-slate-500 uppercase">
                        {group.label}
                      </p>
                      <div className="space-y-2">
                        {group.types.map((type) => (
                          <CheckboxField
                            key={type.value}
                            label={type.label}
                            description={
                              <>
                                {type.description}
                                <code className="block text-xs text-slate-500">{type.value}</code>
                              </>
                            }
                            checked={types.includes(type.value)}
                            onChange={(event) => toggle(type.value, event.target.checked)}
                          />
                        ))}
                      </div>
                    </div>
                  ))}
                </div>
              )}
              {typesError && <p className="mt-2 text-sm text-red-700">{typesError}</p>}
            </fieldset>
            <DialogFooter>
              <DialogClose asChild>
                <Button variant="secondary">Cancel</Button>
              </DialogClose>
              <Button type="submit" isLoading={mutation.isPending}>
                {webhook ? 'Save changes' : 'Add endpoint'}
              </Button>
            </DialogFooter>
          </form>
        </DialogContent>
      )}
    </Dialog>
  );
}
