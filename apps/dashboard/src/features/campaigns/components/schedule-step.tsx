import { CalendarClock, Zap } from 'lucide-react';
import { useId } from 'react';
import { Card, CardBody, CardHeader } from '../../../components/ui/card';
import { CheckboxField } from '../../../components/ui/checkbox';
import { TextField } from '../../../components/ui/field';
import { SegmentedControl } from '../../../components/ui/segmented-control';
import { WindowEditor } from '../../senders/components/window-editor';
import { timeZones } from '../../senders/sender-info';
import {
  UTM_KEYS,
  type FormErrors,
  type ScheduleDraft,
  type UtmKey,
  type WizardDraft,
} from '../wizard-form';

const ZONES = timeZones();

const UTM_PLACEHOLDERS: Record<UtmKey, string> = {
  source: 'e.g. newsletter',
  medium: 'e.g. email',
  campaign: 'e.g. spring-sale',
  term: 'Optional',
  content: 'Optional',
};

interface ScheduleStepProps {
  draft: WizardDraft;
  onChange: (patch: Partial<WizardDraft>) => void;
  schedule: ScheduleDraft;
  onScheduleChange: (patch: Partial<ScheduleDraft>) => void;
  errors: FormErrors;
}

/** When it goes out, during which hours it may, and what is tracked. */
export function ScheduleStep({
  draft,
  onChange,
  schedule,
  onScheduleChange,
  errors,
}: ScheduleStepProps) {
  const zonesId = useId();
  return (
    <div className="space-y-6">
      <Card aria-labelledby="when-heading">
        <CardHeader
          id="when-heading"
          title="When"
          description="You launch the campaign on the last step; nothing is sent before that."
        />
        <CardBody className="space-y-4">
          <SegmentedControl
            label="When to send"
            value={schedule.mode}
            onValueChange={(mode) => onScheduleChange({ mode })}
            options={[
              { value: 'now', label: 'Send right away', icon: Zap },
              { value: 'later', label: 'Schedule for later', icon: CalendarClock },
            ]}
          />
          {schedule.mode === 'later' && (
            <div className="grid gap-4 sm:grid-cols-[11rem_8rem_minmax(0,1fr)]">
              <TextField
                label="Date"
                type="date"
                value={schedule.date}
                onChange={(event) => onScheduleChange({ date: event.target.value })}
                error={errors.sendAt}
              />
              <TextField
                label="Time"
                type="time"
                value={schedule.time}
                onChange={(event) => onScheduleChange({ time: event.target.value })}
              />
              <TextField
                label="Time zone"
                list={zonesId}
                autoComplete="off"
                spellCheck={false}
                value={schedule.timezone}
                onChange={(event) => onScheduleChange({ timezone: event.target.value })}
                error={errors.timezone}
              />
              <datalist id={zonesId}>
                {ZONES.map((zone) => (
                  <option key={zone} value={zone} />
                ))}
              </datalist>
            </div>
          )}
        </CardBody>
      </Card>

      <Card aria-labelledby="window-heading">
        <CardHeader
          id="window-heading"
          title="Sending window"
          description="Outside these hours the campaign waits, and carries on when the window opens again."
        />
        <CardBody className="space-y-4">
          <CheckboxField
            label="Only send at certain times"
            description="For example weekdays during office hours. Your senders’ own windows apply as well."
            checked={draft.hasWindow}
            onChange={(event) => onChange({ hasWindow: event.target.checked })}
          />
          {draft.hasWindow && (
            <>
              <WindowEditor
                value={draft.window}
                onChange={(window) => onChange({ window })}
                errors={{
                  days: errors['window.days'],
                  start: errors['window.start'],
                  end: errors['window.end'],
                  timezone: errors['window.timezone'],
                }}
              />
              <CheckboxField
                label="Use each contact’s own time zone when it is known"
                description="09:00 then means 09:00 where each contact is; contacts without a time zone use the one above."
                checked={draft.useContactTimezone}
                onChange={(event) => onChange({ useContactTimezone: event.target.checked })}
              />
            </>
          )}
        </CardBody>
      </Card>

      <Card aria-labelledby="tracking-heading">
        <CardHeader
          id="tracking-heading"
          title="Tracking"
          description="What Herald counts for the campaign’s report."
        />
        <CardBody className="space-y-4">
          <CheckboxField
            label="Track opens"
            description="Adds an invisible image. Some mail apps load images for everyone (Apple Mail) or never, so opens are an estimate."
            checked={draft.trackOpens}
            onChange={(event) => onChange({ trackOpens: event.target.checked })}
          />
          <CheckboxField
            label="Track clicks"
            description="Links go through Herald on their way, so each click is counted with the link it was on."
            checked={draft.trackClicks}
            onChange={(event) => onChange({ trackClicks: event.target.checked })}
          />
          <div className="border-t border-slate-100 pt-4">
            <fieldset disabled={!draft.trackClicks}>
              <legend className="text-sm font-medium text-slate-800">UTM parameters</legend>
              <p className="mt-0.5 text-sm text-slate-600">
                {draft.trackClicks
                  ? 'Added to every link, so your analytics tool shows where visits came from. Links that already have their own keep them.'
                  : 'Turn click tracking on to add UTM parameters to links.'}
              </p>
              <div className="mt-3 grid gap-4 sm:grid-cols-3">
                {UTM_KEYS.map((key) => (
                  <TextField
                    key={key}
                    label={`utm_${key}`}
                    placeholder={UTM_PLACEHOLDERS[key]}
                    value={draft.utm[key]}
                    maxLength={200}
                    onChange={(event) =>
                      onChange({ utm: { ...draft.utm, [key]: event.target.value } })
                    }
                  />
                ))}
              </div>
              {errors.utm && <p className="mt-1.5 text-sm text-red-700">{errors.utm}</p>}
            </fieldset>
          </div>
        </CardBody>
      </Card>
    </div>
  );
}
