import { ArrowLeft, Download, Eraser, UserX } from 'lucide-react';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { Button } from '../../../components/ui/button';
import { Card, CardBody, CardHeader } from '../../../components/ui/card';
import { EmptyState } from '../../../components/ui/empty-state';
import { ErrorState } from '../../../components/ui/error-state';
import { PageHeader } from '../../../components/ui/page-header';
import { Spinner } from '../../../components/ui/spinner';
import { useToast } from '../../../components/ui/toast';
import { ApiError, describeError } from '../../../lib/api-error';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { useCan } from '../../organizations/api';
import { downloadContactData, useContact, type Contact } from '../api';
import { ContactStatusBadge, contactName, sourceLabel } from '../contact-status';
import { ContactAttributesCard } from './contact-attributes-card';
import { ContactDetailsCard } from './contact-details-card';
import { ContactListsCard } from './contact-lists-card';
import { ContactTagsCard } from './contact-tags-card';
import { ContactTimelineCard } from './contact-timeline-card';
import { EraseContactDialog } from './erase-contact-dialog';

export function ContactPage() {
  const { id = '' } = useParams();
  const contact = useContact(id);

  const back = (
    <Link
      to="/contacts"
      className="mb-3 inline-flex items-center gap-1.5 rounded text-sm font-medium text-slate-600 hover:text-slate-900"
    >
      <ArrowLeft className="size-4" aria-hidden />
      All contacts
    </Link>
  );

  if (contact.isPending) return <Spinner label="Loading contact…" />;
  if (contact.isError) {
    const isMissing =
      contact.error instanceof ApiError &&
      (contact.error.status === 404 || contact.error.status === 400);
    return (
      <>
        {back}
        <Card>
          {isMissing ? (
            <EmptyState
              icon={UserX}
              title="This contact doesn’t exist"
              description="It may have been deleted or erased, or the link is incomplete."
              action={
                <Button asChild>
                  <Link to="/contacts">Go to contacts</Link>
                </Button>
              }
            />
          ) : (
            <ErrorState error={contact.error} onRetry={() => void contact.refetch()} />
          )}
        </Card>
      </>
    );
  }
  return (
    <>
      {back}
      <ContactView contact={contact.data} />
    </>
  );
}

function ContactView({ contact }: { contact: Contact }) {
  const canEdit = useCan('editor');
  const isAdmin = useCan('admin');
  const notify = useToast();
  const [isErasing, setIsErasing] = useState(false);
  const [isDownloading, setIsDownloading] = useState(false);
  const name = contactName(contact);

  const download = async () => {
    setIsDownloading(true);
    try {
      notify(`${await downloadContactData(contact)} downloaded.`);
    } catch (error) {
      notify(describeError(error), 'error');
    } finally {
      setIsDownloading(false);
    }
  };

  return (
    <>
      <PageHeader
        title={<span className="break-all">{contact.email}</span>}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <ContactStatusBadge status={contact.status} />
            {name && <span className="text-slate-700">{name}</span>}
          </span>
        }
        actions={
          <>
            {canEdit && (
              <Button variant="secondary" isLoading={isDownloading} onClick={() => void download()}>
                {!isDownloading && <Download className="size-4" aria-hidden />}
                Download data
              </Button>
            )}
            {isAdmin && (
              <Button variant="danger-ghost" onClick={() => setIsErasing(true)}>
                <Eraser className="size-4" aria-hidden />
                Erase
              </Button>
            )}
          </>
        }
      />
      <div className="grid items-start gap-6 lg:grid-cols-3">
        <div className="space-y-6 lg:col-span-2">
          <ContactDetailsCard key={contact.updatedAt} contact={contact} canEdit={canEdit} />
          <ContactAttributesCard contact={contact} canEdit={canEdit} />
          <ContactTimelineCard contactId={contact.id} />
        </div>
        <div className="space-y-6">
          <ContactTagsCard contact={contact} canEdit={canEdit} />
          <ContactListsCard contact={contact} canEdit={canEdit} />
          <Card aria-labelledby="about-heading">
            <CardHeader id="about-heading" title="About" />
            <CardBody>
              <dl className="space-y-3 text-sm">
                <div>
                  <dt className="text-slate-500">Source</dt>
                  <dd className="text-slate-800">{sourceLabel(contact.source)}</dd>
                </div>
                {contact.externalId && (
                  <div>
                    <dt className="text-slate-500">User ID (event API)</dt>
                    <dd className="font-mono text-xs break-all text-slate-800">
                      {contact.externalId}
                    </dd>
                  </div>
                )}
                <div>
                  <dt className="text-slate-500">Added</dt>
                  <dd className="text-slate-800">{formatDateTime(contact.createdAt)}</dd>
                </div>
                <div>
                  <dt className="text-slate-500">Last changed</dt>
                  <dd className="text-slate-800">
                    <time dateTime={contact.updatedAt} title={formatDateTime(contact.updatedAt)}>
                      {formatRelative(contact.updatedAt)}
                    </time>
                  </dd>
                </div>
              </dl>
            </CardBody>
          </Card>
        </div>
      </div>
      {isAdmin && (
        <EraseContactDialog contact={contact} open={isErasing} onOpenChange={setIsErasing} />
      )}
    </>
  );
}
