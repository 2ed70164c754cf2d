import { ArrowRight } from 'lucide-react';
import { useId, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { Dialog, DialogClose, DialogContent, DialogFooter } from '../../../components/ui/dialog';
import { TextField } from '../../../components/ui/field';
import { Label } from '../../../components/ui/label';
import { SelectField } from '../../../components/ui/select';
import { Spinner } from '../../../components/ui/spinner';
import { ApiError, describeError } from '../../../lib/api-error';
import { pluralize } from '../../../lib/format';
import { useSession } from '../../auth/session-hooks';
import { checkEmail } from '../../auth/validation';
import { ContactPicker, type PickedContact } from '../../contacts/components/contact-picker';
import { findOutboxMessage } from '../../outbox/api';
import { useSenders, type Sender } from '../../senders/api';
import { useTestSend, type Template, type TestSendResult } from '../api';

interface TestSendDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  template: Template;
  /** The editor holds changes that are not saved: the test would not include them. */
  isDirty: boolean;
  /** Who the editor previews as; the test renders as them too unless changed here. */
  recipient: PickedContact | null;
}

const defaultSender = (senders: readonly Sender[]) =>
  senders.find((s) => s.status === 'active') ?? senders[0];

export function TestSendDialog({ open, onOpenChange, ...props }: TestSendDialogProps) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent
        title="Send a test"
        description="One real message, marked [Test] in the subject. Its links lead to a harmless preview page."
        className="max-w-lg"
        // Escape in an open contact list closes the list, not the dialog.
        onEscapeKeyDown={(event) => {
          const target = event.target as HTMLElement | null;
          if (target?.getAttribute('aria-expanded') === 'true') event.preventDefault();
        }}
      >
        {/* Mounted while open only: each opening starts from the editor's current choices. */}
        {open && <TestSendForm {...props} />}
      </DialogContent>
    </Dialog>
  );
}

function TestSendForm({
  template,
  isDirty,
  recipient,
}: Omit<TestSendDialogProps, 'open' | 'onOpenChange'>) {
  const session = useSession();
  const senders = useSenders();
  const send = useTestSend(template.id);
  const pickerId = useId();
  const [senderId, setSenderId] = useState('');
  const [to, setTo] = useState(session?.user.email ?? '');
  const [contact, setContact] = useState<PickedContact | null>(recipient);
  const [toError, setToError] = useState<string>();
  const [result, setResult] = useState<{
    outcome: TestSendResult;
    sender: Sender;
    to: string;
    outboxId: string | null;
  } | null>(null);

  const list = senders.data ?? [];
  const chosen = list.find((s) => s.id === senderId) ?? defaultSender(list);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const problem = to.trim() ? checkEmail(to) : 'Enter the address to send the test to.';
    setToError(problem);
    if (problem || !chosen) return;
    setResult(null);
    const address = to.trim();
    send.mutate(
      { to: address, senderId: chosen.id, contactId: contact?.id },
      {
        onSuccess: async (outcome) => {
          const outboxId =
            chosen.provider === 'outbox' && outcome.outcome === 'sent'
              ? await findOutboxMessage(address, outcome.messageId).catch(() => null)
              : null;
          setResult({ outcome, sender: chosen, to: address, outboxId });
        },
      },
    );
  };

  if (senders.isPending) return <Spinner label="Loading senders…" />;
  if (list.length === 0) {
    return (
      <Alert variant="info" title="No sender yet">
        Tests go out through a sender.{' '}
        <Link to="/senders" className="font-medium underline">
          Add a sender
        </Link>{' '}
        first, then come back.
      </Alert>
    );
  }

  const serverToError = send.error instanceof ApiError ? send.error.fieldError('to') : undefined;
  const blocking = result?.outcome.checks.filter((c) => c.severity === 'error').length ?? 0;

  return (
    <form onSubmit={submit} noValidate className="space-y-4">
      {isDirty && (
        <Alert variant="warning">
          The test uses the saved version {template.version}, without your unsaved changes. Save
          first (Ctrl+S) to include them.
        </Alert>
      )}
      {send.error && !serverToError && <Alert variant="error">{describeError(send.error)}</Alert>}
      <SelectField
        label="Sender"
        value={chosen?.id ?? ''}
        onValueChange={(value) => {
          setSenderId(value);
          setResult(null);
        }}
        hint={
          chosen?.status === 'paused'
            ? 'This sender is paused: campaigns don’t use it, but a test still goes through it.'
            : chosen?.provider === 'outbox'
              ? 'The built-in outbox keeps the message in Herald instead of delivering it.'
              : undefined
        }
        options={list.map((sender) => ({
          value: sender.id,
          label: sender.name,
          description: [
            sender.fromEmail,
            sender.provider === 'outbox' ? 'Built-in outbox' : 'SMTP',
            sender.status === 'paused' ? 'Paused' : null,
          ]
            .filter(Boolean)
            .join(' · '),
        }))}
      />
      <TextField
        label="Send to"
        type="email"
        autoComplete="email"
        value={to}
        onChange={(event) => {
          setTo(event.target.value);
          setToError(undefined);
        }}
        error={toError ?? serverToError}
      />
      <div>
        <Label htmlFor={pickerId}>Render as</Label>
        <div className="mt-1.5">
          <ContactPicker
            id={pickerId}
            value={contact}
            onChange={setContact}
            placeholder="Sample recipient · search your contacts"
            clearLabel="Render as the sample recipient"
            aria-describedby={`${pickerId}-hint`}
          />
        </div>
        <p id={`${pickerId}-hint`} className="mt-1.5 text-sm text-slate-500">
          Optional. Whose name and details fill the template; the test goes to the address above
          either way.
        </p>
      </div>

      {result && <Outcome {...result} />}
      {result && blocking > 0 && (
        <Alert variant="warning">
          {pluralize(blocking, 'pre-send error')} would stop a campaign with this template. See the
          checks beside the preview.
        </Alert>
      )}

      <DialogFooter>
        <DialogClose asChild>
          <Button variant="secondary">{result ? 'Done' : 'Cancel'}</Button>
        </DialogClose>
        <Button type="submit" isLoading={send.isPending}>
          {result ? 'Send again' : 'Send test'}
        </Button>
      </DialogFooter>
    </form>
  );
}

function Outcome({
  outcome,
  sender,
  to,
  outboxId,
}: {
  outcome: TestSendResult;
  sender: Sender;
  to: string;
  outboxId: string | null;
}) {
  const reply = <p className="font-mono text-xs break-words">{outcome.reply}</p>;
  if (outcome.outcome === 'sent') {
    return (
      <Alert
        variant="success"
        title={sender.provider === 'outbox' ? `Stored in the outbox for ${to}` : `Sent to ${to}`}
      >
        {reply}
        {sender.provider === 'outbox' && (
          <Link
            to={
              outboxId
                ? `/senders/outbox/${outboxId}`
                : `/senders/outbox?q=${encodeURIComponent(to)}`
            }
            className="mt-2 inline-flex items-center gap-1 font-medium text-emerald-900 underline"
          >
            Open it in the outbox
            <ArrowRight className="size-3.5" aria-hidden />
          </Link>
        )}
      </Alert>
    );
  }
  if (outcome.outcome === 'retry') {
    return (
      <Alert variant="warning" title="Deferred: not delivered this time">
        {reply}
        <p className="mt-1">
          A campaign would try again later on its own. If this keeps happening, verify the sender on
          the Senders page.
        </p>
      </Alert>
    );
  }
  return (
    <Alert variant="error" title="Not sent: the server refused it">
      {reply}
    </Alert>
  );
}
