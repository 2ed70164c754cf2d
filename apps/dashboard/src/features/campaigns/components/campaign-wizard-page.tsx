import { ArrowLeft, Lock, Send } from 'lucide-react';
import { useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { Button } from '../../../components/ui/button';
import { Card } from '../../../components/ui/card';
import { EmptyState } from '../../../components/ui/empty-state';
import { ErrorState } from '../../../components/ui/error-state';
import { PageHeader } from '../../../components/ui/page-header';
import { Spinner } from '../../../components/ui/spinner';
import { ApiError } from '../../../lib/api-error';
import { useCan } from '../../organizations/api';
import { useCampaign } from '../api';
import { can, STATUS_INFO } from '../lifecycle';
import { CampaignWizard } from './campaign-wizard';

/** `/campaigns/new` and `/campaigns/:id/edit`: the wizard, for a new campaign or a draft. */
export default function CampaignWizardPage() {
  const { id } = useParams();
  const location = useLocation();
  const navigate = useNavigate();
  const canEdit = useCan('editor');
  const campaign = useCampaign(id);
  // The draft created by this wizard moves it to the draft's address; the same wizard (and
  // whatever is being typed into it) carries on there instead of starting afresh.
  const [createdId, setCreatedId] = useState<string | null>(null);
  const wizardKey = id && id === createdId ? 'new' : (id ?? 'new');

  const back = (
    <Link
      to="/campaigns"
      className="mb-3 inline-flex items-center gap-1.5 rounded text-sm font-medium text-slate-600 hover:text-slate-900"
    >
      <ArrowLeft className="size-4" aria-hidden />
      Campaigns
    </Link>
  );

  if (!canEdit) {
    return (
      <>
        {back}
        <Card>
          <EmptyState
            icon={Lock}
            title="Only editors can create and edit campaigns"
            description="Ask an editor, admin or owner to set this campaign up."
          />
        </Card>
      </>
    );
  }
  if (id && campaign.isPending) return <Spinner label="Loading campaign…" />;
  if (campaign.isError) {
    const isMissing =
      campaign.error instanceof ApiError && [400, 404].includes(campaign.error.status);
    return (
      <>
        {back}
        <Card>
          {isMissing ? (
            <EmptyState
              icon={Send}
              title="This campaign doesn’t exist"
              description="It may have been deleted, or the link is incomplete."
              action={
                <Button asChild>
                  <Link to="/campaigns">Go to campaigns</Link>
                </Button>
              }
            />
          ) : (
            <ErrorState error={campaign.error} onRetry={() => void campaign.refetch()} />
          )}
        </Card>
      </>
    );
  }
  const data = campaign.data;
  if (data && !can(data.status, 'edit') && wizardKey !== 'new') {
    return (
      <>
        {back}
        <PageHeader title={data.name} />
        <Card>
          <EmptyState
            icon={Lock}
            title={`This campaign is ${STATUS_INFO[data.status].label.toLowerCase()}`}
            description="Once a campaign has started it can’t be edited. Duplicate it to send a changed copy."
            action={
              <Button asChild>
                <Link to={`/campaigns/${data.id}`}>Open the campaign</Link>
              </Button>
            }
          />
        </Card>
      </>
    );
  }
  return (
    <>
      {back}
      <CampaignWizard
        key={wizardKey}
        campaign={data}
        onCreated={(created) => {
          setCreatedId(created.id);
          void navigate(`/campaigns/${created.id}/edit${location.search}`, { replace: true });
        }}
      />
    </>
  );
}
