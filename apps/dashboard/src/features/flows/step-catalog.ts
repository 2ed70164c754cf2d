import {
  Clock,
  CornerDownRight,
  Globe,
  Hourglass,
  Mail,
  Split,
  Shuffle,
  UserPen,
  Zap,
  type LucideIcon,
} from 'lucide-react';
import type { StepType } from './definition';

export interface StepInfo {
  title: string;
  /** What it does, in the palette and the side panel. */
  description: string;
  icon: LucideIcon;
  /** Icon badge colours (Tailwind classes). */
  tone: string;
}

export const STEP_INFO: Record<StepType, StepInfo> = {
  trigger: {
    title: 'Trigger',
    description: 'What puts a contact into this flow.',
    icon: Zap,
    tone: 'bg-amber-100 text-amber-700',
  },
  send_email: {
    title: 'Send email',
    description: 'Send a template to the contact.',
    icon: Mail,
    tone: 'bg-indigo-100 text-indigo-700',
  },
  wait: {
    title: 'Wait',
    description: 'Pause for a time, until a time of day, or a date.',
    icon: Clock,
    tone: 'bg-sky-100 text-sky-700',
  },
  wait_for_event: {
    title: 'Wait for event',
    description: 'Go on when the contact does something, or after a timeout.',
    icon: Hourglass,
    tone: 'bg-sky-100 text-sky-700',
  },
  branch: {
    title: 'Branch',
    description: 'Split yes / no on engagement, segments or data.',
    icon: Split,
    tone: 'bg-violet-100 text-violet-700',
  },
  random_split: {
    title: 'Random split',
    description: 'Send shares of contacts down different paths (A/B tests).',
    icon: Shuffle,
    tone: 'bg-violet-100 text-violet-700',
  },
  update_contact: {
    title: 'Update contact',
    description: 'Set attributes, tags or lists, or unsubscribe.',
    icon: UserPen,
    tone: 'bg-emerald-100 text-emerald-700',
  },
  webhook: {
    title: 'Webhook',
    description: 'Call a URL (n8n, your CRM) and keep parts of the answer.',
    icon: Globe,
    tone: 'bg-slate-200 text-slate-700',
  },
  exit: {
    title: 'Exit',
    description: 'End the run here.',
    icon: CornerDownRight,
    tone: 'bg-rose-100 text-rose-700',
  },
};

/** The steps a palette offers: everything but the trigger (a flow has exactly one). */
export const PALETTE_STEPS: readonly StepType[] = [
  'send_email',
  'wait',
  'wait_for_event',
  'branch',
  'random_split',
  'update_contact',
  'webhook',
  'exit',
];
