import { Input } from '../../../components/ui/input';
import { Select, type SelectOption } from '../../../components/ui/select';
import { STATUS_INFO } from '../../campaigns/lifecycle';
import { useAllCampaigns } from '../api';
import {
  ENGAGEMENTS,
  ENGAGEMENT_OPS,
  ENGAGEMENT_OP_LABELS,
  findEngagementProblem,
  type Engagement,
} from '../engagement-rules';
import type { EventPeriod } from '../event-rules';
import type { ConditionDraft } from '../rules';
import { useBuilder } from './builder-context';

interface EngagementFieldsProps {
  draft: ConditionDraft;
  /** "Rule 2": the start of every control's accessible name. */
  name: string;
  isInvalid: boolean;
  describedBy: string | undefined;
  onChange: (next: ConditionDraft) => void;
}

/** The campaign select's value for "any campaign": option values can't be empty. */
const ANY_CAMPAIGN = 'any';
const PHRASE = 'flex items-center gap-2';

/** "has opened": whether, and which kind of engagement. Sits next to the subject. */
export function EngagementVerb({ draft, name, onChange }: EngagementFieldsProps) {
  const { isReadOnly } = useBuilder();
  return (
    <span className={PHRASE}>
      <Select
        size="sm"
        className="w-28"
        aria-label={`${name} operator`}
        disabled={isReadOnly}
        value={draft.op}
        onValueChange={(op) => onChange({ ...draft, op })}
        options={ENGAGEMENT_OPS.map((op) => ({ value: op, label: ENGAGEMENT_OP_LABELS[op] }))}
      />
      <Select<Engagement>
        size="sm"
        className="w-28"
        aria-label={`${name} engagement`}
        disabled={isReadOnly}
        value={draft.engagement}
        onValueChange={(engagement) => onChange({ ...draft, engagement })}
        options={ENGAGEMENTS.map((engagement) => ({ value: engagement, label: engagement }))}
      />
    </span>
  );
}

/** "any campaign in the last 30 days": which campaign, and since when. The line under the verb. */
export function EngagementDetails({
  draft,
  name,
  isInvalid,
  describedBy,
  onChange,
}: EngagementFieldsProps) {
  const { isReadOnly } = useBuilder();
  const campaigns = useAllCampaigns();
  const items = campaigns.data ?? [];
  const options: SelectOption<string>[] = [
    { value: ANY_CAMPAIGN, label: 'any campaign' },
    ...items.map((campaign) => ({
      value: campaign.id,
      label: campaign.name,
      description: STATUS_INFO[campaign.status].label,
    })),
  ];
  // A campaign deleted since, or not loaded yet: keep it chosen rather than show nothing.
  if (draft.campaignId && !items.some((campaign) => campaign.id === draft.campaignId)) {
    options.push({
      value: draft.campaignId,
      label: campaigns.isPending ? 'Loading campaign…' : 'A deleted campaign',
      description: campaigns.isPending ? undefined : `Id ${draft.campaignId}`,
    });
  }
  const isDaysInvalid =
    isInvalid && findEngagementProblem(draft)?.input === 'withinDays' ? true : undefined;

  return (
    <div className="flex flex-wrap items-center gap-2 text-sm text-slate-600">
      <Select
        size="sm"
        className="w-60"
        aria-label={`${name} campaign`}
        disabled={isReadOnly}
        value={draft.campaignId || ANY_CAMPAIGN}
        onValueChange={(value) =>
          onChange({ ...draft, campaignId: value === ANY_CAMPAIGN ? '' : value })
        }
        options={options}
      />
      {/* Each phrase wraps as a whole: "in the last 30 days". */}
      <span className={PHRASE}>
        <Select<EventPeriod>
          size="sm"
          className="w-32"
          aria-label={`${name} period`}
          disabled={isReadOnly}
          value={draft.period}
          onValueChange={(period) => onChange({ ...draft, period })}
          options={[
            { value: 'ever', label: 'ever' },
            { value: 'within', label: 'in the last' },
          ]}
        />
        {draft.period === 'within' && (
          <>
            <div className="w-16">
              <Input
                disabled={isReadOnly}
                aria-describedby={describedBy}
                aria-invalid={isDaysInvalid}
                size="sm"
                type="number"
                inputMode="numeric"
                min={1}
                step={1}
                aria-label={`${name} days`}
                placeholder="30"
                value={draft.withinDays}
                onChange={(event) => onChange({ ...draft, withinDays: event.target.value })}
              />
            </div>
            days
          </>
        )}
      </span>
    </div>
  );
}
