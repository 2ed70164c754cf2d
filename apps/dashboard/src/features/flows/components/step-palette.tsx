import clsx from 'clsx';
import type { StepType } from '../definition';
import { PALETTE_STEPS, STEP_INFO } from '../step-catalog';
import { STEP_DRAG_TYPE } from './flow-canvas';

/**
 * The steps to add. Drag one onto the canvas, or click it (or press Enter on it) to add it
 * below the selected step, connected from that step's first free way out.
 */
export function StepPalette({
  onAdd,
  selectedLabel,
  disabled = false,
}: {
  onAdd: (type: StepType) => void;
  /** The step a click adds below; null adds under the lowest step. */
  selectedLabel: string | null;
  disabled?: boolean;
}) {
  return (
    <nav
      aria-label="Steps to add"
      className="flex flex-wrap items-center gap-1.5 rounded-lg border border-slate-200 bg-white px-2 py-1.5 shadow-xs"
    >
      <span className="px-1 text-sm font-medium text-slate-700">Add a step</span>
      {PALETTE_STEPS.map((type) => {
        const info = STEP_INFO[type];
        const Icon = info.icon;
        return (
          <button
            key={type}
            type="button"
            draggable={!disabled}
            disabled={disabled}
            onDragStart={(event) => {
              event.dataTransfer.setData(STEP_DRAG_TYPE, type);
              event.dataTransfer.effectAllowed = 'copy';
            }}
            onClick={() => onAdd(type)}
            aria-label={`Add ${info.title}`}
            title={`${info.description} Drag onto the canvas, or click to add ${selectedLabel ? `below “${selectedLabel}”` : 'at the bottom'}.`}
            className={clsx(
              'inline-flex h-8 items-center gap-1.5 rounded-md border border-slate-200 bg-white pr-2.5 pl-1 text-sm font-medium text-slate-700 transition-colors',
              'hover:border-indigo-300 hover:bg-indigo-50/60 focus-visible:ring-3 focus-visible:ring-indigo-500/30 focus-visible:outline-hidden',
              'disabled:cursor-not-allowed disabled:opacity-60',
              !disabled && 'cursor-grab active:cursor-grabbing',
            )}
          >
            <span className={clsx('flex size-6 items-center justify-center rounded', info.tone)}>
              <Icon className="size-3.5" aria-hidden />
            </span>
            {info.title}
          </button>
        );
      })}
      <span className="ml-auto hidden px-1 text-xs text-slate-500 2xl:inline">
        {disabled
          ? 'Viewers can look, not change.'
          : selectedLabel
            ? `Drag onto the canvas, or click to add below “${selectedLabel}”`
            : 'Drag onto the canvas, or select a step and click to add below it'}
      </span>
    </nav>
  );
}
