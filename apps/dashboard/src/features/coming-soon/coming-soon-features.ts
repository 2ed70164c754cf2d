import { Send, Workflow, type LucideIcon } from 'lucide-react';

export interface ComingSoonFeature {
  title: string;
  icon: LucideIcon;
  headline: string;
  summary: string;
  capabilities: string[];
}

export const COMING_SOON: Record<string, ComingSoonFeature> = {
  campaigns: {
    title: 'Campaigns',
    icon: Send,
    headline: 'Send to a segment, now or on a schedule',
    summary:
      'Campaigns are one-off sends such as newsletters and announcements, with the results right next to them.',
    capabilities: [
      'Schedule, pause and resume sends safely, even to millions of contacts',
      'Opens, clicks, bounces and unsubscribes per campaign',
      'One-click unsubscribe built in, so you stay compliant',
    ],
  },
  flows: {
    title: 'Flows',
    icon: Workflow,
    headline: 'Automations that react to what people do',
    summary:
      'Flows are multi-step journeys such as onboarding, win-back and reminders that run on their own.',
    capabilities: [
      'Start on an event, on entering a segment, or on a date',
      'Wait, branch on behaviour, split tests and update contacts',
      'Call webhooks to bring n8n or your CRM into the journey',
    ],
  },
};
