import {
  Activity,
  Braces,
  FileText,
  Filter,
  KeyRound,
  Layers,
  LayoutDashboard,
  Mail,
  RadioTower,
  ScrollText,
  Send,
  Users,
  UsersRound,
  Webhook,
  Workflow,
  type LucideIcon,
} from 'lucide-react';

export interface NavItem {
  to: string;
  label: string;
  icon: LucideIcon;
  /** Not built yet: the page explains what is coming. */
  isSoon?: boolean;
}

export interface NavSection {
  label?: string;
  items: NavItem[];
}

export const NAV_SECTIONS: NavSection[] = [
  {
    items: [
      { to: '/', label: 'Overview', icon: LayoutDashboard },
      { to: '/contacts', label: 'Contacts', icon: Users },
      { to: '/segments', label: 'Segments', icon: Filter },
      { to: '/templates', label: 'Templates', icon: FileText },
      { to: '/campaigns', label: 'Campaigns', icon: Send },
      { to: '/flows', label: 'Flows', icon: Workflow },
      { to: '/events', label: 'Events', icon: Activity },
      { to: '/senders', label: 'Senders', icon: Mail },
    ],
  },
  {
    label: 'Settings',
    items: [
      { to: '/settings/members', label: 'Members', icon: UsersRound },
      { to: '/settings/fields', label: 'Contact fields', icon: Braces },
      { to: '/settings/api-keys', label: 'API keys', icon: KeyRound },
      { to: '/settings/write-keys', label: 'Write keys', icon: RadioTower },
      { to: '/settings/audit-log', label: 'Audit log', icon: ScrollText },
      { to: '/settings/webhooks', label: 'Webhooks', icon: Webhook },
    ],
  },
  {
    label: 'System',
    items: [{ to: '/system/queues', label: 'Queues', icon: Layers }],
  },
];
