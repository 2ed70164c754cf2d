import clsx from 'clsx';
import { ArrowDown, ArrowUp, Mail } from 'lucide-react';
import { useId } from 'react';
import { Link } from 'react-router';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { Card, CardBody, CardHeader } from '../../../components/ui/card';
import { Checkbox } from '../../../components/ui/checkbox';
import { EmptyState } from '../../../components/ui/empty-state';
import { ErrorState } from '../../../components/ui/error-state';
import { TextField } from '../../../components/ui/field';
import { Input } from '../../../components/ui/input';
import { SelectField } from '../../../components/ui/select';
import { Spinner } from '../../../components/ui/spinner';
import type { Sender } from '../../senders/api';
import { ROTATION_OPTIONS, type FormErrors, type WizardDraft } from '../wizard-form';

interface SendersStepProps {
  draft: WizardDraft;
  onChange: (patch: Partial<WizardDraft>) => void;
  errors: FormErrors;
  senders: {
    data: Sender[] | undefined;
    isPending: boolean;
    error: unknown;
    refetch: () => unknown;
  };
}

/** Which senders the campaign goes out through, how they share the work, and who it is from. */
export function SendersStep({ draft, onChange, errors, senders }: SendersStepProps) {
  const weightsId = useId();
  const all = senders.data ?? [];
  const chosen = draft.senderIds
    .map((id) => all.find((sender) => sender.id === id))
    .filter((sender): sender is Sender => sender !== undefined);

  const toggle = (id: string) =>
    onChange({
      senderIds: draft.senderIds.includes(id)
        ? draft.senderIds.filter((x) => x !== id)
        : [...draft.senderIds, id],
    });
  const move = (index: number, by: -1 | 1) => {
    const next = [...draft.senderIds];
    const [item] = next.splice(index, 1);
    next.splice(index + by, 0, item!);
    onChange({ senderIds: next });
  };
  const defaultFromName = chosen[0]?.fromName;

  return (
    <div className="space-y-6">
      <Card aria-labelledby="senders-heading">
        <CardHeader
          id="senders-heading"
          title="Senders"
          description="The accounts the campaign goes out through. With several, they share the work and each one keeps to its own limits."
        />
        {senders.isPending ? (
          <Spinner label="Loading senders…" />
        ) : senders.error ? (
          <ErrorState error={senders.error} onRetry={() => void senders.refetch()} />
        ) : all.length === 0 ? (
          <EmptyState
            icon={Mail}
            title="No senders yet"
            description="Add the SMTP server or email service your campaigns go out through."
            action={
              <Button asChild>
                <Link to="/senders">Add a sender</Link>
              </Button>
            }
          />
        ) : (
          <CardBody className="space-y-5">
            <fieldset>
              <legend className="sr-only">Senders</legend>
              {errors.senderIds && (
                <p role="alert" className="mb-2 text-sm text-red-700">
                  {errors.senderIds}
                </p>
              )}
              <ul className="divide-y divide-slate-100 rounded-md border border-slate-200">
                {all.map((sender) => {
                  const inputId = `${weightsId}-${sender.id}`;
                  const isOn = draft.senderIds.includes(sender.id);
                  return (
                    <li
                      key={sender.id}
                      className={clsx(
                        'flex items-start gap-3 px-3 py-2.5',
                        isOn && 'bg-indigo-50/60',
                      )}
                    >
                      <Checkbox
                        id={inputId}
                        className="mt-0.5"
                        checked={isOn}
                        onChange={() => toggle(sender.id)}
                        aria-describedby={`${inputId}-detail`}
                      />
                      <div className="min-w-0 flex-1">
                        <div className="flex flex-wrap items-center gap-2">
                          <label
                            htmlFor={inputId}
                            className="cursor-pointer text-sm font-medium text-slate-800"
                          >
                            {sender.name}
                          </label>
                          {sender.provider === 'outbox' && (
                            <Badge>Outbox: nothing is delivered</Badge>
                          )}
                          {sender.status === 'paused' && <Badge tone="warning">Paused</Badge>}
                        </div>
                        <span id={`${inputId}-detail`} className="block text-xs text-slate-500">
                          {sender.fromName
                            ? `${sender.fromName} <${sender.fromEmail}>`
                            : sender.fromEmail}
                        </span>
                      </div>
                    </li>
                  );
                })}
              </ul>
            </fieldset>

            {chosen.length > 1 && (
              <div className="space-y-4 border-t border-slate-100 pt-5">
                <SelectField
                  label="Share the work"
                  value={draft.rotation}
                  onValueChange={(rotation) => onChange({ rotation })}
                  options={ROTATION_OPTIONS}
                  containerClassName="max-w-md"
                />
                {draft.rotation === 'weighted' && (
                  <fieldset
                    aria-describedby={errors.senderWeights ? `${weightsId}-error` : undefined}
                  >
                    <legend className="text-sm font-medium text-slate-800">Weights</legend>
                    <ul className="mt-1.5 space-y-2">
                      {chosen.map((sender) => (
                        <li key={sender.id} className="flex items-center gap-3">
                          <Input
                            type="number"
                            min={0}
                            step="any"
                            className="w-24"
                            aria-label={`Weight of ${sender.name}`}
                            value={draft.weights[sender.id] ?? '1'}
                            onChange={(event) =>
                              onChange({
                                weights: { ...draft.weights, [sender.id]: event.target.value },
                              })
                            }
                          />
                          <span className="text-sm text-slate-700">{sender.name}</span>
                        </li>
                      ))}
                    </ul>
                    {errors.senderWeights && (
                      <p id={`${weightsId}-error`} className="mt-1.5 text-sm text-red-700">
                        {errors.senderWeights}
                      </p>
                    )}
                  </fieldset>
                )}
                {draft.rotation === 'fill_in_order' && (
                  <div>
                    <p className="text-sm font-medium text-slate-800">Order</p>
                    <ol className="mt-1.5 space-y-1.5">
                      {chosen.map((sender, index) => (
                        <li key={sender.id} className="flex items-center gap-2 text-sm">
                          <span className="w-5 text-right text-slate-500 tabular-nums">
                            {index + 1}.
                          </span>
                          <span className="flex-1 text-slate-800">{sender.name}</span>
                          <Button
                            variant="ghost"
                            size="icon"
                            aria-label={`Move ${sender.name} up`}
                            disabled={index === 0}
                            onClick={() => move(index, -1)}
                          >
                            <ArrowUp className="size-4" aria-hidden />
                          </Button>
                          <Button
                            variant="ghost"
                            size="icon"
                            aria-label={`Move ${sender.name} down`}
                            disabled={index === chosen.length - 1}
                            onClick={() => move(index, 1)}
                          >
                            <ArrowDown className="size-4" aria-hidden />
                          </Button>
                        </li>
                      ))}
                    </ol>
                  </div>
                )}
              </div>
            )}
          </CardBody>
        )}
      </Card>

      <Card aria-labelledby="from-heading">
        <CardHeader
          id="from-heading"
          title="From and reply-to"
          description="Leave these empty to use each sender’s own."
        />
        <CardBody className="grid gap-4 sm:grid-cols-2">
          <TextField
            label="From name"
            value={draft.fromName}
            maxLength={200}
            placeholder={defaultFromName ?? 'The sender’s from name'}
            onChange={(event) => onChange({ fromName: event.target.value })}
            error={errors.fromName}
            hint="The name inboxes show, e.g. “Acme News”."
          />
          <TextField
            label="Reply-to address"
            type="email"
            value={draft.replyTo}
            maxLength={254}
            placeholder={chosen[0]?.replyTo ?? 'Replies go to the sender'}
            onChange={(event) => onChange({ replyTo: event.target.value })}
            error={errors.replyTo}
            hint="Where replies go, if not to the from address."
          />
        </CardBody>
      </Card>
    </div>
  );
}
