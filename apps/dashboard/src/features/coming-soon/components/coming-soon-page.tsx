import { CircleCheck, KeyRound, UsersRound } from 'lucide-react';
import { Link } from 'react-router';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { Card } from '../../../components/ui/card';
import { PageHeader } from '../../../components/ui/page-header';
import { COMING_SOON } from '../coming-soon-features';

export function ComingSoonPage({ feature }: { feature: keyof typeof COMING_SOON }) {
  const info = COMING_SOON[feature];
  if (!info) return null;
  const Icon = info.icon;
  return (
    <>
      <PageHeader title={info.title} />
      <Card className="overflow-hidden">
        <div className="grid gap-8 p-8 md:grid-cols-[auto_1fr] md:p-10">
          <div className="flex size-14 items-center justify-center rounded-2xl bg-indigo-50">
            <Icon className="size-7 text-indigo-600" aria-hidden />
          </div>
          <div className="max-w-2xl">
            <Badge tone="brand">Coming soon</Badge>
            <h2 className="mt-3 text-xl font-semibold text-slate-900">{info.headline}</h2>
            <p className="mt-2 text-sm text-slate-600">{info.summary}</p>
            <ul className="mt-6 space-y-3">
              {info.capabilities.map((capability) => (
                <li key={capability} className="flex gap-2.5 text-sm text-slate-700">
                  <CircleCheck className="mt-0.5 size-4 shrink-0 text-emerald-600" aria-hidden />
                  {capability}
                </li>
              ))}
            </ul>
          </div>
        </div>
        <div className="flex flex-wrap items-center gap-3 border-t border-slate-200 bg-slate-50 px-8 py-4 md:px-10">
          <p className="mr-auto text-sm text-slate-600">Meanwhile, get your workspace ready:</p>
          <Button asChild variant="secondary" size="sm">
            <Link to="/settings/members">
              <UsersRound className="size-4" aria-hidden />
              Invite your team
            </Link>
          </Button>
          <Button asChild variant="secondary" size="sm">
            <Link to="/settings/api-keys">
              <KeyRound className="size-4" aria-hidden />
              Create an API key
            </Link>
          </Button>
        </div>
      </Card>
    </>
  );
}
