import clsx from 'clsx';
import { Filter, List, Loader2, Users } from 'lucide-react';
import { useId, type ReactNode } from 'react';
import { Link } from 'react-router';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { Card, CardBody, CardHeader } from '../../../components/ui/card';
import { Checkbox } from '../../../components/ui/checkbox';
import { EmptyState } from '../../../components/ui/empty-state';
import { ErrorState } from '../../../components/ui/error-state';
import { TextField } from '../../../components/ui/field';
import { describeError } from '../../../lib/api-error';
import { formatNumber, pluralize } from '../../../lib/format';
import { useAllLists } from '../../lists/api';
import { useAllSegments } from '../../segments/api';
import type { Preflight } from '../api';
import type { FormErrors, WizardDraft } from '../wizard-form';

const FOLLOW_UP_LABELS = {
  non_openers: 'who didn’t open',
  non_clickers: 'who didn’t click',
  failed: 'whose message failed',
} as const;

interface AudienceStepProps {
  draft: WizardDraft;
  onChange: (patch: Partial<WizardDraft>) => void;
  errors: FormErrors;
  preflight: Preflight | undefined;
  preflightError: unknown;
  /** A change is not saved and counted yet. */
  isCounting: boolean;
}

/** Who gets the campaign: lists and segments in, lists and segments out, and how many that is. */
export function AudienceStep({
  draft,
  onChange,
  errors,
  preflight,
  preflightError,
  isCounting,
}: AudienceStepProps) {
  const lists = useAllLists();
  const segments = useAllSegments();
  const toggle = (
    key: keyof Pick<WizardDraft, 'listIds' | 'segmentIds' | 'excludeListIds' | 'excludeSegmentIds'>,
    id: string,
  ) =>
    onChange({
      [key]: draft[key].includes(id) ? draft[key].filter((x) => x !== id) : [...draft[key], id],
    });

  const listItems = (lists.data ?? []).map((list) => ({
    id: list.id,
    name: list.name,
    detail: pluralize(list.memberCount, 'member'),
  }));
  const segmentItems = (segments.data ?? []).map((segment) => ({
    id: segment.id,
    name: segment.name,
    detail:
      segment.cachedCount === null
        ? 'Not counted yet'
        : `${pluralize(segment.cachedCount, 'contact')} when last counted`,
  }));
  const isLoading = lists.isPending || segments.isPending;
  const loadError = lists.error ?? segments.error;
  const hasNothing = !isLoading && listItems.length === 0 && segmentItems.length === 0;
  const chosen = draft.listIds.length + draft.segmentIds.length;

  return (
    <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,1fr)_19rem]">
      <div className="min-w-0 space-y-6">
        <Card aria-labelledby="campaign-heading">
          <CardHeader id="campaign-heading" title="Campaign" />
          <CardBody>
            <TextField
              label="Campaign name"
              placeholder="e.g. Spring sale"
              value={draft.name}
              maxLength={200}
              onChange={(event) => onChange({ name: event.target.value })}
              error={errors.name}
              hint="For you and your team. Recipients see the subject, which you write next."
            />
          </CardBody>
        </Card>

        {draft.followUp ? (
          <Card aria-labelledby="follow-up-heading">
            <CardHeader id="follow-up-heading" title="Send to" />
            <CardBody>
              <p className="text-sm text-slate-700">
                The recipients of{' '}
                <Link
                  to={`/campaigns/${draft.followUp.campaignId}`}
                  className="font-medium text-indigo-700 hover:underline"
                >
                  the first campaign
                </Link>{' '}
                {FOLLOW_UP_LABELS[draft.followUp.to]}. Contacts who have unsubscribed since are left
                out.
              </p>
            </CardBody>
          </Card>
        ) : isLoading ? (
          <Card>
            <CardBody className="flex items-center gap-2 text-sm text-slate-500">
              <Loader2 className="size-4 animate-spin" aria-hidden />
              Loading lists and segments…
            </CardBody>
          </Card>
        ) : loadError ? (
          <Card>
            <ErrorState
              error={loadError}
              onRetry={() => void Promise.all([lists.refetch(), segments.refetch()])}
            />
          </Card>
        ) : hasNothing ? (
          <Card>
            <EmptyState
              icon={Users}
              title="Nobody to send to yet"
              description="Campaigns go to lists or segments of your contacts. Create a list and add contacts to it, or a segment that picks them by their details."
              action={
                <div className="flex flex-wrap justify-center gap-2">
                  <Button asChild>
                    <Link to="/contacts/lists">
                      <List className="size-4" aria-hidden />
                      Create a list
                    </Link>
                  </Button>
                  <Button asChild variant="secondary">
                    <Link to="/segments/new">
                      <Filter className="size-4" aria-hidden />
                      Create a segment
                    </Link>
                  </Button>
                </div>
              }
            />
          </Card>
        ) : (
          <>
            <Card aria-labelledby="include-heading">
              <CardHeader
                id="include-heading"
                title="Send to"
                description="Everyone in any of these lists or segments. Someone in several gets it once."
              />
              <CardBody className="space-y-5">
                {errors.audience && (
                  <p role="alert" className="text-sm text-red-700">
                    {errors.audience}
                  </p>
                )}
                <div className="grid gap-5 md:grid-cols-2">
                  <Picker
                    legend="Lists"
                    items={listItems}
                    selected={draft.listIds}
                    onToggle={(id) => toggle('listIds', id)}
                    emptyText={<EmptyPicker to="/contacts/lists" what="lists" />}
                  />
                  <Picker
                    legend="Segments"
                    items={segmentItems}
                    selected={draft.segmentIds}
                    onToggle={(id) => toggle('segmentIds', id)}
                    emptyText={<EmptyPicker to="/segments/new" what="segments" />}
                  />
                </div>
              </CardBody>
            </Card>
            <Card aria-labelledby="exclude-heading">
              <CardHeader
                id="exclude-heading"
                title="Leave out"
                description="Nobody in these gets the campaign, even if they are in a list or segment above."
              />
              <CardBody className="grid gap-5 md:grid-cols-2">
                <Picker
                  legend="Lists to leave out"
                  items={listItems}
                  selected={draft.excludeListIds}
                  disabledIds={draft.listIds}
                  onToggle={(id) => toggle('excludeListIds', id)}
                  emptyText={<EmptyPicker to="/contacts/lists" what="lists" />}
                />
                <Picker
                  legend="Segments to leave out"
                  items={segmentItems}
                  selected={draft.excludeSegmentIds}
                  disabledIds={draft.segmentIds}
                  onToggle={(id) => toggle('excludeSegmentIds', id)}
                  emptyText={<EmptyPicker to="/segments/new" what="segments" />}
                />
              </CardBody>
            </Card>
          </>
        )}
      </div>
      <AudienceCountCard
        preflight={preflight}
        error={preflightError}
        isCounting={isCounting}
        hasAudience={chosen > 0 || Boolean(draft.followUp)}
      />
    </div>
  );
}

/** The draft is saved, so following the link to make one loses nothing. */
function EmptyPicker({ to, what }: { to: string; what: 'lists' | 'segments' }) {
  return (
    <>
      No {what} yet.{' '}
      <Link to={to} className="font-medium text-indigo-700 hover:underline">
        Create {what === 'lists' ? 'a list' : 'a segment'}
      </Link>
    </>
  );
}

interface PickerItem {
  id: string;
  name: string;
  detail: string;
}

function Picker({
  legend,
  items,
  selected,
  disabledIds = [],
  onToggle,
  emptyText,
}: {
  legend: string;
  items: PickerItem[];
  selected: string[];
  /** Chosen on the other side: sending to and leaving out the same group cancel out. */
  disabledIds?: string[];
  onToggle: (id: string) => void;
  emptyText: ReactNode;
}) {
  const id = useId();
  return (
    <fieldset className="min-w-0">
      <legend className="text-sm font-medium text-slate-800">{legend}</legend>
      {items.length === 0 ? (
        <p className="mt-1.5 text-sm text-slate-500">{emptyText}</p>
      ) : (
        <ul className="mt-1.5 max-h-72 divide-y divide-slate-100 overflow-y-auto rounded-md border border-slate-200">
          {items.map((item) => {
            const isDisabled = disabledIds.includes(item.id);
            const inputId = `${id}-${item.id}`;
            return (
              <li
                key={item.id}
                className={clsx(
                  'flex items-start gap-3 px-3 py-2',
                  selected.includes(item.id) && 'bg-indigo-50/60',
                )}
              >
                <Checkbox
                  id={inputId}
                  className="mt-0.5"
                  checked={selected.includes(item.id)}
                  disabled={isDisabled}
                  onChange={() => onToggle(item.id)}
                  aria-describedby={`${inputId}-detail`}
                />
                <div className="min-w-0 flex-1">
                  <label
                    htmlFor={inputId}
                    className={clsx(
                      'block cursor-pointer truncate text-sm font-medium',
                      isDisabled ? 'cursor-not-allowed text-slate-400' : 'text-slate-800',
                    )}
                  >
                    {item.name}
                  </label>
                  <span id={`${inputId}-detail`} className="block text-xs text-slate-500">
                    {isDisabled ? 'Chosen under “Send to”' : item.detail}
                  </span>
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </fieldset>
  );
}

/** The live answer to "how many people get this?", after exclusions and suppressions. */
function AudienceCountCard({
  preflight,
  error,
  isCounting,
  hasAudience,
}: {
  preflight: Preflight | undefined;
  error: unknown;
  isCounting: boolean;
  hasAudience: boolean;
}) {
  const count = hasAudience ? preflight?.audienceCount : 0;
  return (
    <Card aria-labelledby="recipients-heading" className="lg:sticky lg:top-20">
      <CardHeader id="recipients-heading" title="Recipients" description="Updates as you choose." />
      <CardBody>
        {error ? (
          <Alert variant="error" title="Couldn’t count">
            {describeError(error)}
          </Alert>
        ) : (
          <>
            <div
              role="status"
              aria-label="Recipients"
              aria-busy={isCounting}
              className={clsx('flex items-baseline gap-2', isCounting && 'opacity-60')}
            >
              <span className="text-4xl font-semibold tracking-tight text-slate-900 tabular-nums">
                {count === undefined ? '–' : formatNumber(count)}
              </span>
              <span className="text-sm text-slate-600">{count === 1 ? 'contact' : 'contacts'}</span>
              {isCounting && <Loader2 className="size-4 animate-spin text-slate-400" aria-hidden />}
            </div>
            <p className="mt-2 text-sm text-slate-500">
              {!hasAudience
                ? 'Choose a list or segment to see how many people get this campaign.'
                : count === 0 && !isCounting
                  ? 'Nobody would get it: the lists and segments chosen have no subscribed contacts left.'
                  : 'Unsubscribed, bounced and suppressed contacts are left out, and everyone is counted once.'}
            </p>
          </>
        )}
      </CardBody>
    </Card>
  );
}
