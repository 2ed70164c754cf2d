import clsx from 'clsx';
import {
  useImperativeHandle,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type Ref,
  type SyntheticEvent,
} from 'react';

export interface SourceMarker {
  line: number;
  column: number;
  severity: 'error' | 'warning';
  message: string;
}

export interface SourceEditorHandle {
  /** Puts the caret at a 1-based line and column and scrolls it into view. */
  goTo: (line: number, column: number) => void;
  /** Replaces the selection (or inserts at the caret) with `text`, as if typed. */
  insert: (text: string) => void;
}

interface SourceEditorProps {
  value: string;
  onChange: (value: string) => void;
  /** Accessible name of the text area. */
  label: string;
  markers?: readonly SourceMarker[];
  placeholder?: string;
  readOnly?: boolean;
  className?: string;
  ref?: Ref<SourceEditorHandle>;
  'aria-describedby'?: string | undefined;
}

/** Matches leading-5 (1.25rem at 16px): the gutter and the highlights line up with the text. */
const LINE_HEIGHT = 20;
const PADDING = 8;
const INDENT = '  ';

function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lastBreak = before.lastIndexOf('\n');
  return { line: before.split('\n').length, column: offset - lastBreak };
}

function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let current = 1; current < line; current++) {
    const next = text.indexOf('\n', offset);
    if (next === -1) return text.length;
    offset = next + 1;
  }
  const lineEnd = text.indexOf('\n', offset);
  const end = lineEnd === -1 ? text.length : lineEnd;
  return Math.min(offset + Math.max(column - 1, 0), end);
}

/**
 * A monospace source editor: line numbers, problem lines highlighted, Tab indents, and the
 * caret's line and column shown underneath. Tab is kept for indenting, so Escape hands it back:
 * after Escape, Tab moves on to the next control (Shift+Tab always does).
 */
export function SourceEditor({
  value,
  onChange,
  label,
  markers = [],
  placeholder,
  readOnly = false,
  className,
  ref,
  'aria-describedby': describedBy,
}: SourceEditorProps) {
  const area = useRef<HTMLTextAreaElement>(null);
  const [scroll, setScroll] = useState({ top: 0 });
  const [caret, setCaret] = useState({ line: 1, column: 1 });
  const isTabReleased = useRef(false);
  const lineCount = useMemo(() => value.split('\n').length, [value]);

  const marked = useMemo(() => {
    const byLine = new Map<number, SourceMarker[]>();
    for (const marker of markers) {
      byLine.set(marker.line, [...(byLine.get(marker.line) ?? []), marker]);
    }
    return byLine;
  }, [markers]);

  useImperativeHandle(ref, () => ({
    goTo(line, column) {
      const element = area.current;
      if (!element) return;
      const offset = offsetOf(element.value, line, column);
      element.focus();
      element.setSelectionRange(offset, offset);
      element.scrollTop = Math.max(0, (line - 1) * LINE_HEIGHT - element.clientHeight / 3);
      setCaret(position(element.value, offset));
    },
    insert(text) {
      const element = area.current;
      if (!element) return;
      element.focus();
      insertText(element, text);
      setCaret(position(element.value, element.selectionStart));
    },
  }));

  function insertText(element: HTMLTextAreaElement, text: string) {
    // insertText keeps the browser's undo history; the fallback loses it but still inserts.
    if (document.execCommand('insertText', false, text)) return;
    const { selectionStart, selectionEnd } = element;
    onChange(element.value.slice(0, selectionStart) + text + element.value.slice(selectionEnd));
    requestAnimationFrame(() =>
      element.setSelectionRange(selectionStart + text.length, selectionStart + text.length),
    );
  }

  const trackCaret = (event: SyntheticEvent<HTMLTextAreaElement>) => {
    const element = event.currentTarget;
    setCaret(position(element.value, element.selectionStart));
  };

  const keyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Escape') {
      isTabReleased.current = true;
      return;
    }
    if (event.key !== 'Tab' || event.shiftKey || event.altKey || event.ctrlKey || event.metaKey) {
      isTabReleased.current = false;
      return;
    }
    if (isTabReleased.current || readOnly) return;
    event.preventDefault();
    insertText(event.currentTarget, INDENT);
  };

  const lineMarkers = marked.get(caret.line);

  return (
    <div className={className}>
      <div className="relative flex h-[28rem] overflow-hidden rounded-md border border-slate-300 bg-white font-mono text-[13px] leading-5 shadow-xs focus-within:border-indigo-500 focus-within:ring-3 focus-within:ring-indigo-500/20">
        <div
          aria-hidden
          className="w-11 shrink-0 overflow-hidden border-r border-slate-200 bg-slate-50 text-right text-slate-400 select-none"
        >
          <div style={{ transform: `translateY(${PADDING - scroll.top}px)` }}>
            {Array.from({ length: lineCount }, (_, index) => {
              const lineMarks = marked.get(index + 1);
              const severity = lineMarks?.some((m) => m.severity === 'error')
                ? 'error'
                : lineMarks
                  ? 'warning'
                  : null;
              return (
                <div
                  key={index}
                  title={lineMarks?.map((m) => m.message).join('\n')}
                  className={clsx(
                    'pr-2 tabular-nums',
                    severity === 'error' && 'bg-red-100 font-semibold text-red-700',
                    severity === 'warning' && 'bg-amber-100 font-semibold text-amber-800',
                  )}
                >
                  {index + 1}
                </div>
              );
            })}
          </div>
        </div>
        <div className="relative min-w-0 flex-1">
          <div aria-hidden className="pointer-events-none absolute inset-0 overflow-hidden">
            {[...marked.entries()].map(([line, lineMarks]) => (
              <div
                key={line}
                className={clsx(
                  'absolute inset-x-0 h-5',
                  lineMarks.some((m) => m.severity === 'error') ? 'bg-red-50' : 'bg-amber-50',
                )}
                style={{ top: PADDING + (line - 1) * LINE_HEIGHT - scroll.top }}
              />
            ))}
          </div>
          <textarea
            ref={area}
            aria-label={label}
            aria-describedby={describedBy}
            aria-invalid={
              [...marked.values()].flat().some((m) => m.severity === 'error') || undefined
            }
            value={value}
            placeholder={placeholder}
            readOnly={readOnly}
            wrap="off"
            spellCheck={false}
            autoCapitalize="off"
            autoComplete="off"
            autoCorrect="off"
            onChange={(event) => {
              onChange(event.target.value);
              trackCaret(event);
            }}
            onKeyDown={keyDown}
            onKeyUp={trackCaret}
            onClick={trackCaret}
            onSelect={trackCaret}
            onScroll={(event) => setScroll({ top: event.currentTarget.scrollTop })}
            className="absolute inset-0 h-full w-full resize-none overflow-auto bg-transparent p-2 whitespace-pre text-slate-900 outline-hidden placeholder:text-slate-400 read-only:bg-slate-50/50"
          />
        </div>
      </div>
      <div className="mt-1.5 flex flex-wrap items-center justify-between gap-x-4 gap-y-1 text-xs text-slate-500">
        <span className="min-w-0 truncate">
          {lineMarkers ? (
            <span
              className={
                lineMarkers.some((m) => m.severity === 'error') ? 'text-red-700' : 'text-amber-800'
              }
            >
              {lineMarkers[0]!.message}
            </span>
          ) : (
            'Tab indents · Esc, then Tab, moves on'
          )}
        </span>
        <span className="shrink-0 tabular-nums" aria-label="Caret position">
          Ln {caret.line}, Col {caret.column}
        </span>
      </div>
    </div>
  );
}
