import clsx from 'clsx';
import {
  ArrowRight,
  CircleCheck,
  FileText,
  FileUp,
  KeyRound,
  Layers,
  Send,
  UsersRound,
  type LucideIcon,
} from 'lucide-react';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { Badge } from '../../../components/ui/badge';
import { Card, CardHeader } from '../../../components/ui/card';
import { PageHeader } from '../../../components/ui/page-header';
import { formatNumber } from '../../../lib/format';
import { useApiKeys } from '../../api-keys/api';
import { useSession } from '../../auth/session-hooks';
import { useHasContacts } from '../../contacts/api';
import { useMembers } from '../../members/api';
import { useCampaignLiveUpdates } from '../../campaigns/live-updates';
import { useCan } from '../../organizations/api';
import { useQueueStats } from '../../queues/api';
import { useHasTemplates } from '../../templates/api';
import { useOverview } from '../api';
import { ActivityCard } from './activity-card';
import { RecentCampaignsCard } from './recent-campaigns-card';

export function OverviewPage() {
  const session = useSession();
  const isAdmin = useCan('admin');
  const canEdit = useCan('editor');
  const hasContacts = useHasContacts();
  const hasTemplates = useHasTemplates();
  const members = useMembers();
  const keys = useApiKeys(isAdmin);
  const stats = useQueueStats(false);
  const overview = useOverview();
  useCampaignLiveUpdates();
  const firstName = session?.user.name.split(/\s+/)[0] ?? '';
  const failed = stats.data?.queues.reduce((sum, q) => sum + q.failed, 0) ?? 0;
  const backlog =
    stats.data?.queues.reduce((sum, q) => sum + q.waiting + q.delayed + q.active, 0) ?? 0;
  const recent = overview.data?.recentCampaigns ?? [];
  const hasCampaigns = recent.length > 0;
  const hasSent =
    (overview.data?.totals.sent ?? 0) > 0 ||
    recent.some((c) => c.status === 'sent' || c.status === 'sending');
  // An account that sends leads with its results; a new one with what to set up.
  const activity = overview.data && (
    <div className="grid items-start gap-6 lg:grid-cols-3">
      <div className={hasCampaigns ? 'lg:col-span-2' : 'lg:col-span-3'}>
        <ActivityCard overview={overview.data} canEdit={canEdit} />
      </div>
      {hasCampaigns && <RecentCampaignsCard campaigns={recent} />}
    </div>
  );

  return (
    <>
      <PageHeader
        title={`Welcome${firstName ? `, ${firstName}` : ''}`}
        description={`Here’s where ${session?.organization.name ?? 'your organization'} stands, and what to set up next.`}
      />
      <div className="space-y-6">
        {hasCampaigns && activity}
        <div className="grid items-start gap-6 lg:grid-cols-3">
          <Card className="lg:col-span-2" aria-labelledby="setup-heading">
            <CardHeader
              id="setup-heading"
              title="Get started"
              description="A few steps before your first campaign."
            />
            <ol className="divide-y divide-slate-100">
              <Step
                icon={UsersRound}
                isDone={members.items.length > 1}
                title="Invite your team"
                description={
                  isAdmin
                    ? 'Bring in the people who write, approve and analyse your campaigns.'
                    : 'Ask an admin to invite the teammates you work with.'
                }
                action={
                  <StepLink to="/settings/members">{isAdmin ? 'Invite' : 'See members'}</StepLink>
                }
              />
              <Step
                icon={KeyRound}
                isDone={keys.items.length > 0}
                title="Connect your tools"
                description="Create an API key for n8n, your CRM or your product, so contacts and events flow in."
                action={
                  isAdmin ? (
                    <StepLink to="/settings/api-keys">Create key</StepLink>
                  ) : (
                    <Badge>Admins only</Badge>
                  )
                }
              />
              <Step
                icon={FileUp}
                isDone={hasContacts.data === true}
                title="Import your contacts"
                description={
                  canEdit
                    ? 'Upload a CSV from your CRM, newsletter tool or a spreadsheet. Herald maps the columns for you.'
                    : 'Ask an editor to import your contacts from a CSV file.'
                }
                action={
                  canEdit ? (
                    <StepLink to="/contacts/import">Import</StepLink>
                  ) : (
                    <StepLink to="/contacts">See contacts</StepLink>
                  )
                }
              />
              <Step
                icon={FileText}
                isDone={hasTemplates.data === true}
                title="Write your first template"
                description={
                  canEdit
                    ? 'Start from a starter in HTML, MJML or Markdown, preview it as a real contact and send yourself a test.'
                    : 'Editors write the templates; you can preview them as any contact.'
                }
                action={
                  canEdit ? (
                    <StepLink to="/templates/new">New template</StepLink>
                  ) : (
                    <StepLink to="/templates">See templates</StepLink>
                  )
                }
              />
              <Step
                icon={Send}
                isDone={hasSent}
                title="Send your first campaign"
                description={
                  canEdit
                    ? 'Choose a list or segment, pick a template and send it now or on a schedule. You watch it go out live.'
                    : 'Editors send campaigns; their results show here and on the campaigns page.'
                }
                action={
                  canEdit ? (
                    <StepLink to="/campaigns/new">New campaign</StepLink>
                  ) : (
                    <StepLink to="/campaigns">See campaigns</StepLink>
                  )
                }
              />
            </ol>
          </Card>
          <Card aria-labelledby="system-heading">
            <CardHeader id="system-heading" title="Background jobs" />
            <div className="space-y-4 px-5 py-4">
              {stats.isPending ? (
                <p className="text-sm text-slate-500">Loading…</p>
              ) : stats.isError ? (
                <p className="text-sm text-slate-500">Job figures are unavailable right now.</p>
              ) : (
                <dl className="grid grid-cols-2 gap-4">
                  <div>
                    <dt className="text-sm text-slate-600">In progress</dt>
                    <dd className="text-2xl font-semibold text-slate-900 tabular-nums">
                      {formatNumber(backlog)}
                    </dd>
                  </div>
                  <div>
                    <dt className="text-sm text-slate-600">Failed</dt>
                    <dd
                      className={clsx(
                        'text-2xl font-semibold tabular-nums',
                        failed > 0 ? 'text-red-700' : 'text-slate-900',
                      )}
                    >
                      {formatNumber(failed)}
                    </dd>
                  </div>
                </dl>
              )}
              <Link
                to="/system/queues"
                className="inline-flex items-center gap-1.5 rounded text-sm font-medium text-indigo-700 hover:text-indigo-600"
              >
                <Layers className="size-4" aria-hidden />
                Open queues
                <ArrowRight className="size-3.5" aria-hidden />
              </Link>
            </div>
          </Card>
        </div>
        {!hasCampaigns && activity}
      </div>
    </>
  );
}

function Step({
  icon: Icon,
  title,
  description,
  action,
  isDone,
}: {
  icon: LucideIcon;
  title: string;
  description: string;
  action: ReactNode;
  isDone: boolean;
}) {
  return (
    <li className="flex gap-4 px-5 py-4 sm:items-center">
      <span
        className={clsx(
          'flex size-9 shrink-0 items-center justify-center rounded-full',
          isDone ? 'bg-emerald-50 text-emerald-600' : 'bg-slate-100 text-slate-500',
        )}
      >
        {isDone ? (
          <CircleCheck className="size-5" aria-label="Done" />
        ) : (
          <Icon className="size-4" aria-hidden />
        )}
      </span>
      <div className="flex min-w-0 flex-1 flex-col items-start gap-2 sm:flex-row sm:items-center sm:gap-4">
        <div className="min-w-0 flex-1">
          <p
            className={clsx(
              'text-sm font-medium',
              isDone ? 'text-slate-500 line-through' : 'text-slate-900',
            )}
          >
            {title}
          </p>
          <p className="text-sm text-slate-600">{description}</p>
        </div>
        <div className="-ml-2.5 shrink-0 sm:ml-0">{action}</div>
      </div>
    </li>
  );
}

function StepLink({ to, children }: { to: string; children: ReactNode }) {
  return (
    <Link
      to={to}
      className="inline-flex items-center gap-1 rounded-md px-2.5 py-1.5 text-sm font-medium text-indigo-700 hover:bg-indigo-50"
    >
      {children}
      <ArrowRight className="size-3.5" aria-hidden />
    </Link>
  );
}
