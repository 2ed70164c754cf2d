import clsx from 'clsx';
import { FileUp } from 'lucide-react';
import { useId, useState, type DragEvent } from 'react';

const MAX_BYTES = 1024 ** 3;

/** Drag a file onto it, or click or press Enter/Space to pick one. */
export function FileDrop({
  onFile,
  error,
}: {
  onFile: (file: File) => void;
  error?: string | undefined;
}) {
  const id = useId();
  const [isOver, setIsOver] = useState(false);
  const [problem, setProblem] = useState<string>();
  const shown = problem ?? error;

  const take = (file: File | undefined) => {
    if (!file) return;
    if (file.size === 0) return setProblem(`${file.name} is empty.`);
    if (file.size > MAX_BYTES)
      return setProblem(`${file.name} is larger than 1 GB. Split it into smaller files.`);
    setProblem(undefined);
    onFile(file);
  };

  const drop = (event: DragEvent) => {
    event.preventDefault();
    setIsOver(false);
    take(event.dataTransfer.files[0]);
  };

  return (
    <div>
      <label
        htmlFor={id}
        onDragOver={(event) => {
          event.preventDefault();
          setIsOver(true);
        }}
        onDragLeave={() => setIsOver(false)}
        onDrop={drop}
        className={clsx(
          'flex cursor-pointer flex-col items-center rounded-xl border-2 border-dashed px-6 py-12 text-center transition-colors',
          'focus-within:border-indigo-500 focus-within:ring-3 focus-within:ring-indigo-500/20',
          isOver
            ? 'border-indigo-500 bg-indigo-50'
            : 'border-slate-300 bg-slate-50/50 hover:bg-slate-50',
          shown && 'border-red-300',
        )}
      >
        <span className="flex size-12 items-center justify-center rounded-full bg-indigo-50">
          <FileUp className="size-6 text-indigo-600" aria-hidden />
        </span>
        <span className="mt-4 text-base font-semibold text-slate-900">
          Drop a CSV file here, or <span className="text-indigo-700 underline">choose one</span>
        </span>
        <span className="mt-1.5 max-w-md text-sm text-slate-600">
          One contact per row, with a header row and an email column. Exports from Mailchimp,
          HubSpot, Brevo or a spreadsheet work as they are. Up to 1 GB.
        </span>
        <input
          id={id}
          type="file"
          accept=".csv,.tsv,.txt,text/csv,text/plain"
          className="sr-only"
          aria-label="Choose a CSV file"
          aria-describedby={shown ? `${id}-error` : undefined}
          onChange={(event) => {
            take(event.target.files?.[0]);
            event.target.value = '';
          }}
        />
      </label>
      {shown && (
        <p id={`${id}-error`} role="alert" className="mt-2 text-sm text-red-700">
          {shown}
        </p>
      )}
    </div>
  );
}
