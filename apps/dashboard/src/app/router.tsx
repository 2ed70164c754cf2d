import { lazy } from 'react';
import { createBrowserRouter, Navigate } from 'react-router';
import { AppLayout, type RouteHandle } from '../components/layout/app-layout';
import { ApiKeysPage } from '../features/api-keys/components/api-keys-page';
import { AuditLogPage } from '../features/audit-log/components/audit-log-page';
import { CampaignsPage } from '../features/campaigns/components/campaigns-page';
import { LoginPage } from '../features/auth/components/login-page';
import { RegisterPage } from '../features/auth/components/register-page';
import { ComingSoonPage } from '../features/coming-soon/components/coming-soon-page';
import { ContactPage } from '../features/contacts/components/contact-page';
import { ContactsPage } from '../features/contacts/components/contacts-page';
import { EventsPage } from '../features/events/components/events-page';
import { FieldsPage } from '../features/fields/components/fields-page';
import { FlowPage } from '../features/flows/components/flow-page';
import { FlowsPage } from '../features/flows/components/flows-page';
import { ImportPage } from '../features/imports/components/import-page';
import { ImportWizardPage } from '../features/imports/components/import-wizard-page';
import { InvitePage } from '../features/invitations/components/invite-page';
import { ListsPage } from '../features/lists/components/lists-page';
import { MembersPage } from '../features/members/components/members-page';
import { OverviewPage } from '../features/overview/components/overview-page';
import { SegmentBuilderPage } from '../features/segments/components/segment-builder-page';
import { SegmentsPage } from '../features/segments/components/segments-page';
import { SuppressionsPage } from '../features/suppressions/components/suppressions-page';
import { OutboxMessagePage } from '../features/outbox/components/outbox-message-page';
import { OutboxPage } from '../features/outbox/components/outbox-page';
import { SendersPage } from '../features/senders/components/senders-page';
import { TemplateEditorPage } from '../features/templates/components/template-editor-page';
import { TemplatesPage } from '../features/templates/components/templates-page';
import { DeliveryPage } from '../features/webhooks/components/delivery-page';
import { WebhookPage } from '../features/webhooks/components/webhook-page';
import { WebhooksPage } from '../features/webhooks/components/webhooks-page';
import { WriteKeysPage } from '../features/write-keys/components/write-keys-page';
import { NotFoundPage } from './not-found-page';

// Recharts is the heaviest dependency: the screens with charts load on demand, and so does the
// campaign wizard, which only editors open.
const QueuesPage = lazy(() => import('../features/queues/components/queues-page'));
const CampaignPage = lazy(() => import('../features/campaigns/components/campaign-page'));
const CampaignWizardPage = lazy(
  () => import('../features/campaigns/components/campaign-wizard-page'),
);

// Features still to come get a preview page here (see coming-soon-features.ts).
const SOON: string[] = [];
const WIDE: RouteHandle = { isWide: true };

export const router = createBrowserRouter([
  { path: '/login', element: <LoginPage /> },
  { path: '/register', element: <RegisterPage /> },
  { path: '/invite', element: <InvitePage /> },
  {
    path: '/',
    element: <AppLayout />,
    children: [
      { index: true, element: <OverviewPage /> },
      { path: 'contacts', element: <ContactsPage /> },
      { path: 'contacts/lists', element: <ListsPage /> },
      { path: 'contacts/suppressions', element: <SuppressionsPage /> },
      { path: 'contacts/import', element: <ImportWizardPage /> },
      { path: 'contacts/imports', element: <Navigate to="/contacts/import" replace /> },
      { path: 'contacts/imports/:id', element: <ImportPage /> },
      { path: 'contacts/:id', element: <ContactPage /> },
      { path: 'segments', element: <SegmentsPage /> },
      { path: 'segments/new', element: <SegmentBuilderPage /> },
      { path: 'segments/:id', element: <SegmentBuilderPage /> },
      { path: 'templates', element: <TemplatesPage /> },
      { path: 'templates/new', element: <TemplateEditorPage />, handle: WIDE },
      { path: 'templates/:id', element: <TemplateEditorPage />, handle: WIDE },
      { path: 'campaigns', element: <CampaignsPage /> },
      { path: 'campaigns/new', element: <CampaignWizardPage />, handle: WIDE },
      { path: 'campaigns/:id', element: <CampaignPage /> },
      { path: 'campaigns/:id/edit', element: <CampaignWizardPage />, handle: WIDE },
      { path: 'flows', element: <FlowsPage /> },
      { path: 'flows/:id', element: <FlowPage tab="builder" />, handle: WIDE },
      { path: 'flows/:id/runs', element: <FlowPage tab="runs" />, handle: WIDE },
      { path: 'flows/:id/runs/:runId', element: <FlowPage tab="runs" />, handle: WIDE },
      { path: 'events', element: <EventsPage /> },
      { path: 'senders', element: <SendersPage /> },
      { path: 'senders/outbox', element: <OutboxPage /> },
      { path: 'senders/outbox/:id', element: <OutboxMessagePage /> },
      ...SOON.map((feature) => ({ path: feature, element: <ComingSoonPage feature={feature} /> })),
      { path: 'settings', element: <Navigate to="/settings/members" replace /> },
      { path: 'settings/members', element: <MembersPage /> },
      { path: 'settings/fields', element: <FieldsPage /> },
      { path: 'settings/api-keys', element: <ApiKeysPage /> },
      { path: 'settings/write-keys', element: <WriteKeysPage /> },
      { path: 'settings/audit-log', element: <AuditLogPage /> },
      { path: 'settings/webhooks', element: <WebhooksPage /> },
      { path: 'settings/webhooks/:id', element: <WebhookPage /> },
      { path: 'settings/webhooks/:id/deliveries/:deliveryId', element: <DeliveryPage /> },
      { path: 'system', element: <Navigate to="/system/queues" replace /> },
      { path: 'system/queues', element: <QueuesPage /> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);
