import { Braces, ChevronDown } from 'lucide-react';
import { useState, type RefObject } from 'react';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { Card } from '../../../components/ui/card';
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from '../../../components/ui/dropdown-menu';
import { SegmentedControl } from '../../../components/ui/segmented-control';
import { Tabs, TabsContent, TabsList, TabsTrigger } from '../../../components/ui/tabs';
import { pluralize } from '../../../lib/format';
import { useFields } from '../../fields/api';
import type { TemplateFormat } from '../api';
import { FORMAT_HINTS, FORMAT_LABELS, FORMATS, isStarterOrBlank, STARTERS } from '../formats';
import { fieldVariable, standardVariables, type SnippetFormat } from '../variables';
import { SourceEditor, type SourceEditorHandle, type SourceMarker } from './source-editor';

export type SourceTab = 'body' | 'text';

interface TemplateContentCardProps {
  format: TemplateFormat;
  body: string;
  text: string;
  canEdit: boolean;
  onChange: (patch: { format?: TemplateFormat; body?: string; text?: string }) => void;
  /** Problems to mark in each source. */
  markers: { body: readonly SourceMarker[]; text: readonly SourceMarker[] };
  sourceTab: SourceTab;
  onSourceTabChange: (tab: SourceTab) => void;
  bodyEditor: RefObject<SourceEditorHandle | null>;
  textEditor: RefObject<SourceEditorHandle | null>;
}

/** The format switch and the two sources: the body, and the optional plain-text part. */
export function TemplateContentCard({
  format,
  body,
  text,
  canEdit,
  onChange,
  markers,
  sourceTab,
  onSourceTabChange,
  bodyEditor,
  textEditor,
}: TemplateContentCardProps) {
  const fields = useFields();
  // A body written for one format left in place after switching to another.
  const [formatNote, setFormatNote] = useState<TemplateFormat | null>(null);

  const chooseFormat = (next: TemplateFormat) => {
    if (next === format) return;
    // An untouched starter follows the format; a body someone wrote is theirs to replace.
    if (isStarterOrBlank(body)) {
      onChange({ format: next, body: STARTERS[next] });
      setFormatNote(null);
    } else {
      onChange({ format: next });
      setFormatNote(next);
    }
  };

  const insert = (snippet: string) =>
    (sourceTab === 'body' ? bodyEditor : textEditor).current?.insert(snippet);

  return (
    <Card aria-labelledby="content-heading">
      <div className="border-b border-slate-200 px-5 py-4">
        <div className="flex flex-wrap items-center justify-between gap-3">
          <h2 id="content-heading" className="text-base font-semibold text-slate-900">
            Content
          </h2>
          <SegmentedControl
            label="Format"
            value={format}
            disabled={!canEdit}
            onValueChange={chooseFormat}
            options={FORMATS.map((format) => ({
              value: format,
              label: FORMAT_LABELS[format],
            }))}
          />
        </div>
        <p className="mt-2 text-sm text-slate-600">{FORMAT_HINTS[format]}</p>
        {formatNote === format && (
          <Alert variant="info" className="mt-3">
            <p>
              The body is still written for another format. Start from the {FORMAT_LABELS[format]}{' '}
              starter instead?
            </p>
            <div className="mt-2 flex flex-wrap gap-2">
              <Button
                size="sm"
                variant="secondary"
                onClick={() => {
                  onChange({ body: STARTERS[format] });
                  setFormatNote(null);
                }}
              >
                Use the {FORMAT_LABELS[format]} starter
              </Button>
              <Button size="sm" variant="ghost" onClick={() => setFormatNote(null)}>
                Keep my body
              </Button>
            </div>
          </Alert>
        )}
      </div>
      <Tabs value={sourceTab} onValueChange={(value) => onSourceTabChange(value as SourceTab)}>
        <div className="flex flex-wrap items-end justify-between gap-3 px-5 pt-3">
          <TabsList aria-label="Source" className="border-b-0">
            <TabsTrigger value="body">
              Body
              <MarkerCount markers={markers.body} />
            </TabsTrigger>
            <TabsTrigger value="text">
              Text part
              <MarkerCount markers={markers.text} />
            </TabsTrigger>
          </TabsList>
          {canEdit && (
            <VariablesMenu
              format={sourceTab === 'text' ? 'text' : format}
              fieldKeys={(fields.data ?? []).map((field) => field.key)}
              onInsert={insert}
            />
          )}
        </div>
        <div className="border-t border-slate-200 px-5 py-4">
          <TabsContent value="body">
            <SourceEditor
              ref={bodyEditor}
              label={`Body source (${FORMAT_LABELS[format]})`}
              value={body}
              readOnly={!canEdit}
              onChange={(next) => onChange({ body: next })}
              markers={markers.body}
            />
          </TabsContent>
          <TabsContent value="text">
            <SourceEditor
              ref={textEditor}
              label="Text part source"
              value={text}
              readOnly={!canEdit}
              placeholder={
                'Optional. Leave empty and Herald writes the plain-text version from the HTML.\nWrite your own for full control; {{ variables }} work here too.'
              }
              onChange={(next) => onChange({ text: next })}
              markers={markers.text}
            />
          </TabsContent>
        </div>
      </Tabs>
    </Card>
  );
}

function MarkerCount({ markers }: { markers: readonly SourceMarker[] }) {
  if (markers.length === 0) return null;
  const errors = markers.filter((m) => m.severity === 'error').length;
  return (
    <span
      className={
        errors > 0
          ? 'rounded-full bg-red-100 px-1.5 text-xs font-semibold text-red-700'
          : 'rounded-full bg-amber-100 px-1.5 text-xs font-semibold text-amber-800'
      }
      aria-label={errors > 0 ? pluralize(errors, 'error') : pluralize(markers.length, 'warning')}
    >
      {errors > 0 ? errors : markers.length}
    </span>
  );
}

function VariablesMenu({
  format,
  fieldKeys,
  onInsert,
}: {
  format: SnippetFormat;
  fieldKeys: readonly string[];
  onInsert: (snippet: string) => void;
}) {
  return (
    <DropdownMenu>
      <DropdownMenuTrigger asChild>
        <Button variant="ghost" size="sm" className="mb-1.5">
          <Braces className="size-4" aria-hidden />
          Insert variable
          <ChevronDown className="size-3.5 text-slate-500" aria-hidden />
        </Button>
      </DropdownMenuTrigger>
      {/* Focus goes back to the source, where the variable was inserted. */}
      <DropdownMenuContent align="end" onCloseAutoFocus={(event) => event.preventDefault()}>
        {standardVariables(format).map((variable) => (
          <DropdownMenuItem key={variable.label} onSelect={() => onInsert(variable.snippet)}>
            <span className="flex-1">{variable.label}</span>
          </DropdownMenuItem>
        ))}
        {fieldKeys.length > 0 && (
          <>
            <DropdownMenuSeparator />
            <DropdownMenuLabel>Contact fields</DropdownMenuLabel>
            {fieldKeys.map((key) => (
              <DropdownMenuItem key={key} onSelect={() => onInsert(fieldVariable(key))}>
                <span className="font-mono text-xs">{key}</span>
              </DropdownMenuItem>
            ))}
          </>
        )}
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
