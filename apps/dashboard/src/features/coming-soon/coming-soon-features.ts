import { Workflow, type LucideIcon } from 'lucide-react';

export interface ComingSoonFeature {
  title: string;
  icon: LucideIcon;
  headline: string;
  summary: string;
  capabilities: string[];
}

export const COMING_SOON: Record<string, ComingSoonFeature> = {
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
