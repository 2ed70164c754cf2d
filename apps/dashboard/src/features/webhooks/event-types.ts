import type { DeliveryStatus, WebhookEventType } from './api';

export interface EventTypeGroup {
  label: string;
  types: { value: WebhookEventType; label: string; description: string }[];
}

/** The event types an endpoint can receive, grouped as the docs list them. */
export const EVENT_TYPE_GROUPS: EventTypeGroup[] = [
  {
    label: 'Contacts',
    types: [
      { value: 'contact.created', label: 'Created', description: 'A contact was added' },
      { value: 'contact.updated', label: 'Updated', description: 'Fields, tags or status changed' },
      {
        value: 'contact.unsubscribed',
        label: 'Unsubscribed',
        description: 'By a link, the API or a person',
      },
    ],
  },
  {
    label: 'Messages',
    types: [
      { value: 'message.sent', label: 'Sent', description: 'One event per email accepted' },
      { value: 'message.opened', label: 'Opened', description: 'Every open, machines flagged' },
      { value: 'message.clicked', label: 'Clicked', description: 'Every click, with the link' },
      { value: 'message.bounced', label: 'Bounced', description: 'A hard bounce' },
    ],
  },
  {
    label: 'Campaigns and flows',
    types: [
      { value: 'campaign.started', label: 'Campaign started', description: 'Sending began' },
      {
        value: 'campaign.completed',
        label: 'Campaign completed',
        description: 'Sent, cancelled or failed',
      },
      { value: 'flow.run.completed', label: 'Flow run completed', description: 'A run ended' },
    ],
  },
  {
    label: 'System',
    types: [
      { value: 'import.completed', label: 'Import completed', description: 'With its counts' },
      { value: 'job.failed', label: 'Job failed', description: 'A background job gave up' },
    ],
  },
];

export const ALL_EVENT_TYPES: WebhookEventType[] = EVENT_TYPE_GROUPS.flatMap((g) =>
  g.types.map((t) => t.value),
);

export const STATUS_LABELS: Record<DeliveryStatus, string> = {
  pending: 'Pending',
  succeeded: 'Delivered',
  failed: 'Retrying',
  dead: 'Failed',
};

export const STATUS_TONES: Record<DeliveryStatus, 'neutral' | 'success' | 'warning' | 'danger'> = {
  pending: 'neutral',
  succeeded: 'success',
  failed: 'warning',
  dead: 'danger',
};
