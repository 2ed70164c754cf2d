import clsx from 'clsx';
import { Loader2, Monitor, Smartphone } from 'lucide-react';
import { useId, useState } from 'react';
import { Alert } from '../../../components/ui/alert';
import { Card } from '../../../components/ui/card';
import { EmailFrame, type EmailWidth } from '../../../components/ui/email-frame';
import { Label } from '../../../components/ui/label';
import { SegmentedControl } from '../../../components/ui/segmented-control';
import { Tabs, TabsContent, TabsList, TabsTrigger } from '../../../components/ui/tabs';
import { describeError } from '../../../lib/api-error';
import { ContactPicker, type PickedContact } from '../../contacts/components/contact-picker';
import type { TemplateIssue, TemplatePreview } from '../api';
import { ProblemList, type JumpTo } from './template-checks';

interface TemplatePreviewPanelProps {
  preview: TemplatePreview | undefined;
  /** A render is on its way (typing has not settled, or the request is out). */
  isUpdating: boolean;
  error: unknown;
  /** Compile errors from the preview, or from a refused save. */
  compileErrors: readonly TemplateIssue[];
  recipient: PickedContact | null;
  onRecipientChange: (contact: PickedContact | null) => void;
  /** Shown as the sender in the inbox line. */
  fromName: string;
  onJump: JumpTo;
}

const INBOX_SNIPPET = 110;

/** The email as the recipient would get it, updating as the source changes. */
export function TemplatePreviewPanel({
  preview,
  isUpdating,
  error,
  compileErrors,
  recipient,
  onRecipientChange,
  fromName,
  onJump,
}: TemplatePreviewPanelProps) {
  const pickerId = useId();
  const [width, setWidth] = useState<EmailWidth>('desktop');
  const hasErrors = compileErrors.length > 0;
  // Inboxes show the preheader after the subject, or else the start of the text.
  const snippet = preview
    ? (preview.preheader || preview.text.replace(/\s+/g, ' ')).trim().slice(0, INBOX_SNIPPET)
    : '';

  return (
    <Card aria-labelledby="preview-heading" className="overflow-hidden">
      <div className="flex flex-wrap items-center justify-between gap-x-4 gap-y-1 border-b border-slate-200 px-5 py-3">
        <h2 id="preview-heading" className="text-base font-semibold text-slate-900">
          Preview
        </h2>
        <p
          aria-live="polite"
          className={clsx(
            'flex items-center gap-1.5 text-xs text-slate-500',
            !isUpdating && 'invisible',
          )}
        >
          <Loader2 className="size-3.5 animate-spin" aria-hidden />
          {isUpdating ? 'Updating…' : ''}
        </p>
      </div>
      <div className="border-b border-slate-200 px-5 py-3">
        <Label htmlFor={pickerId}>Preview as</Label>
        <div className="mt-1.5">
          <ContactPicker
            id={pickerId}
            value={recipient}
            onChange={onRecipientChange}
            placeholder="Sample recipient · search your contacts"
            clearLabel="Preview as the sample recipient"
            aria-describedby={`${pickerId}-hint`}
          />
        </div>
        <p id={`${pickerId}-hint`} className="mt-1.5 text-xs text-slate-500">
          {recipient
            ? `Rendered with ${recipient.name ? `${recipient.name}’s` : 'this contact’s'} details, dates in their time zone.`
            : 'Rendered for a made-up recipient. Pick a contact to see their name and attributes.'}
        </p>
      </div>

      <div
        aria-label="Inbox preview"
        role="group"
        className={clsx(
          'flex gap-3 border-b border-slate-200 bg-slate-50 px-5 py-3',
          isUpdating && 'opacity-70',
        )}
      >
        <span
          aria-hidden
          className="flex size-9 shrink-0 items-center justify-center rounded-full bg-indigo-100 text-sm font-semibold text-indigo-700"
        >
          {fromName.charAt(0).toUpperCase() || '?'}
        </span>
        <div className="min-w-0 flex-1 text-sm">
          <p className="truncate font-medium text-slate-900">{fromName}</p>
          <p className="truncate">
            <span className="font-semibold text-slate-900">
              {hasErrors ? '—' : preview?.subject || <em className="text-slate-400">No subject</em>}
            </span>
            {snippet && !hasErrors && <span className="text-slate-500"> – {snippet}</span>}
          </p>
        </div>
      </div>

      <Tabs defaultValue="html">
        <div className="flex flex-wrap items-end justify-between gap-3 px-5 pt-3">
          <TabsList aria-label="Preview as" className="border-b-0">
            <TabsTrigger value="html">HTML</TabsTrigger>
            <TabsTrigger value="text">Text</TabsTrigger>
            <TabsTrigger value="source">Source</TabsTrigger>
          </TabsList>
          <SegmentedControl
            label="Preview width"
            size="sm"
            className="mb-2"
            value={width}
            onValueChange={setWidth}
            options={[
              { value: 'desktop', label: 'Desktop', icon: Monitor },
              { value: 'mobile', label: 'Mobile', icon: Smartphone },
            ]}
          />
        </div>
        <div className="border-t border-slate-200 bg-slate-100/70">
          {error ? (
            <div className="p-5">
              <Alert variant="error" title="Couldn’t render the preview">
                {describeError(error)}
              </Alert>
            </div>
          ) : hasErrors ? (
            <div className="bg-white">
              <div className="p-5 pb-3">
                <Alert variant="error" title="The template doesn’t compile">
                  Nothing can be rendered until{' '}
                  {compileErrors.length === 1 ? 'this is fixed' : 'these are fixed'}. The lines are
                  highlighted in the source.
                </Alert>
              </div>
              <ProblemList
                problems={compileErrors.map((issue) => ({ ...issue, severity: 'error' }))}
                onJump={onJump}
                label="Compile errors"
              />
            </div>
          ) : !preview ? (
            <div className="flex h-[40rem] items-center justify-center text-sm text-slate-500">
              <Loader2 className="mr-2 size-4 animate-spin" aria-hidden />
              Rendering…
            </div>
          ) : (
            <>
              <TabsContent value="html" className="p-3">
                <EmailFrame html={preview.html} title="Email preview" width={width} height={640} />
              </TabsContent>
              <TabsContent value="text" className="p-3">
                <pre
                  aria-label="Rendered text part"
                  className={clsx(
                    'mx-auto h-[40rem] overflow-auto rounded-md bg-white p-4 font-mono text-[13px] leading-5 break-words whitespace-pre-wrap text-slate-800 shadow-xs',
                    width === 'mobile' ? 'max-w-[375px]' : 'max-w-full',
                  )}
                >
                  {preview.text}
                </pre>
              </TabsContent>
              <TabsContent value="source" className="p-3">
                <pre
                  aria-label="Rendered HTML source"
                  className="h-[40rem] overflow-auto rounded-md bg-slate-900 p-4 font-mono text-xs leading-5 break-all whitespace-pre-wrap text-slate-100"
                >
                  {preview.html}
                </pre>
              </TabsContent>
            </>
          )}
        </div>
      </Tabs>
    </Card>
  );
}
