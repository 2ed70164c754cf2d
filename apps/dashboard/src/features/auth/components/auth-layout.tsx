import { Megaphone } from 'lucide-react';
import type { ReactNode } from 'react';

interface AuthLayoutProps {
  title: ReactNode;
  description?: ReactNode;
  children: ReactNode;
  footer?: ReactNode;
}

/** Sign-in screens: the product's promise on the left (wide screens), the form on the right. */
export function AuthLayout({ title, description, children, footer }: AuthLayoutProps) {
  return (
    <div className="flex min-h-screen bg-white">
      <aside className="relative hidden w-[42%] max-w-xl flex-col justify-between overflow-hidden bg-indigo-700 p-12 text-white lg:flex">
        <div
          aria-hidden
          className="absolute -top-24 -right-24 size-96 rounded-full bg-indigo-500/40 blur-3xl"
        />
        <div
          aria-hidden
          className="absolute -bottom-32 -left-16 size-96 rounded-full bg-violet-500/30 blur-3xl"
        />
        <div className="relative flex items-center gap-2.5 text-lg font-semibold">
          <span className="flex size-9 items-center justify-center rounded-lg bg-white/15">
            <Megaphone className="size-5" aria-hidden />
          </span>
          Herald
        </div>
        <div className="relative">
          <p className="text-3xl leading-tight font-semibold">
            Campaigns and automations your audience actually wants to open.
          </p>
          <ul className="mt-8 space-y-3 text-indigo-100">
            <li>Segment contacts by what they do, not just who they are.</li>
            <li>Send campaigns and multi-step flows from your own servers.</li>
            <li>Connect n8n, your CRM and your product through the API.</li>
          </ul>
        </div>
        <p className="relative text-sm text-indigo-200">
          Open source. Your data stays on your servers.
        </p>
      </aside>
      <main className="flex flex-1 items-center justify-center px-6 py-12">
        <div className="w-full max-w-sm">
          <div className="mb-8 flex items-center gap-2 text-lg font-semibold text-slate-900 lg:hidden">
            <span className="flex size-8 items-center justify-center rounded-lg bg-indigo-600 text-white">
              <Megaphone className="size-4" aria-hidden />
            </span>
            Herald
          </div>
          <h1 className="text-2xl font-semibold tracking-tight text-slate-900">{title}</h1>
          {description && <p className="mt-2 text-sm text-slate-600">{description}</p>}
          <div className="mt-8">{children}</div>
          {footer && <div className="mt-8 text-sm text-slate-600">{footer}</div>}
        </div>
      </main>
    </div>
  );
}
