import clsx from 'clsx';
import { Loader2 } from 'lucide-react';
import { Link } from 'react-router';
import { Alert } from '../../../components/ui/alert';
import { Card, CardHeader } from '../../../components/ui/card';
import { ApiError, describeError } from '../../../lib/api-error';
import { formatNumber, pluralize } from '../../../lib/format';
import type { ContactStatus } from '../../contacts/api';
import { ContactStatusBadge, contactName, STATUS_INFO } from '../../contacts/contact-status';
import type { SegmentPreview } from '../api';

interface SegmentPreviewCardProps {
  preview: SegmentPreview | undefined;
  isFetching: boolean;
  error: unknown;
  /** No finished rule yet: the figure is everyone. */
  isEveryone: boolean;
  /** Unfinished rules left out of the count. */
  unfinished: number;
}

/** The live answer to "who is in this segment?": a count and a few of the people. */
export function SegmentPreviewCard({
  preview,
  isFetching,
  error,
  isEveryone,
  unfinished,
}: SegmentPreviewCardProps) {
  const isRuleError = error instanceof ApiError && error.fieldErrors.length > 0;
  return (
    <Card aria-labelledby="preview-heading" className="lg:sticky lg:top-20">
      <CardHeader
        id="preview-heading"
        title="Matching contacts"
        description="Updates as you change the rules."
      />
      <div className="px-5 py-4">
        {error ? (
          <Alert
            variant="error"
            title={isRuleError ? 'Fix the highlighted rule' : 'Couldn’t count'}
          >
            {describeError(error)}
          </Alert>
        ) : (
          <div
            role="status"
            aria-label="Matching contacts"
            aria-busy={isFetching || !preview}
            className={clsx('flex items-baseline gap-2', isFetching && 'opacity-60')}
          >
            <span className="text-4xl font-semibold tracking-tight text-slate-900 tabular-nums">
              {preview ? formatNumber(preview.count) : '–'}
            </span>
            <span className="text-sm text-slate-600">
              {preview?.count === 1 ? 'contact' : 'contacts'}
            </span>
            {isFetching && <Loader2 className="size-4 animate-spin text-slate-400" aria-hidden />}
          </div>
        )}
        {isEveryone && !error && (
          <p className="mt-1 text-sm text-slate-500">Everyone, until you add a rule.</p>
        )}
        {preview?.count === 0 && !error && (
          <p className="mt-1 text-sm text-slate-500">
            No contact matches these rules right now. Segments update themselves, so people join as
            they start to match.
          </p>
        )}
        {unfinished > 0 && (
          <p className="mt-1 text-sm text-amber-800">
            Not counting {pluralize(unfinished, 'unfinished rule')}.
          </p>
        )}
      </div>
      {preview && preview.sample.length > 0 && !error && (
        <div className="border-t border-slate-100">
          <h3 className="px-5 pt-3 text-xs font-medium tracking-wide text-slate-500 uppercase">
            {preview.count > preview.sample.length ? 'Some of them' : 'All of them'}
          </h3>
          <ul
            className="divide-y divide-slate-100 px-5 pb-2"
            aria-label="Sample of matching contacts"
          >
            {preview.sample.map((contact) => (
              <li key={contact.id} className="flex items-center justify-between gap-2 py-2">
                <div className="min-w-0">
                  <Link
                    to={`/contacts/${contact.id}`}
                    className="block truncate text-sm font-medium text-slate-800 hover:text-indigo-700 hover:underline"
                  >
                    {contact.email}
                  </Link>
                  {contactName(contact) && (
                    <p className="truncate text-xs text-slate-500">{contactName(contact)}</p>
                  )}
                </div>
                {contact.status in STATUS_INFO && (
                  <ContactStatusBadge status={contact.status as ContactStatus} />
                )}
              </li>
            ))}
          </ul>
        </div>
      )}
    </Card>
  );
}
