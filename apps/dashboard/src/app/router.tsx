import { lazy } from 'react';
import { createBrowserRouter, Navigate } from 'react-router';
import { AppLayout } from '../components/layout/app-layout';
import { ApiKeysPage } from '../features/api-keys/components/api-keys-page';
import { LoginPage } from '../features/auth/components/login-page';
import { RegisterPage } from '../features/auth/components/register-page';
import { ComingSoonPage } from '../features/coming-soon/components/coming-soon-page';
import { InvitePage } from '../features/invitations/components/invite-page';
import { MembersPage } from '../features/members/components/members-page';
import { OverviewPage } from '../features/overview/components/overview-page';
import { NotFoundPage } from './not-found-page';

// Recharts is the heaviest dependency; only the queues screen needs it.
const QueuesPage = lazy(() => import('../features/queues/components/queues-page'));

const SOON = ['contacts', 'segments', 'templates', 'campaigns', 'flows', 'senders'] as const;

export const router = createBrowserRouter([
  { path: '/login', element: <LoginPage /> },
  { path: '/register', element: <RegisterPage /> },
  { path: '/invite', element: <InvitePage /> },
  {
    path: '/',
    element: <AppLayout />,
    children: [
      { index: true, element: <OverviewPage /> },
      ...SOON.map((feature) => ({ path: feature, element: <ComingSoonPage feature={feature} /> })),
      { path: 'settings', element: <Navigate to="/settings/members" replace /> },
      { path: 'settings/members', element: <MembersPage /> },
      { path: 'settings/api-keys', element: <ApiKeysPage /> },
      { path: 'system', element: <Navigate to="/system/queues" replace /> },
      { path: 'system/queues', element: <QueuesPage /> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);
