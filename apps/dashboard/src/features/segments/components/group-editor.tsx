import clsx from 'clsx';
import { FolderPlus, Plus, Trash2 } from 'lucide-react';
import { Fragment } from 'react';
import { Button } from '../../../components/ui/button';
import { newCondition, newGroup, type GroupDraft, type Match } from '../rules';
import { useBuilder } from './builder-context';
import { ConditionEditor } from './condition-editor';
import { NotToggle } from './not-toggle';

/** A group of rules joined by "all" (and) or "any" (or); groups nest. */
export function GroupEditor({ group, depth = 0 }: { group: GroupDraft; depth?: number }) {
  const { errors, labels, isReadOnly, update } = useBuilder();
  const label = labels.get(group.id) ?? 'Group';
  const isRoot = depth === 0;
  const error = errors.get(group.id);
  const setMatch = (match: Match) => update(group.id, (g) => ({ ...(g as GroupDraft), match }));
  const add = (child: ReturnType<typeof newCondition> | GroupDraft) =>
    update(group.id, (g) => ({
      ...(g as GroupDraft),
      children: [...(g as GroupDraft).children, child],
    }));

  return (
    <div
      role="group"
      aria-label={label}
      className={clsx(
        'rounded-xl p-3',
        isRoot ? 'bg-slate-50 ring-1 ring-slate-200' : 'bg-slate-100/70 ring-1 ring-slate-200',
        error && 'ring-2 ring-red-400',
      )}
    >
      <div className="mb-3 flex flex-wrap items-center gap-2 text-sm text-slate-700">
        <NotToggle
          isOn={group.negate}
          label={`Not: exclude contacts matching ${label.toLowerCase()}`}
          disabled={isReadOnly}
          onChange={(negate) => update(group.id, (g) => ({ ...g, negate }))}
        />
        <span>
          {isRoot
            ? group.negate
              ? 'Contacts that don’t match'
              : 'Contacts that match'
            : group.negate
              ? 'Don’t match'
              : 'Match'}
        </span>
        <div
          role="radiogroup"
          aria-label={`${label}: match all or any`}
          className="inline-flex rounded-md bg-white p-0.5 ring-1 ring-slate-300 ring-inset"
        >
          {(['all', 'any'] as const).map((match) => (
            <button
              key={match}
              type="button"
              role="radio"
              aria-checked={group.match === match}
              disabled={isReadOnly}
              onClick={() => setMatch(match)}
              className={clsx(
                'rounded px-2.5 py-1 text-xs font-semibold uppercase',
                group.match === match
                  ? 'bg-indigo-600 text-white'
                  : 'text-slate-600 hover:bg-slate-100',
              )}
            >
              {match}
            </button>
          ))}
        </div>
        <span>of these rules</span>
        {!isRoot && !isReadOnly && (
          <Button
            variant="ghost"
            size="sm"
            className="ml-auto text-slate-500"
            aria-label={`Remove ${label.toLowerCase()}`}
            onClick={() => update(group.id, () => null)}
          >
            <Trash2 className="size-4" aria-hidden />
            Remove group
          </Button>
        )}
      </div>
      {error && <p className="mb-3 text-sm text-red-700">{error}</p>}
      {group.children.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white px-4 py-5 text-center text-sm text-slate-500">
          {isRoot
            ? 'No rules yet, so this segment would include every contact. Add a rule to narrow it down.'
            : 'This group is empty. Add a rule to it, or remove it.'}
        </p>
      ) : (
        <div>
          {group.children.map((child, index) => (
            <Fragment key={child.id}>
              {index > 0 && (
                <div className="py-1 pl-3 text-xs font-semibold tracking-wide text-slate-500 uppercase">
                  {group.match === 'all' ? 'and' : 'or'}
                </div>
              )}
              {child.kind === 'group' ? (
                <GroupEditor group={child} depth={depth + 1} />
              ) : (
                <ConditionEditor draft={child} />
              )}
            </Fragment>
          ))}
        </div>
      )}
      {!isReadOnly && (
        <div className="mt-3 flex flex-wrap gap-2">
          <Button
            variant="secondary"
            size="sm"
            aria-label={isRoot ? 'Add rule' : `Add rule to ${label.toLowerCase()}`}
            onClick={() => add(newCondition())}
          >
            <Plus className="size-4" aria-hidden />
            Add rule
          </Button>
          {depth < 4 && (
            <Button
              variant="ghost"
              size="sm"
              aria-label={isRoot ? 'Add group' : `Add group to ${label.toLowerCase()}`}
              onClick={() => add(newGroup(group.match === 'all' ? 'any' : 'all', [newCondition()]))}
            >
              <FolderPlus className="size-4" aria-hidden />
              Add group
            </Button>
          )}
        </div>
      )}
    </div>
  );
}
