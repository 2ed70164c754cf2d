import { ExternalLink, FileText, PenLine } from 'lucide-react';
import { useMemo, useRef, useState } from 'react';
import { Link } from 'react-router';
import { Card, CardBody, CardHeader } from '../../../components/ui/card';
import { EmptyState } from '../../../components/ui/empty-state';
import { TextField } from '../../../components/ui/field';
import { SegmentedControl } from '../../../components/ui/segmented-control';
import { SelectField } from '../../../components/ui/select';
import { Spinner } from '../../../components/ui/spinner';
import { useDebouncedValue } from '../../../lib/use-debounced-value';
import type { PickedContact } from '../../contacts/components/contact-picker';
import {
  useAllTemplates,
  useTemplate,
  useTemplatePreview,
  type TemplateContent,
  type TemplateField,
} from '../../templates/api';
import type { SourceEditorHandle } from '../../templates/components/source-editor';
import {
  TemplateContentCard,
  type SourceTab,
} from '../../templates/components/template-content-card';
import { TemplateChecks } from '../../templates/components/template-checks';
import { TemplatePreviewPanel } from '../../templates/components/template-preview-panel';
import { FORMAT_LABELS, STARTERS } from '../../templates/formats';
import { fieldIssue, markersFor } from '../../templates/issues';
import type { FormErrors, WizardDraft } from '../wizard-form';

const PREVIEW_DEBOUNCE_MS = 400;

interface ContentStepProps {
  draft: WizardDraft;
  onChange: (patch: Partial<WizardDraft>) => void;
  errors: FormErrors;
  /** Shown as the sender in the preview's inbox line. */
  fromName: string;
}

/** What recipients get: a saved template, or content written for this campaign only. */
export function ContentStep({ draft, onChange, errors, fromName }: ContentStepProps) {
  const templates = useAllTemplates();
  const template = useTemplate(
    draft.contentMode === 'template' ? draft.templateId || undefined : undefined,
  );
  const [recipient, setRecipient] = useState<PickedContact | null>(null);
  const [sourceTab, setSourceTab] = useState<SourceTab>('body');
  const bodyEditor = useRef<SourceEditorHandle>(null);
  const textEditor = useRef<SourceEditorHandle>(null);
  const subjectInput = useRef<HTMLInputElement>(null);
  const preheaderInput = useRef<HTMLInputElement>(null);

  const content: TemplateContent | null =
    draft.contentMode === 'inline'
      ? {
          subject: draft.subject,
          preheader: draft.preheader || null,
          format: draft.format,
          body: draft.body,
          text: draft.text || null,
        }
      : template.data
        ? {
            subject: template.data.subject,
            preheader: template.data.preheader,
            format: template.data.format,
            body: template.data.body,
            text: template.data.text,
          }
        : null;
  const settledJson = useDebouncedValue(JSON.stringify(content), PREVIEW_DEBOUNCE_MS);
  const settled = useMemo(() => JSON.parse(settledJson) as TemplateContent | null, [settledJson]);
  const preview = useTemplatePreview(
    settled ?? { subject: '', format: 'html', body: '' },
    recipient ? { contactId: recipient.id } : { sample: true },
    settled !== null,
  );
  const compileErrors = preview.data?.errors ?? [];
  const isUpdating = settledJson !== JSON.stringify(content) || preview.isFetching;

  const chooseMode = (mode: WizardDraft['contentMode']) => {
    if (mode === draft.contentMode) return;
    // Writing from scratch starts from the starter, which already passes the checks.
    onChange(
      mode === 'inline' && !draft.body.trim()
        ? { contentMode: mode, body: STARTERS[draft.format] }
        : { contentMode: mode },
    );
  };

  const jump = (field: TemplateField, line: number, column: number) => {
    if (draft.contentMode !== 'inline') return;
    if (field === 'subject' || field === 'preheader') {
      const input = field === 'subject' ? subjectInput.current : preheaderInput.current;
      input?.focus();
      input?.setSelectionRange(column - 1, column - 1);
      return;
    }
    setSourceTab(field);
    setTimeout(() => (field === 'body' ? bodyEditor : textEditor).current?.goTo(line, column));
  };

  const templateOptions = (templates.data ?? []).map((t) => ({
    value: t.id,
    label: t.name,
    description: t.subject || 'No subject',
  }));

  return (
    <div className="space-y-6">
      <SegmentedControl
        label="Content"
        value={draft.contentMode}
        onValueChange={chooseMode}
        options={[
          { value: 'template', label: 'Use a template', icon: FileText },
          { value: 'inline', label: 'Write it here', icon: PenLine },
        ]}
      />
      <div className="grid items-start gap-6 xl:grid-cols-2">
        <div className="min-w-0 space-y-6">
          {draft.contentMode === 'template' ? (
            <Card aria-labelledby="template-heading">
              <CardHeader
                id="template-heading"
                title="Template"
                description="The campaign sends the template as it is when sending starts; later edits to it don’t change this campaign."
              />
              {templates.isPending ? (
                <Spinner label="Loading templates…" />
              ) : templateOptions.length === 0 ? (
                <EmptyState
                  icon={FileText}
                  title="No templates yet"
                  description="Write a template to reuse it across campaigns, or choose “Write it here” above to write this email for this campaign only."
                  action={
                    <Link
                      to="/templates/new"
                      className="text-sm font-medium text-indigo-700 hover:underline"
                    >
                      Write a template
                    </Link>
                  }
                />
              ) : (
                <CardBody className="space-y-3">
                  <SelectField
                    label="Template"
                    placeholder="Choose a template"
                    value={draft.templateId}
                    onValueChange={(templateId) => onChange({ templateId })}
                    options={templateOptions}
                    error={errors.templateId}
                  />
                  {template.data && (
                    <dl className="grid grid-cols-[6rem_minmax(0,1fr)] gap-x-3 gap-y-1.5 text-sm">
                      <dt className="text-slate-500">Subject</dt>
                      <dd className="break-words text-slate-900">
                        {template.data.subject || <em className="text-slate-400">No subject</em>}
                      </dd>
                      <dt className="text-slate-500">Format</dt>
                      <dd className="text-slate-900">{FORMAT_LABELS[template.data.format]}</dd>
                      <dt className="text-slate-500">Version</dt>
                      <dd className="text-slate-900">v{template.data.version}</dd>
                    </dl>
                  )}
                  {draft.templateId && (
                    <Link
                      to={`/templates/${draft.templateId}`}
                      className="inline-flex items-center gap-1.5 rounded text-sm font-medium text-indigo-700 hover:underline"
                    >
                      <ExternalLink className="size-3.5" aria-hidden />
                      Open the template to edit it
                    </Link>
                  )}
                </CardBody>
              )}
            </Card>
          ) : (
            <>
              <Card aria-labelledby="envelope-heading">
                <CardHeader
                  id="envelope-heading"
                  title="Subject and preheader"
                  description="What the inbox shows before the email is opened. {{ variables }} work in both."
                />
                <CardBody className="space-y-4">
                  <TextField
                    ref={subjectInput}
                    label="Subject"
                    value={draft.subject}
                    maxLength={998}
                    onChange={(event) => onChange({ subject: event.target.value })}
                    error={errors['content.subject'] ?? fieldIssue(compileErrors, 'subject')}
                    placeholder="e.g. Spring sale: 20 % off, {{ contact.firstName }}"
                  />
                  <TextField
                    ref={preheaderInput}
                    label="Preheader"
                    value={draft.preheader}
                    maxLength={500}
                    onChange={(event) => onChange({ preheader: event.target.value })}
                    error={fieldIssue(compileErrors, 'preheader')}
                    hint="Optional. The line inboxes show after the subject."
                  />
                </CardBody>
              </Card>
              <TemplateContentCard
                format={draft.format}
                body={draft.body}
                text={draft.text}
                canEdit
                onChange={(patch) => onChange(patch)}
                markers={{
                  body: markersFor('body', compileErrors, preview.data),
                  text: markersFor('text', compileErrors, preview.data),
                }}
                sourceTab={sourceTab}
                onSourceTabChange={setSourceTab}
                bodyEditor={bodyEditor}
                textEditor={textEditor}
              />
              {(errors['content.body'] ?? errors.content) && (
                <p role="alert" className="text-sm text-red-700">
                  {errors['content.body'] ?? errors.content}
                </p>
              )}
            </>
          )}
          {settled && <TemplateChecks preview={preview.data} onJump={jump} />}
        </div>
        {settled ? (
          <TemplatePreviewPanel
            preview={preview.data}
            isUpdating={isUpdating}
            error={preview.error}
            compileErrors={compileErrors}
            recipient={recipient}
            onRecipientChange={setRecipient}
            fromName={fromName}
            onJump={jump}
          />
        ) : (
          <Card>
            <EmptyState
              icon={FileText}
              title="Nothing to preview yet"
              description="Choose a template, and it shows here as your recipients will see it."
            />
          </Card>
        )}
      </div>
    </div>
  );
}
