import clsx from 'clsx';
import { ArrowLeft, ArrowRight, FileSpreadsheet, Loader2 } from 'lucide-react';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { Card, CardBody, CardHeader } from '../../../components/ui/card';
import { Select, SelectField } from '../../../components/ui/select';
import { Spinner } from '../../../components/ui/spinner';
import { Table, TBody, TD, TH, THead } from '../../../components/ui/table';
import { ApiError, describeError } from '../../../lib/api-error';
import { formatBytes } from '../../../lib/format';
import { useFields } from '../../fields/api';
import type { ImportPreview } from '../api';
import {
  delimiterLabel,
  encodingLabel,
  mappingValue,
  readHeaderRow,
  selectValue,
  targetOptions,
  targetValue,
  toAttributeKey,
} from '../mapping';

interface MappingStepProps {
  file: File;
  preview: ImportPreview | undefined;
  /** The user's choices, shown even while (or if) the preview for them is not back. */
  mapping: Record<string, string>;
  isFetching: boolean;
  error: unknown;
  onMappingChange: (header: string, value: string) => void;
  onBack: () => void;
  onNext: () => void;
}

const SAMPLES = 3;

export function MappingStep({
  file,
  preview,
  mapping,
  isFetching,
  error,
  onMappingChange,
  onBack,
  onNext,
}: MappingStepProps) {
  const fields = useFields();
  const hasEmail = preview?.columns.some(
    (c) => c.target.kind === 'field' && c.target.field === 'email',
  );
  const samples = useMemo(
    () =>
      preview?.columns.map((column) =>
        (preview.rows ?? [])
          .map((row) => row[column.index]?.trim() ?? '')
          .filter(Boolean)
          .slice(0, SAMPLES),
      ) ?? [],
    [preview],
  );

  // Columns set to "don't import" stay visible in the rows below, greyed out.
  const ignored = new Set(
    (preview?.columns ?? [])
      .filter((column) =>
        column.header in mapping
          ? mapping[column.header] === 'ignore'
          : column.target.kind === 'ignore',
      )
      .map((column) => column.index),
  );

  if (!preview) {
    return (
      <Card>
        {error ? (
          <CardBody className="space-y-4">
            <Alert variant="error" title="Herald couldn’t read this file">
              {describeError(error)}
            </Alert>
            {isNoEmailColumn(error) && (
              <EmailColumnPicker
                file={file}
                onPick={(header) => onMappingChange(header, 'email')}
              />
            )}
            <Button variant="secondary" onClick={onBack}>
              <ArrowLeft className="size-4" aria-hidden />
              Choose another file
            </Button>
          </CardBody>
        ) : (
          <Spinner label={`Reading ${file.name}…`} />
        )}
      </Card>
    );
  }

  return (
    <div className="space-y-6">
      {!hasEmail && (
        <Card>
          <CardBody className="space-y-4">
            <Alert variant="warning" title="No column holds email addresses">
              Herald didn’t recognise an email column in this file. Say which column it is, or map
              one to Email below.
            </Alert>
            <EmailColumnPicker file={file} onPick={(header) => onMappingChange(header, 'email')} />
          </CardBody>
        </Card>
      )}
      <Card aria-labelledby="file-heading">
        <CardHeader
          id="file-heading"
          title={
            <span className="flex items-center gap-2">
              <FileSpreadsheet className="size-4 text-slate-500" aria-hidden />
              {file.name}
            </span>
          }
          description={`${formatBytes(file.size)} · Herald read the start of the file to detect its format.`}
          actions={
            <Button variant="ghost" size="sm" onClick={onBack}>
              Choose another file
            </Button>
          }
        />
        <CardBody>
          <dl className="grid gap-4 text-sm sm:grid-cols-3">
            <div>
              <dt className="text-slate-500">Encoding</dt>
              <dd className="font-medium text-slate-900">{encodingLabel(preview.encoding)}</dd>
            </div>
            <div>
              <dt className="text-slate-500">Delimiter</dt>
              <dd className="font-medium text-slate-900">{delimiterLabel(preview.delimiter)}</dd>
            </div>
            <div>
              <dt className="text-slate-500">Columns</dt>
              <dd className="font-medium text-slate-900">{preview.header.length}</dd>
            </div>
          </dl>
        </CardBody>
      </Card>

      <Card aria-labelledby="mapping-heading">
        <CardHeader
          id="mapping-heading"
          title="Map columns"
          description="Herald matched your columns to contact fields. Check each one; changes show below right away."
          actions={
            isFetching && (
              <span role="status" className="flex items-center gap-1.5 text-sm text-slate-500">
                <Loader2 className="size-4 animate-spin" aria-hidden />
                Updating preview…
              </span>
            )
          }
        />
        {(error || preview.warnings.length > 0) && (
          <div className="space-y-3 border-b border-slate-200 px-5 py-4">
            {error ? <Alert variant="error">{describeError(error)}</Alert> : null}
            {preview.warnings.length > 0 && (
              <Alert variant="warning" title="Check these columns">
                <ul className="list-disc space-y-0.5 pl-4">
                  {preview.warnings.map((warning) => (
                    <li key={warning}>{warning}</li>
                  ))}
                </ul>
              </Alert>
            )}
          </div>
        )}
        <Table>
          <THead>
            <tr>
              <TH>Column in your file</TH>
              <TH>Examples</TH>
              <TH className="w-72">Import as</TH>
            </tr>
          </THead>
          <TBody>
            {preview.columns.map((column, index) => (
              <tr key={`${column.index}-${column.header}`}>
                <TD className="font-medium text-slate-900">
                  {column.header || (
                    <span className="text-slate-400">Column {column.index + 1}</span>
                  )}
                </TD>
                <TD className="max-w-80">
                  {samples[index]?.length ? (
                    <span className="block truncate text-slate-600">
                      {samples[index].join(' · ')}
                    </span>
                  ) : (
                    <span className="text-slate-400">Empty in the first rows</span>
                  )}
                </TD>
                <TD>
                  <Select
                    size="sm"
                    aria-label={`Import column “${column.header || column.index + 1}” as`}
                    value={
                      column.header in mapping
                        ? selectValue(mapping[column.header]!)
                        : targetValue(column)
                    }
                    onValueChange={(value) => onMappingChange(column.header, mappingValue(value))}
                    options={targetOptions(
                      column,
                      fields.data ?? [],
                      toAttributeKey(column.header) || `column_${column.index + 1}`,
                    )}
                  />
                </TD>
              </tr>
            ))}
          </TBody>
        </Table>
      </Card>

      <Card aria-labelledby="rows-heading">
        <CardHeader
          id="rows-heading"
          title="First rows of your file"
          description={`As Herald reads them: ${preview.rows.length === 1 ? 'the first row' : `the first ${preview.rows.length} rows`} after the header (line 1).`}
        />
        {preview.rows.length === 0 ? (
          <p className="px-5 py-4 text-sm text-slate-500">
            The file has a header row and nothing else.
          </p>
        ) : (
          <Table>
            <THead>
              <tr>
                <TH className="w-12 text-right">Line</TH>
                {preview.header.map((header, index) => (
                  <TH
                    key={index}
                    className={clsx(
                      'normal-case',
                      ignored.has(index) && 'text-slate-300 line-through',
                    )}
                    title={ignored.has(index) ? 'Not imported' : undefined}
                  >
                    {header}
                  </TH>
                ))}
              </tr>
            </THead>
            <TBody>
              {preview.rows.map((row, rowIndex) => (
                <tr key={rowIndex}>
                  {/* Line numbers as in the rejected-rows report: the header is line 1. */}
                  <TD className="w-12 text-right text-slate-400 tabular-nums">{rowIndex + 2}</TD>
                  {preview.header.map((_, cellIndex) => (
                    <TD
                      key={cellIndex}
                      className={clsx(
                        'max-w-56 truncate whitespace-nowrap',
                        ignored.has(cellIndex) && 'text-slate-300',
                      )}
                    >
                      {row[cellIndex] ?? (
                        <span className="text-red-600" title="Missing cell">
                          —
                        </span>
                      )}
                    </TD>
                  ))}
                </tr>
              ))}
            </TBody>
          </Table>
        )}
      </Card>

      <div className="flex flex-wrap items-center justify-between gap-3">
        <Button variant="secondary" onClick={onBack}>
          <ArrowLeft className="size-4" aria-hidden />
          Back
        </Button>
        <div className="flex items-center gap-3">
          {!hasEmail && (
            <p className="text-sm text-red-700">Map one column to Email to continue.</p>
          )}
          <Button onClick={onNext} disabled={!hasEmail || Boolean(error) || isFetching}>
            Continue
            <ArrowRight className="size-4" aria-hidden />
          </Button>
        </div>
      </div>
    </div>
  );
}

/** Older servers refuse a preview in which no column maps to email (422, `mapping`). */
const isNoEmailColumn = (error: unknown) =>
  error instanceof ApiError &&
  error.status === 422 &&
  error.fieldErrors.some((e) => e.path === 'mapping');

/** When no column looked like email, lets someone say which one it is. */
function EmailColumnPicker({ file, onPick }: { file: File; onPick: (header: string) => void }) {
  const header = useQuery({
    queryKey: ['import-header', file.name, file.size, file.lastModified],
    queryFn: () => readHeaderRow(file),
    staleTime: Infinity,
  });
  const [choice, setChoice] = useState('');
  if (!header.data || header.data.length === 0) return null;
  return (
    <div className="flex flex-wrap items-end gap-3">
      <SelectField
        label="Which column holds the email addresses?"
        placeholder="Choose a column"
        containerClassName="w-72"
        value={choice}
        onValueChange={setChoice}
        options={header.data.map((name) => ({ value: name, label: name }))}
      />
      <Button disabled={!choice} onClick={() => onPick(choice)}>
        Use this column
      </Button>
    </div>
  );
}
