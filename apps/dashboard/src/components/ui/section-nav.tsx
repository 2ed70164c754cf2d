import clsx from 'clsx';
import { Link, useLocation } from 'react-router';

export interface SectionLink {
  to: string;
  label: string;
  /** Also current on paths under these prefixes (e.g. an item's detail pages). */
  alsoActiveOn?: string[];
}

/** Links between the pages of one area (contacts, lists, imports…), drawn as tabs. */
export function SectionNav({ label, links }: { label: string; links: SectionLink[] }) {
  const { pathname } = useLocation();
  return (
    <nav aria-label={label} className="mb-6 border-b border-slate-200">
      <ul className="-mb-px flex gap-6 overflow-x-auto">
        {links.map((link) => {
          const isCurrent =
            pathname === link.to ||
            (link.alsoActiveOn ?? []).some((prefix) => pathname.startsWith(prefix));
          return (
            <li key={link.to}>
              <Link
                to={link.to}
                aria-current={isCurrent ? 'page' : undefined}
                className={clsx(
                  'inline-block border-b-2 px-0.5 pb-2.5 text-sm font-medium whitespace-nowrap transition-colors',
                  isCurrent
                    ? 'border-indigo-600 text-indigo-700'
                    : 'border-transparent text-slate-600 hover:border-slate-300 hover:text-slate-900',
                )}
              >
                {link.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
