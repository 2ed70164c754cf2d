import { Mail, Plus } from 'lucide-react';
import { useEffect, useState } from 'react';
import { useLocation } from 'react-router';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { Card } from '../../../components/ui/card';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog';
import { EmptyState } from '../../../components/ui/empty-state';
import { ErrorState } from '../../../components/ui/error-state';
import { PageHeader } from '../../../components/ui/page-header';
import { TableSkeleton } from '../../../components/ui/spinner';
import { useToast } from '../../../components/ui/toast';
import { describeError } from '../../../lib/api-error';
import { formatRelative } from '../../../lib/format';
import { useOpenAlerts, useResolveAlert } from '../../alerts/api';
import { useCan } from '../../organizations/api';
import {
  useDeleteSender,
  usePauseSender,
  useResumeSender,
  useSenders,
  useVerifySender,
  type Sender,
} from '../api';
import { SenderCard } from './sender-card';
import { SenderDialog } from './sender-dialog';
import { SendingNav } from './sending-nav';

export function SendersPage() {
  const senders = useSenders();
  const isAdmin = useCan('admin');
  const canResolve = useCan('editor');
  const alerts = useOpenAlerts();
  const resolve = useResolveAlert();
  const verify = useVerifySender();
  const pause = usePauseSender();
  const resume = useResumeSender();
  const remove = useDeleteSender();
  const notify = useToast();
  const location = useLocation();
  // The sender stays while the dialog closes, so its title doesn't change mid-fade.
  const [dialog, setDialog] = useState<{ isOpen: boolean; sender?: Sender }>({ isOpen: false });
  const [deleting, setDeleting] = useState<Sender | null>(null);
  const list = senders.data ?? [];
  const senderAlerts = (alerts.data?.items ?? []).filter((alert) => alert.subject.senderId);

  // An alert links to /senders#sender-…: bring that sender into view once it is drawn.
  useEffect(() => {
    if (!location.hash || list.length === 0) return;
    document.getElementById(location.hash.slice(1))?.scrollIntoView({ block: 'start' });
  }, [location.hash, list.length]);

  const runVerify = (sender: Sender) =>
    verify.mutate(sender.id, {
      onSuccess: (result) =>
        notify(
          result.ok ? `“${sender.name}” works.` : `“${sender.name}” failed verification.`,
          result.ok ? 'success' : 'error',
        ),
      onError: (error) => notify(describeError(error), 'error'),
    });

  const addButton = (
    <Button onClick={() => setDialog({ isOpen: true })}>
      <Plus className="size-4" aria-hidden />
      Add sender
    </Button>
  );

  return (
    <>
      <PageHeader
        title="Senders"
        description="The addresses your email comes from and the servers that deliver it, with their limits, sending hours and health."
        actions={isAdmin && list.length > 0 ? addButton : undefined}
      />
      <SendingNav />
      <div className="space-y-6">
        {senderAlerts.map((alert) => {
          const sender = list.find((s) => s.id === alert.subject.senderId);
          return (
            <Alert key={alert.id} variant="warning" title={alert.title}>
              <p>
                {alert.message}{' '}
                <span className="text-amber-800">({formatRelative(alert.createdAt)})</span>
              </p>
              <div className="mt-2 flex flex-wrap gap-2">
                {isAdmin && sender?.status === 'paused' && (
                  <Button
                    size="sm"
                    variant="secondary"
                    isLoading={resume.isPending && resume.variables === sender.id}
                    onClick={() =>
                      resume.mutate(sender.id, {
                        onSuccess: () => notify(`“${sender.name}” resumed.`),
                        onError: (error) => notify(describeError(error), 'error'),
                      })
                    }
                  >
                    Resume sender
                  </Button>
                )}
                {canResolve && (
                  <Button
                    size="sm"
                    variant="ghost"
                    isLoading={resolve.isPending && resolve.variables === alert.id}
                    onClick={() =>
                      resolve.mutate(alert.id, {
                        onError: (error) => notify(describeError(error), 'error'),
                      })
                    }
                  >
                    Mark as resolved
                  </Button>
                )}
              </div>
            </Alert>
          );
        })}
        {!isAdmin && (
          <Alert variant="info">Only admins and owners can add, change or verify senders.</Alert>
        )}
        {senders.isPending ? (
          <Card>
            <TableSkeleton rows={3} label="Loading senders" />
          </Card>
        ) : senders.isError ? (
          <Card>
            <ErrorState error={senders.error} onRetry={() => void senders.refetch()} />
          </Card>
        ) : list.length === 0 ? (
          <Card>
            <EmptyState
              icon={Mail}
              title="No senders yet"
              description={
                isAdmin
                  ? 'Add your mail provider’s SMTP server to send real email, or the built-in outbox to try everything first without delivering anything.'
                  : 'An admin needs to add a sender before any email can go out.'
              }
              action={isAdmin && addButton}
            />
          </Card>
        ) : (
          list.map((sender) => (
            <SenderCard
              key={sender.id}
              sender={sender}
              isAdmin={isAdmin}
              isVerifying={verify.isPending && verify.variables === sender.id}
              isToggling={
                (pause.isPending && pause.variables === sender.id) ||
                (resume.isPending && resume.variables === sender.id)
              }
              onVerify={() => runVerify(sender)}
              onPause={() =>
                pause.mutate(sender.id, {
                  onSuccess: () =>
                    notify(`“${sender.name}” paused. Campaigns won’t send through it.`),
                  onError: (error) => notify(describeError(error), 'error'),
                })
              }
              onResume={() =>
                resume.mutate(sender.id, {
                  onSuccess: () => notify(`“${sender.name}” resumed.`),
                  onError: (error) => notify(describeError(error), 'error'),
                })
              }
              onEdit={() => setDialog({ isOpen: true, sender })}
              onDelete={() => setDeleting(sender)}
            />
          ))
        )}
      </div>
      <SenderDialog
        open={dialog.isOpen}
        onOpenChange={(isOpen) => setDialog((current) => ({ ...current, isOpen }))}
        sender={dialog.sender}
      />
      <ConfirmDialog
        open={deleting !== null}
        onOpenChange={(open) => !open && setDeleting(null)}
        title={`Delete “${deleting?.name ?? 'sender'}”?`}
        description="Mail can no longer go out through it, and its stored password is deleted. Messages already in the outbox stay. This can’t be undone."
        confirmLabel="Delete sender"
        onConfirm={async () => {
          if (!deleting) return;
          await remove.mutateAsync(deleting.id);
          notify(`“${deleting.name}” deleted.`);
        }}
      />
    </>
  );
}
