import clsx from 'clsx';
import { ArrowLeft, Download, FileUp, Users } from 'lucide-react';
import { useState, type ReactNode } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { Card, CardBody, CardHeader } from '../../../components/ui/card';
import { EmptyState } from '../../../components/ui/empty-state';
import { ErrorState } from '../../../components/ui/error-state';
import { PageHeader } from '../../../components/ui/page-header';
import { ProgressBar } from '../../../components/ui/progress';
import { Spinner } from '../../../components/ui/spinner';
import { useToast } from '../../../components/ui/toast';
import { ApiError, describeError } from '../../../lib/api-error';
import { formatBytes, formatDateTime, formatNumber, pluralize } from '../../../lib/format';
import { useCan } from '../../organizations/api';
import { downloadRejectedRows, isFinished, useCancelImport, useImport, type Import } from '../api';
import { ImportStatusBadge } from '../import-status';
import { WizardSteps } from './wizard-steps';

/** One import: live progress while it runs, then what it did. */
export function ImportPage() {
  const { id = '' } = useParams();
  const location = useLocation();
  const isFromWizard = (location.state as { fromWizard?: boolean } | null)?.fromWizard === true;
  const item = useImport(id);

  const back = (
    <Link
      to="/contacts/import"
      className="mb-3 inline-flex items-center gap-1.5 rounded text-sm font-medium text-slate-600 hover:text-slate-900"
    >
      <ArrowLeft className="size-4" aria-hidden />
      Imports
    </Link>
  );

  if (item.isPending) return <Spinner label="Loading import…" />;
  if (item.isError && !item.data) {
    const isMissing = item.error instanceof ApiError && [400, 404].includes(item.error.status);
    return (
      <>
        {back}
        <Card>
          {isMissing ? (
            <EmptyState
              icon={FileUp}
              title="This import doesn’t exist"
              description="The link may be incomplete, or the import belongs to another organization."
              action={
                <Button asChild>
                  <Link to="/contacts/import">Go to imports</Link>
                </Button>
              }
            />
          ) : (
            <ErrorState error={item.error} onRetry={() => void item.refetch()} />
          )}
        </Card>
      </>
    );
  }
  const data = item.data;
  return (
    <>
      {back}
      <PageHeader
        title={<span className="break-all">{data.fileName}</span>}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <ImportStatusBadge status={data.status} />
            <span>
              {formatBytes(data.fileSize)} · started {formatDateTime(data.createdAt)}
            </span>
          </span>
        }
      />
      {isFromWizard && <WizardSteps current={isFinished(data.status) ? 4 : 3} />}
      {isFinished(data.status) ? <ImportResult item={data} /> : <ImportProgress item={data} />}
    </>
  );
}

function ImportProgress({ item }: { item: Import }) {
  const cancel = useCancelImport();
  const canEdit = useCan('editor');
  const notify = useToast();
  return (
    <Card aria-labelledby="progress-heading">
      <CardHeader
        id="progress-heading"
        title={item.status === 'pending' ? 'Waiting to start' : 'Importing'}
        description="You can leave this page: the import keeps running, and its result waits here."
      />
      <CardBody className="space-y-4">
        <ProgressBar
          label="Import progress"
          value={item.percent}
          valueText={`${item.percent} % · ${pluralize(item.rowsProcessed, 'row')} processed`}
        />
        {item.status === 'pending' && (
          <p className="text-sm text-slate-500">Waiting for a background worker to pick it up…</p>
        )}
        {canEdit && (
          <Button
            variant="secondary"
            isLoading={cancel.isPending}
            onClick={() =>
              cancel.mutate(item.id, {
                onSuccess: () => notify('Import cancelled. No contact was changed.'),
                onError: (error) => notify(describeError(error), 'error'),
              })
            }
          >
            Cancel import
          </Button>
        )}
      </CardBody>
    </Card>
  );
}

function ImportResult({ item }: { item: Import }) {
  const notify = useToast();
  const [isDownloading, setIsDownloading] = useState(false);
  const listId =
    typeof item.options === 'object' && item.options !== null && 'listId' in item.options
      ? String((item.options as { listId?: unknown }).listId ?? '')
      : '';

  const download = async () => {
    setIsDownloading(true);
    try {
      notify(`${await downloadRejectedRows(item.id)} downloaded.`);
    } catch (error) {
      notify(describeError(error), 'error');
    } finally {
      setIsDownloading(false);
    }
  };

  if (item.status === 'cancelled') {
    return (
      <Alert variant="info" title="This import was cancelled">
        No contact was changed. Start a new import to try again.
      </Alert>
    );
  }
  if (item.status === 'failed') {
    return (
      <div className="space-y-4">
        <Alert variant="error" title="This import failed">
          {item.error ?? 'Something went wrong on the server.'} No contact was changed.
        </Alert>
        <Button asChild>
          <Link to="/contacts/import">Try another import</Link>
        </Button>
      </div>
    );
  }

  const changed = item.inserted + item.updated;
  return (
    <div className="space-y-6">
      <Card aria-labelledby="result-heading">
        <CardHeader
          id="result-heading"
          title="Import finished"
          description={`${pluralize(item.rowsTotal ?? item.rowsProcessed, 'row')} read, ${pluralize(changed, 'contact')} added or updated.`}
        />
        <CardBody className="space-y-5">
          <ProgressBar
            label="Import progress"
            value={100}
            tone="success"
            valueText={`100 % · ${pluralize(item.rowsProcessed, 'row')} processed`}
          />
          <dl className="grid grid-cols-2 gap-3 sm:grid-cols-5">
            <Count label="Added" value={item.inserted} hint="New contacts" />
            <Count label="Updated" value={item.updated} hint="Existing contacts changed" />
            <Count label="Skipped" value={item.skipped} hint="Left alone by the import mode" />
            <Count
              label="Duplicates merged"
              value={item.duplicates}
              hint="Extra rows for the same email"
            />
            <Count
              label="Rejected"
              value={item.failed}
              hint="Rows with a problem, not imported"
              tone={item.failed > 0 ? 'danger' : undefined}
            />
          </dl>
          {item.failed > 0 && (
            <Alert
              variant="warning"
              title={`${pluralize(item.failed, 'row was', 'rows were')} rejected`}
            >
              <p>
                Download them to see the line number and reason for each, fix them, and import that
                file again.
              </p>
              <Button
                variant="secondary"
                size="sm"
                className="mt-2"
                isLoading={isDownloading}
                onClick={() => void download()}
              >
                {!isDownloading && <Download className="size-4" aria-hidden />}
                Download rejected rows
              </Button>
            </Alert>
          )}
        </CardBody>
      </Card>
      <div className="flex flex-wrap gap-2">
        <Button asChild>
          <Link to={listId ? `/contacts?list=${listId}` : '/contacts'}>
            <Users className="size-4" aria-hidden />
            View contacts
          </Link>
        </Button>
        <Button variant="secondary" asChild>
          <Link to="/contacts/import">
            <FileUp className="size-4" aria-hidden />
            Import another file
          </Link>
        </Button>
      </div>
    </div>
  );
}

function Count({
  label,
  value,
  hint,
  tone,
}: {
  label: string;
  value: number;
  hint: ReactNode;
  tone?: 'danger' | undefined;
}) {
  return (
    <div className="rounded-lg border border-slate-200 px-4 py-3">
      <dt className="text-sm font-medium text-slate-600">{label}</dt>
      <dd
        className={clsx(
          'mt-1 text-2xl font-semibold tabular-nums',
          tone === 'danger' ? 'text-red-700' : 'text-slate-900',
        )}
        aria-label={`${label}: ${formatNumber(value)}`}
      >
        {formatNumber(value)}
      </dd>
      <dd className="mt-0.5 text-xs text-slate-500">{hint}</dd>
    </div>
  );
}
