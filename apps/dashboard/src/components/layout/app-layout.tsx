import clsx from 'clsx';
import { Suspense } from 'react';
import { Outlet, useMatches } from 'react-router';
import { AlertsButton } from '../../features/alerts/components/alerts-button';
import { RequireAuth } from '../../features/auth/components/require-auth';
import { useSession } from '../../features/auth/session-hooks';
import { OrganizationSwitcher } from '../../features/organizations/components/organization-switcher';
import { Spinner } from '../ui/spinner';
import { MobileNav } from './mobile-nav';
import { Sidebar } from './sidebar';
import { UserMenu } from './user-menu';

export function AppLayout() {
  return (
    <RequireAuth>
      <Shell />
    </RequireAuth>
  );
}

/** Route `handle` flags the shell reads. */
export interface RouteHandle {
  /** Side-by-side editors use the whole width of a large screen. */
  isWide?: boolean;
}

function Shell() {
  const session = useSession();
  const isWide = useMatches().some((match) => (match.handle as RouteHandle | undefined)?.isWide);
  return (
    <div className="min-h-screen lg:pl-60">
      <a
        href="#main"
        className="sr-only z-50 rounded-md bg-white px-3 py-2 text-sm font-medium shadow focus:not-sr-only focus:fixed focus:top-2 focus:left-2"
      >
        Skip to content
      </a>
      <Sidebar />
      <header className="sticky top-0 z-20 flex h-14 items-center gap-3 border-b border-slate-200 bg-white/90 px-4 backdrop-blur sm:px-6 lg:px-8">
        <MobileNav />
        <OrganizationSwitcher />
        <div className="ml-auto flex items-center gap-2">
          <AlertsButton />
          <UserMenu />
        </div>
      </header>
      {/* Keyed by organization: switching starts every page afresh, with no state carried over. */}
      <main
        id="main"
        key={session?.organization.id}
        className={clsx(
          'mx-auto px-4 py-8 sm:px-6 lg:px-8',
          isWide ? 'max-w-[96rem]' : 'max-w-6xl',
        )}
      >
        <Suspense fallback={<Spinner />}>
          <Outlet />
        </Suspense>
      </main>
    </div>
  );
}
