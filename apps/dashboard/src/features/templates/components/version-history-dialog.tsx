import clsx from 'clsx';
import { History, RotateCcw } from 'lucide-react';
import { useState } from 'react';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog';
import { Dialog, DialogContent } from '../../../components/ui/dialog';
import { ErrorState } from '../../../components/ui/error-state';
import { LoadMore } from '../../../components/ui/load-more';
import { Spinner } from '../../../components/ui/spinner';
import { useToast } from '../../../components/ui/toast';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { useRestoreVersion, useTemplateVersion, useTemplateVersions, type Template } from '../api';
import { FORMAT_LABELS } from '../formats';

interface VersionHistoryDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  template: Template;
  canEdit: boolean;
  /** Restoring replaces what the editor holds. */
  isDirty: boolean;
  onRestored: (template: Template) => void;
}

/** Every saved version with who saved it and when; any one can be read and made current again. */
export function VersionHistoryDialog({
  open,
  onOpenChange,
  template,
  canEdit,
  isDirty,
  onRestored,
}: VersionHistoryDialogProps) {
  const versions = useTemplateVersions(template.id, open);
  const [selected, setSelected] = useState<number | null>(null);
  const [isRestoring, setIsRestoring] = useState(false);
  const restore = useRestoreVersion(template.id);
  const notify = useToast();
  const shown = selected ?? template.version;
  const version = useTemplateVersion(template.id, open ? shown : null);

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        if (!next) setSelected(null);
        onOpenChange(next);
      }}
    >
      <DialogContent
        title="Version history"
        description="Every save that changes the content is kept as a version. Restoring one saves it again as the newest version; nothing is lost."
        className="max-w-4xl"
      >
        {versions.isPending ? (
          <Spinner label="Loading versions…" />
        ) : versions.isError ? (
          <ErrorState error={versions.error} onRetry={() => void versions.refetch()} />
        ) : (
          <div className="grid gap-4 md:grid-cols-[16rem_minmax(0,1fr)]">
            <div className="max-h-[60vh] overflow-y-auto rounded-lg border border-slate-200">
              <ul aria-label="Versions" className="divide-y divide-slate-100">
                {versions.items.map((item) => {
                  const isCurrent = item.version === template.version;
                  const isShown = item.version === shown;
                  return (
                    <li key={item.id}>
                      <button
                        type="button"
                        aria-current={isShown ? 'true' : undefined}
                        aria-label={`Version ${item.version}${isCurrent ? ' (current)' : ''}, saved by ${item.createdByName ?? 'someone'} ${formatRelative(item.createdAt)}`}
                        onClick={() => setSelected(item.version)}
                        className={clsx(
                          'block w-full px-3.5 py-2.5 text-left text-sm transition-colors',
                          isShown ? 'bg-indigo-50' : 'hover:bg-slate-50',
                        )}
                      >
                        <span className="flex items-center gap-2">
                          <span
                            className={clsx(
                              'font-medium',
                              isShown ? 'text-indigo-800' : 'text-slate-900',
                            )}
                          >
                            Version {item.version}
                          </span>
                          {isCurrent && <Badge tone="brand">Current</Badge>}
                        </span>
                        <span className="mt-0.5 block text-xs text-slate-500">
                          {item.createdByName ?? 'Someone'} ·{' '}
                          <time dateTime={item.createdAt} title={formatDateTime(item.createdAt)}>
                            {formatRelative(item.createdAt)}
                          </time>
                        </span>
                        <span className="mt-0.5 block truncate text-xs text-slate-600">
                          {item.subject || 'No subject'}
                        </span>
                      </button>
                    </li>
                  );
                })}
              </ul>
              <LoadMore {...versions} />
            </div>
            <section aria-label={`Version ${shown}`} className="min-w-0">
              {version.isPending ? (
                <Spinner label="Loading version…" />
              ) : version.isError ? (
                <ErrorState error={version.error} onRetry={() => void version.refetch()} />
              ) : (
                <div className="space-y-3">
                  <div className="flex flex-wrap items-center justify-between gap-2">
                    <h3 className="flex items-center gap-2 text-sm font-semibold text-slate-900">
                      <History className="size-4 text-slate-400" aria-hidden />
                      Version {version.data.version}
                      <Badge>{FORMAT_LABELS[version.data.format]}</Badge>
                    </h3>
                    {canEdit && version.data.version !== template.version && (
                      <Button size="sm" variant="secondary" onClick={() => setIsRestoring(true)}>
                        <RotateCcw className="size-4" aria-hidden />
                        Restore version {version.data.version}
                      </Button>
                    )}
                  </div>
                  <dl className="grid grid-cols-[6rem_minmax(0,1fr)] gap-x-3 gap-y-1 text-sm">
                    <dt className="text-slate-500">Subject</dt>
                    <dd className="break-words text-slate-900">{version.data.subject || '—'}</dd>
                    <dt className="text-slate-500">Preheader</dt>
                    <dd className="break-words text-slate-900">{version.data.preheader || '—'}</dd>
                    <dt className="text-slate-500">Saved</dt>
                    <dd className="text-slate-900">{formatDateTime(version.data.createdAt)}</dd>
                  </dl>
                  <pre
                    aria-label={`Body of version ${version.data.version}`}
                    className="max-h-[45vh] overflow-auto rounded-md bg-slate-900 p-3 font-mono text-xs leading-5 whitespace-pre text-slate-100"
                  >
                    {version.data.body}
                  </pre>
                  {version.data.text && (
                    <details className="text-sm">
                      <summary className="cursor-pointer font-medium text-slate-700">
                        Text part
                      </summary>
                      <pre className="mt-2 max-h-48 overflow-auto rounded-md bg-slate-50 p-3 font-mono text-xs whitespace-pre-wrap text-slate-800">
                        {version.data.text}
                      </pre>
                    </details>
                  )}
                </div>
              )}
            </section>
          </div>
        )}
        <ConfirmDialog
          open={isRestoring}
          onOpenChange={setIsRestoring}
          title={`Restore version ${shown}?`}
          description={
            isDirty
              ? `Its content becomes the template’s newest version, version ${template.version + 1}. Your unsaved changes in the editor are discarded.`
              : `Its content becomes the template’s newest version, version ${template.version + 1}. The versions in between stay in the history.`
          }
          confirmLabel={`Restore version ${shown}`}
          onConfirm={async () => {
            const restored = await restore.mutateAsync(shown);
            notify(`Version ${shown} restored as version ${restored.version}.`);
            setSelected(null);
            onRestored(restored);
            onOpenChange(false);
          }}
        />
      </DialogContent>
    </Dialog>
  );
}
