import * as DialogPrimitive from '@radix-ui/react-dialog';
import clsx from 'clsx';
import { AlertTriangle, ArrowRight, Bell, CheckCircle2, X } from 'lucide-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { Button } from '../../../components/ui/button';
import { useToast } from '../../../components/ui/toast';
import { describeError } from '../../../lib/api-error';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { useCan } from '../../organizations/api';
import { alertTarget, useOpenAlerts, useResolveAlert } from '../api';

/**
 * The bell in the top bar: how many alerts need someone, and a panel listing them with a link
 * to what each is about. The panel is a dialog anchored under the bell: Escape or a click
 * outside closes it, and focus returns to the bell.
 */
export function AlertsButton() {
  const alerts = useOpenAlerts();
  const resolve = useResolveAlert();
  const canResolve = useCan('editor');
  const notify = useToast();
  const [open, setOpen] = useState(false);
  const count = alerts.data?.openCount ?? 0;
  const items = alerts.data?.items ?? [];
  const label = count === 0 ? 'Alerts: none open' : `Alerts: ${count} open`;

  return (
    <DialogPrimitive.Root open={open} onOpenChange={setOpen}>
      <DialogPrimitive.Trigger
        className={clsx(
          'relative rounded-full p-1.5 transition-colors hover:bg-slate-100 data-[state=open]:bg-slate-100',
          count > 0 ? 'text-slate-700' : 'text-slate-500',
        )}
        aria-label={label}
        title={label}
      >
        <Bell className="size-5" aria-hidden />
        {count > 0 && (
          <span
            aria-hidden
            className="absolute -top-0.5 -right-0.5 flex h-4 min-w-4 items-center justify-center rounded-full bg-red-600 px-1 text-[10px] font-semibold text-white tabular-nums ring-2 ring-white"
          >
            {count > 9 ? '9+' : count}
          </span>
        )}
      </DialogPrimitive.Trigger>
      <DialogPrimitive.Portal>
        <DialogPrimitive.Overlay className="fixed inset-0 z-40" />
        <DialogPrimitive.Content
          aria-describedby={undefined}
          className="fixed top-14 right-2 z-50 flex max-h-[calc(100dvh-4.5rem)] w-[calc(100vw-1rem)] max-w-sm flex-col rounded-xl border border-slate-200 bg-white shadow-xl data-[state=open]:animate-fade-in sm:right-4"
        >
          <div className="flex items-center justify-between border-b border-slate-200 px-4 py-3">
            <DialogPrimitive.Title className="text-sm font-semibold text-slate-900">
              Alerts
            </DialogPrimitive.Title>
            <DialogPrimitive.Close
              className="rounded-md p-1 text-slate-400 hover:bg-slate-100 hover:text-slate-600"
              aria-label="Close alerts"
            >
              <X className="size-4" aria-hidden />
            </DialogPrimitive.Close>
          </div>
          {items.length === 0 ? (
            <div className="flex flex-col items-center px-6 py-8 text-center">
              <CheckCircle2 className="size-6 text-emerald-600" aria-hidden />
              <p className="mt-2 text-sm font-medium text-slate-900">All clear</p>
              <p className="mt-0.5 text-sm text-slate-600">
                Herald raises an alert here when something needs a person, such as a sender paused
                after repeated failures.
              </p>
            </div>
          ) : (
            <ul aria-label="Open alerts" className="divide-y divide-slate-100 overflow-y-auto">
              {items.map((alert) => {
                const target = alertTarget(alert);
                return (
                  <li key={alert.id} className="flex gap-3 px-4 py-3">
                    <AlertTriangle
                      className={clsx(
                        'mt-0.5 size-4 shrink-0',
                        alert.severity === 'critical' ? 'text-red-500' : 'text-amber-500',
                      )}
                      aria-hidden
                    />
                    <div className="min-w-0 flex-1 text-sm">
                      <p className="font-medium text-slate-900">{alert.title}</p>
                      <p className="mt-0.5 break-words text-slate-600">{alert.message}</p>
                      <p className="mt-1 text-xs text-slate-500">
                        <time dateTime={alert.createdAt} title={formatDateTime(alert.createdAt)}>
                          {formatRelative(alert.createdAt)}
                        </time>
                      </p>
                      <div className="mt-2 flex flex-wrap items-center gap-1.5">
                        {target && (
                          <Button variant="secondary" size="sm" asChild>
                            <Link to={target.to} onClick={() => setOpen(false)}>
                              {target.label}
                              <ArrowRight className="size-3.5" aria-hidden />
                            </Link>
                          </Button>
                        )}
                        {canResolve && (
                          <Button
                            variant="ghost"
                            size="sm"
                            isLoading={resolve.isPending && resolve.variables === alert.id}
                            onClick={() =>
                              resolve.mutate(alert.id, {
                                onSuccess: () => notify('Alert resolved.'),
                                onError: (error) => notify(describeError(error), 'error'),
                              })
                            }
                          >
                            Resolve
                          </Button>
                        )}
                      </div>
                    </div>
                  </li>
                );
              })}
            </ul>
          )}
          {count > items.length && (
            <p className="border-t border-slate-200 px-4 py-2 text-xs text-slate-500">
              Showing the newest {items.length} of {count}.
            </p>
          )}
        </DialogPrimitive.Content>
      </DialogPrimitive.Portal>
    </DialogPrimitive.Root>
  );
}
