import { ArrowLeft, FileText } from 'lucide-react';
import { useState } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { Button } from '../../../components/ui/button';
import { Card } from '../../../components/ui/card';
import { EmptyState } from '../../../components/ui/empty-state';
import { ErrorState } from '../../../components/ui/error-state';
import { Spinner } from '../../../components/ui/spinner';
import { ApiError } from '../../../lib/api-error';
import type { PickedContact } from '../../contacts/components/contact-picker';
import { useTemplate } from '../api';
import { TemplateEditor } from './template-editor';

/** What a new template's first save hands to the editor it becomes. */
export interface EditorCarryOver {
  recipient?: PickedContact | null;
}

export function TemplateEditorPage() {
  const { id } = useParams();
  const location = useLocation();
  const template = useTemplate(id);
  // Restoring a version starts the editor afresh from what the server now holds.
  const [generation, setGeneration] = useState(0);
  const carried = (location.state as EditorCarryOver | null) ?? {};
  // Kept here, not in the editor: who the preview is for survives a restore and the first save.
  const [recipient, setRecipient] = useState<PickedContact | null>(carried.recipient ?? null);

  const back = (
    <Link
      to="/templates"
      className="mb-3 inline-flex items-center gap-1.5 rounded text-sm font-medium text-slate-600 hover:text-slate-900"
    >
      <ArrowLeft className="size-4" aria-hidden />
      Templates
    </Link>
  );

  if (id && template.isPending) return <Spinner label="Loading template…" />;
  if (template.isError) {
    const isMissing =
      template.error instanceof ApiError && [400, 404].includes(template.error.status);
    return (
      <>
        {back}
        <Card>
          {isMissing ? (
            <EmptyState
              icon={FileText}
              title="This template doesn’t exist"
              description="It may have been deleted, or the link is incomplete."
              action={
                <Button asChild>
                  <Link to="/templates">Go to templates</Link>
                </Button>
              }
            />
          ) : (
            <ErrorState error={template.error} onRetry={() => void template.refetch()} />
          )}
        </Card>
      </>
    );
  }
  return (
    <>
      {back}
      <TemplateEditor
        key={`${template.data?.id ?? 'new'}:${generation}`}
        template={template.data}
        recipient={recipient}
        onRecipientChange={setRecipient}
        onRestored={() => setGeneration((current) => current + 1)}
      />
    </>
  );
}
