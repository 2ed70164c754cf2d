import clsx from 'clsx';
import { useState, type FormEvent, type ReactNode } from 'react';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { CheckboxField } from '../../../components/ui/checkbox';
import { Dialog, DialogClose, DialogContent, DialogFooter } from '../../../components/ui/dialog';
import { TextField } from '../../../components/ui/field';
import { SelectField } from '../../../components/ui/select';
import { useToast } from '../../../components/ui/toast';
import { describeError } from '../../../lib/api-error';
import { useCreateSender, useUpdateSender, type Sender } from '../api';
import { AUTH_OPTIONS, DEFAULT_PORTS, TLS_OPTIONS } from '../sender-info';
import {
  bodyOf,
  check,
  draftOf,
  KNOWN_PATHS,
  LIMIT_FIELDS,
  serverErrors,
  WINDOW_FIELDS,
  type FormErrors,
  type SenderDraft,
} from '../sender-form';
import { WindowEditor } from './window-editor';

interface SenderDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** Edit this sender; a new one otherwise. */
  sender?: Sender | undefined;
}

export function SenderDialog({ open, onOpenChange, sender }: SenderDialogProps) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent
        title={sender ? `Edit “${sender.name}”` : 'Add a sender'}
        description={
          sender
            ? 'Changes apply to the next message sent through it.'
            : 'A sender is the address your email comes from and the server that delivers it.'
        }
        className="max-h-[calc(100dvh-2rem)] max-w-2xl overflow-y-auto"
      >
        {/* Mounted while open only: each opening starts from what is saved. */}
        {open && <SenderForm sender={sender} onDone={() => onOpenChange(false)} />}
      </DialogContent>
    </Dialog>
  );
}

function SenderForm({ sender, onDone }: { sender: Sender | undefined; onDone: () => void }) {
  const create = useCreateSender();
  const update = useUpdateSender();
  const notify = useToast();
  const [draft, setDraft] = useState<SenderDraft>(() => draftOf(sender));
  const [clientErrors, setClientErrors] = useState<FormErrors>({});
  const mutation = sender ? update : create;
  const fromServer = serverErrors(mutation.error);
  const errors = { ...fromServer, ...clientErrors };
  const unplaced = Object.entries(fromServer).filter(([path]) => !KNOWN_PATHS.has(path));
  const isSmtp = draft.provider === 'smtp';
  const hasStoredPassword = Boolean(sender?.smtp?.hasPassword);

  const set = <K extends keyof SenderDraft>(key: K, value: SenderDraft[K], ...paths: string[]) => {
    setDraft((current) => ({ ...current, [key]: value }));
    const cleared = paths.length ? paths : [key];
    setClientErrors((current) =>
      Object.fromEntries(Object.entries(current).filter(([path]) => !cleared.includes(path))),
    );
    if (mutation.error) mutation.reset();
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const problems = check(draft, sender);
    setClientErrors(problems);
    if (Object.keys(problems).length > 0) {
      requestAnimationFrame(() =>
        form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(),
      );
      return;
    }
    const body = bodyOf(draft, sender);
    const onError = () =>
      requestAnimationFrame(() =>
        form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(),
      );
    if (sender) {
      const { provider: _provider, ...patch } = body;
      update.mutate(
        { id: sender.id, ...patch, smtp: patch.smtp ?? undefined },
        {
          onSuccess: (saved) => {
            notify(`“${saved.name}” saved. Verify it to check the new settings.`);
            onDone();
          },
          onError,
        },
      );
    } else {
      create.mutate(body, {
        onSuccess: (saved) => {
          notify(
            saved.provider === 'smtp'
              ? `“${saved.name}” added. Verify it to check the connection.`
              : `“${saved.name}” added.`,
          );
          onDone();
        },
        onError,
      });
    }
  };

  const windowErrors = Object.fromEntries(
    WINDOW_FIELDS.flatMap((f) => (errors[`window.${f}`] ? [[f, errors[`window.${f}`]]] : [])),
  );

  return (
    <form onSubmit={submit} noValidate className="space-y-6">
      {mutation.error && (Object.keys(fromServer).length === 0 || unplaced.length > 0) && (
        <Alert variant="error" title={sender ? 'Not saved' : 'Not added'}>
          {unplaced.length > 0
            ? unplaced.map(([path, message]) => (
                <p key={path}>
                  {path}: {message}
                </p>
              ))
            : describeError(mutation.error)}
        </Alert>
      )}
      {Object.keys(fromServer).length > 0 && unplaced.length === 0 && (
        <Alert variant="error">Some settings need fixing: see the highlighted fields.</Alert>
      )}

      {!sender && (
        <fieldset>
          <legend className="text-sm font-medium text-slate-800">Delivers through</legend>
          <div className="mt-2 grid gap-2 sm:grid-cols-2">
            {(
              [
                {
                  value: 'smtp',
                  label: 'An SMTP server',
                  description: 'Your mail provider or your own server delivers the mail.',
                },
                {
                  value: 'outbox',
                  label: 'The built-in outbox',
                  description:
                    'Nothing is delivered: messages stay in Herald to look at. For trying things out.',
                },
              ] as const
            ).map((option) => (
              <label
                key={option.value}
                className={clsx(
                  'flex cursor-pointer gap-3 rounded-lg border p-3.5 text-sm transition-colors',
                  'focus-within:ring-3 focus-within:ring-indigo-500/20',
                  draft.provider === option.value
                    ? 'border-indigo-500 bg-indigo-50/50'
                    : 'border-slate-200 hover:bg-slate-50',
                )}
              >
                <input
                  type="radio"
                  name="provider"
                  value={option.value}
                  checked={draft.provider === option.value}
                  onChange={() => set('provider', option.value)}
                  className="mt-0.5 size-4 shrink-0 accent-indigo-600"
                />
                <span>
                  <span className="block font-medium text-slate-900">{option.label}</span>
                  <span className="mt-0.5 block text-slate-600">{option.description}</span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>
      )}

      <Section title="Sender">
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField
            label="Name"
            autoFocus
            autoComplete="off"
            placeholder="e.g. Newsletter"
            hint="Only your team sees this."
            value={draft.name}
            onChange={(event) => set('name', event.target.value)}
            error={errors.name}
          />
          <TextField
            label="From name"
            autoComplete="off"
            placeholder="e.g. Acme News"
            hint="Optional. What recipients see as the sender."
            value={draft.fromName}
            onChange={(event) => set('fromName', event.target.value)}
            error={errors.fromName}
          />
          <TextField
            label="From address"
            type="email"
            autoComplete="off"
            placeholder="news@example.com"
            value={draft.fromEmail}
            onChange={(event) => set('fromEmail', event.target.value)}
            error={errors.fromEmail}
          />
          <TextField
            label="Reply-to address"
            type="email"
            autoComplete="off"
            placeholder="Optional"
            value={draft.replyTo}
            onChange={(event) => set('replyTo', event.target.value)}
            error={errors.replyTo}
          />
        </div>
      </Section>

      {isSmtp && (
        <Section
          title="Server"
          description="Your provider’s SMTP settings. The password is stored encrypted."
        >
          <div className="grid gap-4 sm:grid-cols-[minmax(0,1fr)_8rem]">
            <TextField
              label="Host"
              autoComplete="off"
              spellCheck={false}
              placeholder="smtp.example.com"
              value={draft.host}
              onChange={(event) => set('host', event.target.value, 'smtp.host')}
              error={errors['smtp.host']}
            />
            <TextField
              label="Port"
              inputMode="numeric"
              autoComplete="off"
              value={draft.port}
              onChange={(event) => set('port', event.target.value, 'smtp.port')}
              error={errors['smtp.port']}
            />
          </div>
          <div className="mt-4 grid gap-4 sm:grid-cols-2">
            <SelectField
              label="Encryption"
              value={draft.tls}
              onValueChange={(tls) => {
                // Follow the mode's usual port unless someone typed their own.
                const isDefaultPort = Object.values(DEFAULT_PORTS).includes(Number(draft.port));
                setDraft((current) => ({
                  ...current,
                  tls,
                  port: isDefaultPort ? String(DEFAULT_PORTS[tls]) : current.port,
                }));
              }}
              options={TLS_OPTIONS}
              error={errors['smtp.tls']}
            />
            <SelectField
              label="Login"
              value={draft.auth}
              onValueChange={(auth) =>
                set('auth', auth, 'smtp.auth', 'smtp.username', 'smtp.password')
              }
              options={AUTH_OPTIONS}
              error={errors['smtp.auth']}
            />
          </div>
          {draft.auth !== 'none' && (
            <div className="mt-4 grid gap-4 sm:grid-cols-2">
              <TextField
                label="User name"
                autoComplete="off"
                spellCheck={false}
                value={draft.username}
                onChange={(event) => set('username', event.target.value, 'smtp.username')}
                error={errors['smtp.username']}
              />
              <TextField
                label={draft.auth === 'xoauth2' ? 'Access token' : 'Password'}
                type="password"
                autoComplete="new-password"
                placeholder={hasStoredPassword ? '••••••••' : undefined}
                value={draft.password}
                onChange={(event) => set('password', event.target.value, 'smtp.password')}
                error={errors['smtp.password']}
                hint={
                  hasStoredPassword
                    ? 'Stored. Leave empty to keep it, or type a new one to replace it.'
                    : 'Stored encrypted; never shown again.'
                }
              />
            </div>
          )}
          <CheckboxField
            className="mt-4"
            label="Accept invalid certificates"
            description="Only for test servers with self-signed certificates: it makes the connection easy to intercept."
            checked={draft.allowInvalidCertificates}
            onChange={(event) => set('allowInvalidCertificates', event.target.checked)}
          />
        </Section>
      )}

      <Section
        title="Limits"
        description="The most this sender sends. Leave empty for no limit; your provider’s plan usually sets one."
      >
        <div className="grid gap-4 sm:grid-cols-3">
          {LIMIT_FIELDS.map((field) => (
            <TextField
              key={field}
              label={{ perSecond: 'Per second', perHour: 'Per hour', perDay: 'Per day' }[field]}
              inputMode="numeric"
              autoComplete="off"
              placeholder="No limit"
              value={draft[field]}
              onChange={(event) => set(field, event.target.value, `limits.${field}`)}
              error={errors[`limits.${field}`]}
            />
          ))}
        </div>
      </Section>

      <Section title="Sending window">
        <CheckboxField
          label="Only send at certain times"
          description="Mail waits for the window to open, e.g. business hours in your customers’ time zone."
          checked={draft.hasWindow}
          onChange={(event) =>
            set('hasWindow', event.target.checked, ...WINDOW_FIELDS.map((f) => `window.${f}`))
          }
        />
        {draft.hasWindow && (
          <div className="mt-4">
            <WindowEditor
              value={draft.window}
              onChange={(window) =>
                set('window', window, ...WINDOW_FIELDS.map((f) => `window.${f}`))
              }
              errors={windowErrors}
            />
          </div>
        )}
      </Section>

      <DialogFooter>
        <DialogClose asChild>
          <Button variant="secondary">Cancel</Button>
        </DialogClose>
        <Button type="submit" isLoading={mutation.isPending}>
          {sender ? 'Save changes' : 'Add sender'}
        </Button>
      </DialogFooter>
    </form>
  );
}

function Section({
  title,
  description,
  children,
}: {
  title: string;
  description?: string;
  children: ReactNode;
}) {
  return (
    <section className="border-t border-slate-200 pt-5 first:border-t-0 first:pt-0">
      <h3 className="text-sm font-semibold text-slate-900">{title}</h3>
      {description && <p className="mt-0.5 text-sm text-slate-600">{description}</p>}
      <div className="mt-3">{children}</div>
    </section>
  );
}
