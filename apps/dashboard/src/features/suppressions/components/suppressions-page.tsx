import { Search, ShieldBan, Trash2 } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { Card, CardBody, CardHeader } from '../../../components/ui/card';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog';
import { EmptyState } from '../../../components/ui/empty-state';
import { ErrorState } from '../../../components/ui/error-state';
import { TextField } from '../../../components/ui/field';
import { Input } from '../../../components/ui/input';
import { LoadMore } from '../../../components/ui/load-more';
import { PageHeader } from '../../../components/ui/page-header';
import { TableSkeleton } from '../../../components/ui/spinner';
import { Table, TBody, TD, TH, THead } from '../../../components/ui/table';
import { useToast } from '../../../components/ui/toast';
import { ApiError, describeError } from '../../../lib/api-error';
import { formatDate, formatDateTime } from '../../../lib/format';
import { useDebouncedValue } from '../../../lib/use-debounced-value';
import { checkEmail } from '../../auth/validation';
import { AudienceNav } from '../../contacts/components/audience-nav';
import { useCan } from '../../organizations/api';
import { useAddSuppression, useLiftSuppression, useSuppressions, type Suppression } from '../api';

export function SuppressionsPage() {
  const canEdit = useCan('editor');
  const [search, setSearch] = useState('');
  const query = useDebouncedValue(search.trim(), 300);
  const suppressions = useSuppressions(query);
  const lift = useLiftSuppression();
  const notify = useToast();
  const [lifting, setLifting] = useState<Suppression | null>(null);

  return (
    <>
      <PageHeader
        title="Contacts"
        description="Suppressed addresses are never emailed, whatever their contact says. Entries stay even when the contact is deleted or erased."
      />
      <AudienceNav />
      <div className="space-y-6">
        {canEdit && <AddSuppressionCard />}
        <Card aria-labelledby="suppressions-heading">
          <CardHeader
            id="suppressions-heading"
            title="Suppressed addresses"
            actions={
              <div className="relative w-64">
                <Search
                  className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-slate-400"
                  aria-hidden
                />
                <Input
                  type="search"
                  aria-label="Search suppressed addresses"
                  placeholder="Search by email"
                  className="pl-9"
                  value={search}
                  onChange={(event) => setSearch(event.target.value)}
                />
              </div>
            }
          />
          {suppressions.isPending ? (
            <TableSkeleton label="Loading suppressions" />
          ) : suppressions.isError ? (
            <ErrorState error={suppressions.error} onRetry={() => void suppressions.refetch()} />
          ) : suppressions.items.length === 0 ? (
            <EmptyState
              icon={ShieldBan}
              title={query ? 'No suppressed address matches' : 'No suppressed addresses'}
              description={
                query
                  ? 'Search matches the start of the address.'
                  : 'Nothing is blocked yet. Bounces and spam complaints will appear here automatically.'
              }
            />
          ) : (
            <>
              <Table>
                <THead>
                  <tr>
                    <TH>Email</TH>
                    <TH>Reason</TH>
                    <TH>Since</TH>
                    <TH>
                      <span className="sr-only">Actions</span>
                    </TH>
                  </tr>
                </THead>
                <TBody>
                  {suppressions.items.map((item) => (
                    <tr key={item.id}>
                      <TD className="font-medium text-slate-900">{item.email}</TD>
                      <TD>{item.reason}</TD>
                      <TD className="whitespace-nowrap" title={formatDateTime(item.createdAt)}>
                        {formatDate(item.createdAt)}
                      </TD>
                      <TD className="text-right">
                        {canEdit && (
                          <Button
                            variant="danger-ghost"
                            size="sm"
                            aria-label={`Lift suppression of ${item.email}`}
                            onClick={() => setLifting(item)}
                          >
                            <Trash2 className="size-4" aria-hidden />
                            Remove
                          </Button>
                        )}
                      </TD>
                    </tr>
                  ))}
                </TBody>
              </Table>
              <LoadMore {...suppressions} />
            </>
          )}
        </Card>
      </div>
      <ConfirmDialog
        open={lifting !== null}
        onOpenChange={(next) => !next && setLifting(null)}
        title={`Remove ${lifting?.email ?? 'this address'} from suppressions?`}
        description="Herald may email this address again. A contact with it stays blocked until you change their status yourself; do that only if they asked to hear from you again."
        confirmLabel="Remove suppression"
        onConfirm={async () => {
          if (!lifting) return;
          await lift.mutateAsync(lifting.id);
          notify(`${lifting.email} is no longer suppressed.`);
        }}
      />
    </>
  );
}

function AddSuppressionCard() {
  const add = useAddSuppression();
  const notify = useToast();
  const [email, setEmail] = useState('');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<{ email?: string; reason?: string }>({});

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const next = {
      email: email.trim() ? checkEmail(email) : 'Enter the address to suppress.',
      reason: reason.trim() ? undefined : 'Say why, e.g. “asked not to be contacted”.',
    };
    setErrors(next);
    if (next.email || next.reason) return;
    add.mutate(
      { email: email.trim(), reason: reason.trim() },
      {
        onSuccess: (item) => {
          notify(`${item.email} is suppressed.`);
          setEmail('');
          setReason('');
        },
      },
    );
  };

  const serverError = (field: string) =>
    add.error instanceof ApiError ? add.error.fieldError(field) : undefined;
  const hasFieldErrors = add.error instanceof ApiError && add.error.fieldErrors.length > 0;

  return (
    <Card aria-labelledby="add-suppression-heading">
      <CardHeader
        id="add-suppression-heading"
        title="Suppress an address"
        description="For do-not-contact requests. A contact with this address becomes blocked at once."
      />
      <CardBody>
        <form onSubmit={submit} noValidate className="space-y-4">
          {add.error && !hasFieldErrors && (
            <Alert variant="error">{describeError(add.error)}</Alert>
          )}
          <div className="grid gap-4 sm:grid-cols-[1fr_1fr_auto] sm:items-start">
            <TextField
              label="Email address"
              type="email"
              autoComplete="off"
              placeholder="name@company.com"
              value={email}
              onChange={(event) => {
                setEmail(event.target.value);
                setErrors((e) => ({ ...e, email: undefined }));
              }}
              error={errors.email ?? serverError('email')}
            />
            <TextField
              label="Reason"
              autoComplete="off"
              placeholder="e.g. asked not to be contacted"
              value={reason}
              onChange={(event) => {
                setReason(event.target.value);
                setErrors((e) => ({ ...e, reason: undefined }));
              }}
              error={errors.reason ?? serverError('reason')}
            />
            <Button type="submit" className="sm:mt-7" isLoading={add.isPending}>
              <ShieldBan className="size-4" aria-hidden />
              Suppress
            </Button>
          </div>
        </form>
      </CardBody>
    </Card>
  );
}
