import { Pause, Play, Rocket, Trash2 } from 'lucide-react';
import { useState, type ReactNode } from 'react';
import { useNavigate } from 'react-router';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog';
import { Dialog, DialogClose, DialogContent, DialogFooter } from '../../../components/ui/dialog';
import { useToast } from '../../../components/ui/toast';
import { ApiError, describeError } from '../../../lib/api-error';
import { useDeleteFlow, useFlowAction, type Flow, type LifecycleAction } from '../api';

interface ActionCopy {
  title: string;
  description: ReactNode;
  confirm: string;
  done: string;
}

function copyFor(action: LifecycleAction, flow: Flow, triggerText: string): ActionCopy {
  const next = (flow.publishedVersion ?? 0) + 1;
  if (action === 'publish')
    return {
      title: `Publish version ${next} of “${flow.name}”?`,
      description:
        flow.publishedVersion === null
          ? 'The draft becomes version 1. Nobody enters until you activate the flow.'
          : `New runs start on version ${next}. Runs already in progress finish on the version they started on.`,
      confirm: `Publish v${next}`,
      done: `Version ${next} published.`,
    };
  if (action === 'activate')
    return {
      title: `Activate “${flow.name}”?`,
      description: (
        <>
          {flow.publishedVersion === null
            ? 'The draft is published as version 1 and contacts start entering: '
            : `Contacts start entering version ${flow.publishedVersion}: `}
          <strong>{triggerText.charAt(0).toLowerCase() + triggerText.slice(1)}</strong>. Emails go
          out for real.
        </>
      ),
      confirm: 'Activate',
      done: `“${flow.name}” is active.`,
    };
  return {
    title: `Deactivate “${flow.name}”?`,
    description:
      'Nobody new enters. Runs already in progress carry on to their end; you can activate the flow again at any time.',
    confirm: 'Deactivate',
    done: `“${flow.name}” is inactive.`,
  };
}

interface FlowActionsProps {
  flow: Flow;
  /** The trigger in words, for the activation question. */
  triggerText: string;
  /** Saves pending edits first: publishing must publish what is on screen. */
  beforeAction: () => Promise<unknown>;
  /** A 422: the draft has problems; the page marks them. */
  onInvalid: (error: ApiError) => void;
}

/** Publish, activate and deactivate, each asked first; delete for flows that are not active. */
export function FlowActions({ flow, triggerText, beforeAction, onInvalid }: FlowActionsProps) {
  const notify = useToast();
  const navigate = useNavigate();
  const act = useFlowAction();
  const remove = useDeleteFlow();
  const [pending, setPending] = useState<LifecycleAction | null>(null);
  const [isDeleting, setIsDeleting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const copy = pending ? copyFor(pending, flow, triggerText) : null;
  const isActive = flow.status === 'active';
  const canPublish = flow.publishedVersion === null || flow.hasUnpublishedChanges;

  const run = async () => {
    if (!pending) return;
    setError(null);
    try {
      await beforeAction();
      await act.mutateAsync({ id: flow.id, action: pending });
      notify(copy!.done);
      setPending(null);
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 422) {
        setPending(null);
        onInvalid(caught);
        return;
      }
      setError(
        caught instanceof ApiError && caught.status === 409
          ? `${caught.detail || caught.title} Reload to see the flow as it is now.`
          : describeError(caught),
      );
    }
  };

  return (
    <>
      {!isActive && (
        <Button variant="ghost" onClick={() => setIsDeleting(true)}>
          <Trash2 className="size-4" aria-hidden />
          Delete
        </Button>
      )}
      <Button
        variant="secondary"
        disabled={!canPublish}
        title={canPublish ? undefined : 'Nothing new to publish'}
        onClick={() => setPending('publish')}
      >
        <Rocket className="size-4" aria-hidden />
        Publish
      </Button>
      {isActive ? (
        <Button variant="secondary" onClick={() => setPending('deactivate')}>
          <Pause className="size-4" aria-hidden />
          Deactivate
        </Button>
      ) : (
        <Button onClick={() => setPending('activate')}>
          <Play className="size-4" aria-hidden />
          Activate
        </Button>
      )}
      <Dialog
        open={pending !== null}
        onOpenChange={(open) => {
          if (!open) {
            setPending(null);
            setError(null);
          }
        }}
      >
        {copy && (
          <DialogContent title={copy.title} description={copy.description}>
            {error && <Alert variant="error">{error}</Alert>}
            <DialogFooter>
              <DialogClose asChild>
                <Button variant="secondary">Cancel</Button>
              </DialogClose>
              <Button
                variant={pending === 'deactivate' ? 'danger' : 'primary'}
                isLoading={act.isPending}
                onClick={() => void run()}
              >
                {copy.confirm}
              </Button>
            </DialogFooter>
          </DialogContent>
        )}
      </Dialog>
      <ConfirmDialog
        open={isDeleting}
        onOpenChange={setIsDeleting}
        title={`Delete “${flow.name}”?`}
        description="Its versions, its runs and its emails’ numbers are deleted with it. This can’t be undone."
        confirmLabel="Delete flow"
        onConfirm={async () => {
          await remove.mutateAsync(flow.id);
          notify(`“${flow.name}” deleted.`);
          void navigate('/flows');
        }}
      />
    </>
  );
}
