import { ChevronDown, Copy, Pause, Pencil, Play, Reply, Trash2, XCircle } from 'lucide-react';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { Button } from '../../../components/ui/button';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog';
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuTrigger,
} from '../../../components/ui/dropdown-menu';
import { useToast } from '../../../components/ui/toast';
import { describeError } from '../../../lib/api-error';
import {
  useCampaignAction,
  useDeleteCampaign,
  useDuplicateCampaign,
  useFollowUp,
  type Campaign,
  type FollowUpAudience,
  type LifecycleAction,
} from '../api';
import { can } from '../lifecycle';

const FOLLOW_UPS: { to: FollowUpAudience; label: string }[] = [
  { to: 'non_openers', label: 'Those who didn’t open' },
  { to: 'non_clickers', label: 'Those who didn’t click' },
  { to: 'failed', label: 'Those whose message failed' },
];

const DONE: Record<LifecycleAction, string> = {
  pause: 'paused. Nothing more goes out until you resume it.',
  resume: 'resumed.',
  cancel: 'cancelled. Nothing more will be sent.',
};

/** The actions the campaign's status allows, and nothing else. */
export function CampaignActions({ campaign }: { campaign: Campaign }) {
  const navigate = useNavigate();
  const notify = useToast();
  const action = useCampaignAction();
  const duplicate = useDuplicateCampaign();
  const followUp = useFollowUp();
  const remove = useDeleteCampaign();
  const [confirming, setConfirming] = useState<'cancel' | 'delete' | null>(null);
  const { status } = campaign;

  const run = (kind: LifecycleAction) =>
    action.mutateAsync({ id: campaign.id, action: kind }).then(() => {
      notify(`“${campaign.name}” ${DONE[kind]}`);
    });
  const runNow = (kind: LifecycleAction) =>
    void run(kind).catch((error: unknown) => notify(describeError(error), 'error'));

  return (
    <>
      {can(status, 'edit') && (
        <Button asChild variant="secondary">
          <Link to={`/campaigns/${campaign.id}/edit`}>
            <Pencil className="size-4" aria-hidden />
            {status === 'draft' ? 'Continue editing' : 'Edit'}
          </Link>
        </Button>
      )}
      {can(status, 'pause') && (
        <Button
          variant="secondary"
          isLoading={action.isPending && action.variables.action === 'pause'}
          onClick={() => runNow('pause')}
        >
          <Pause className="size-4" aria-hidden />
          Pause
        </Button>
      )}
      {can(status, 'resume') && (
        <Button
          isLoading={action.isPending && action.variables.action === 'resume'}
          onClick={() => runNow('resume')}
        >
          <Play className="size-4" aria-hidden />
          Resume
        </Button>
      )}
      {can(status, 'followUp') && (
        <DropdownMenu>
          <DropdownMenuTrigger asChild>
            <Button variant="secondary" isLoading={followUp.isPending}>
              <Reply className="size-4" aria-hidden />
              Follow up
              <ChevronDown className="size-3.5 text-slate-500" aria-hidden />
            </Button>
          </DropdownMenuTrigger>
          <DropdownMenuContent align="end">
            {FOLLOW_UPS.map((option) => (
              <DropdownMenuItem
                key={option.to}
                onSelect={() =>
                  followUp.mutate(
                    { id: campaign.id, to: option.to },
                    {
                      onSuccess: (draft) => {
                        notify(
                          'Follow-up created as a draft. Give it a new subject, then launch it.',
                        );
                        void navigate(`/campaigns/${draft.id}/edit?step=content`);
                      },
                      onError: (error) => notify(describeError(error), 'error'),
                    },
                  )
                }
              >
                {option.label}
              </DropdownMenuItem>
            ))}
          </DropdownMenuContent>
        </DropdownMenu>
      )}
      <Button
        variant="secondary"
        isLoading={duplicate.isPending}
        onClick={() =>
          duplicate.mutate(campaign.id, {
            onSuccess: (copy) => {
              notify(`Copied as “${copy.name}”, a new draft.`);
              void navigate(`/campaigns/${copy.id}/edit`);
            },
            onError: (error) => notify(describeError(error), 'error'),
          })
        }
      >
        <Copy className="size-4" aria-hidden />
        Duplicate
      </Button>
      {can(status, 'cancel') && (
        <Button variant="danger-ghost" onClick={() => setConfirming('cancel')}>
          <XCircle className="size-4" aria-hidden />
          Cancel campaign
        </Button>
      )}
      {can(status, 'delete') && (
        <Button variant="danger-ghost" onClick={() => setConfirming('delete')}>
          <Trash2 className="size-4" aria-hidden />
          Delete
        </Button>
      )}
      <ConfirmDialog
        open={confirming === 'cancel'}
        onOpenChange={(open) => setConfirming(open ? 'cancel' : null)}
        title={`Cancel “${campaign.name}”?`}
        description={
          status === 'scheduled'
            ? 'It won’t be sent. This can’t be undone, but you can duplicate it and schedule the copy.'
            : 'Messages not sent yet will never be sent; those already sent stay sent. This can’t be undone.'
        }
        confirmLabel="Cancel campaign"
        onConfirm={() => run('cancel')}
      />
      <ConfirmDialog
        open={confirming === 'delete'}
        onOpenChange={(open) => setConfirming(open ? 'delete' : null)}
        title={`Delete “${campaign.name}”?`}
        description={
          status === 'draft'
            ? 'The draft is deleted. This can’t be undone.'
            : 'The campaign is deleted with its recipients and statistics. This can’t be undone.'
        }
        confirmLabel="Delete campaign"
        onConfirm={() =>
          remove.mutateAsync(campaign.id).then(() => {
            notify(`“${campaign.name}” deleted.`);
            void navigate('/campaigns');
          })
        }
      />
    </>
  );
}
