import { Handle, Position, type NodeProps } from '@xyflow/react';
import clsx from 'clsx';
import { AlertCircle } from 'lucide-react';
import { formatNumber } from '../../../lib/format';
import type { StepStats } from '../api';
import { useCanvasDecorations } from '../canvas-context';
import { handleLabel, handlesOf } from '../definition';
import { NODE_WIDTH, type StepNode as StepNodeModel } from '../canvas-model';
import { problemText } from '../problem-text';
import { STEP_INFO } from '../step-catalog';
import { summarizeStep } from '../step-summary';

const percent = (rate: number) => `${Math.round(rate * 1000) / 10} %`;

function StatsRow({ stats }: { stats: StepStats }) {
  return (
    <div
      className="space-y-1 border-t border-slate-100 bg-slate-50/80 px-3 py-2 text-[11px] text-slate-600 tabular-nums"
      aria-label="Step numbers"
    >
      <p className="flex flex-wrap gap-x-2.5">
        <span>
          <strong className="font-semibold text-slate-900">{formatNumber(stats.entered)}</strong>{' '}
          entered
        </span>
        <span>
          <strong className="font-semibold text-slate-900">{formatNumber(stats.completed)}</strong>{' '}
          done
        </span>
        {stats.waiting > 0 && (
          <span>
            <strong className="font-semibold text-sky-700">{formatNumber(stats.waiting)}</strong>{' '}
            waiting
          </span>
        )}
        {stats.errors > 0 && (
          <span className="text-red-700">
            <strong className="font-semibold">{formatNumber(stats.errors)}</strong> errors
          </span>
        )}
      </p>
      {stats.email && (
        <p className="flex flex-wrap gap-x-2.5">
          <span>
            <strong className="font-semibold text-slate-900">
              {formatNumber(stats.email.sent)}
            </strong>{' '}
            sent
          </span>
          <span>
            <strong className="font-semibold text-slate-900">
              {percent(stats.email.openRate)}
            </strong>{' '}
            opened
          </span>
          <span>
            <strong className="font-semibold text-slate-900">
              {percent(stats.email.clickRate)}
            </strong>{' '}
            clicked
          </span>
        </p>
      )}
    </div>
  );
}

/** One step on the canvas: what it is, what it does in a line, and its labelled ways out. */
export function StepNode({ id, data, selected }: NodeProps<StepNodeModel>) {
  const { step } = data;
  const { names, problems, stats, path } = useCanvasDecorations();
  const info = STEP_INFO[step.type];
  const Icon = info.icon;
  const own = problems.get(id) ?? [];
  const numbers = stats?.get(id);
  const onPath = path?.get(id);
  const handles = handlesOf(step);
  const isNamed = handles.length > 1 || (handles.length === 1 && handles[0] !== null);
  const summary = summarizeStep(step, names);
  const isDimmed = path !== null && !onPath;

  return (
    <div
      style={{ width: NODE_WIDTH }}
      className={clsx(
        'rounded-xl border bg-white text-left shadow-sm transition-[box-shadow,opacity]',
        own.length > 0
          ? 'border-red-400 ring-2 ring-red-200'
          : onPath
            ? 'border-indigo-500 ring-2 ring-indigo-200'
            : 'border-slate-200',
        selected && 'ring-2 ring-indigo-500! ring-offset-2',
        isDimmed && 'opacity-45',
      )}
      data-testid={`step-${id}`}
      aria-invalid={own.length > 0 || undefined}
    >
      {step.type !== 'trigger' && (
        <Handle
          type="target"
          position={Position.Top}
          className="size-3! border-2! border-white! bg-slate-400!"
          aria-label={`Into ${step.label || info.title}`}
        />
      )}
      <div className="flex items-start gap-2.5 px-3 pt-2.5 pb-2">
        <span
          className={clsx(
            'mt-0.5 flex size-7 shrink-0 items-center justify-center rounded-lg',
            info.tone,
          )}
        >
          <Icon className="size-4" aria-hidden />
        </span>
        <div className="min-w-0 flex-1">
          <p className="flex items-baseline justify-between gap-2">
            <span className="truncate text-sm font-semibold text-slate-900">
              {step.label || info.title}
            </span>
            <span className="shrink-0 font-mono text-[10px] text-slate-400">{id}</span>
          </p>
          <p className="truncate text-xs text-slate-600" title={summary}>
            {summary}
          </p>
        </div>
      </div>
      {onPath && (
        <p className="flex items-center gap-1.5 border-t border-indigo-100 bg-indigo-50 px-3 py-1 text-[11px] text-indigo-800">
          {onPath.order > 0 && (
            <span className="inline-flex size-4 items-center justify-center rounded-full bg-indigo-600 text-[10px] font-semibold text-white">
              {onPath.order}
            </span>
          )}
          <span className="truncate">
            {onPath.status}
            {onPath.outcome ? ` · ${onPath.outcome}` : ''}
          </span>
        </p>
      )}
      {own.length > 0 && (
        <div className="border-t border-red-100 bg-red-50 px-3 py-1.5 text-[11px] text-red-800">
          <p className="flex gap-1.5">
            <AlertCircle className="mt-px size-3.5 shrink-0 text-red-500" aria-hidden />
            <span className="line-clamp-2">{problemText(own[0]!)}</span>
          </p>
          {own.length > 1 && <p className="pl-5 text-red-700">and {own.length - 1} more</p>}
        </div>
      )}
      {numbers && <StatsRow stats={numbers} />}
      {isNamed && (
        <div
          className="grid border-t border-slate-100 pt-1 pb-2.5"
          style={{ gridTemplateColumns: `repeat(${handles.length}, minmax(0, 1fr))` }}
        >
          {handles.map((handle) => (
            <span key={handle ?? ''} className="flex justify-center px-1">
              <span className="truncate rounded bg-slate-100 px-1.5 text-[10px] font-medium text-slate-600">
                {handleLabel(step, handle)}
              </span>
            </span>
          ))}
        </div>
      )}
      {handles.map((handle, index) => (
        <Handle
          key={handle ?? ''}
          type="source"
          id={handle}
          position={Position.Bottom}
          style={{ left: `${((2 * index + 1) / (2 * handles.length)) * 100}%` }}
          className={clsx(
            'size-3! border-2! border-white!',
            handle === 'no' || handle === 'timeout' ? 'bg-slate-500!' : 'bg-indigo-500!',
          )}
          aria-label={`${handleLabel(step, handle)}: drag to the next step`}
          title={`${handleLabel(step, handle)}: drag to connect`}
        />
      ))}
    </div>
  );
}
