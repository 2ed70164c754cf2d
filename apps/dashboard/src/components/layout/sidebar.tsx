import clsx from 'clsx';
import { Megaphone } from 'lucide-react';
import { Link, NavLink } from 'react-router';
import { NAV_SECTIONS } from './nav-items';

export function Logo() {
  return (
    <Link
      to="/"
      className="flex items-center gap-2.5 rounded-md text-base font-semibold text-slate-900"
    >
      <span className="flex size-8 items-center justify-center rounded-lg bg-indigo-600 text-white">
        <Megaphone className="size-4" aria-hidden />
      </span>
      Herald
    </Link>
  );
}

export function SidebarNav({ onNavigate }: { onNavigate?: () => void }) {
  return (
    <nav aria-label="Main" className="flex-1 space-y-6 overflow-y-auto px-3 py-4">
      {NAV_SECTIONS.map((section, index) => (
        <div key={section.label ?? index}>
          {section.label && (
            <h2 className="mb-1 px-2.5 text-xs font-medium tracking-wide text-slate-500 uppercase">
              {section.label}
            </h2>
          )}
          <ul className="space-y-0.5">
            {section.items.map(({ to, label, icon: Icon, isSoon }) => (
              <li key={to}>
                <NavLink
                  to={to}
                  end={to === '/'}
                  onClick={onNavigate}
                  className={({ isActive }) =>
                    clsx(
                      'group flex items-center gap-2.5 rounded-md px-2.5 py-1.5 text-sm font-medium transition-colors',
                      isActive
                        ? 'bg-indigo-50 text-indigo-700'
                        : 'text-slate-700 hover:bg-slate-100 hover:text-slate-900',
                    )
                  }
                >
                  {({ isActive }) => (
                    <>
                      <Icon
                        className={clsx(
                          'size-4 shrink-0',
                          isActive
                            ? 'text-indigo-600'
                            : 'text-slate-400 group-hover:text-slate-500',
                        )}
                        aria-hidden
                      />
                      <span className="flex-1">{label}</span>
                      {isSoon && (
                        <span className="rounded-full bg-slate-100 px-1.5 py-px text-[10px] font-medium text-slate-500 uppercase">
                          Soon
                        </span>
                      )}
                    </>
                  )}
                </NavLink>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </nav>
  );
}

export function Sidebar() {
  return (
    <aside className="fixed inset-y-0 left-0 z-30 hidden w-60 flex-col border-r border-slate-200 bg-white lg:flex">
      <div className="flex h-14 shrink-0 items-center px-5">
        <Logo />
      </div>
      <SidebarNav />
    </aside>
  );
}
