import { FlaskConical, Plus, Search, Trash2, X } from 'lucide-react';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { CheckboxField } from '../../../components/ui/checkbox';
import { TextField } from '../../../components/ui/field';
import { Input } from '../../../components/ui/input';
import { SelectField } from '../../../components/ui/select';
import { ApiError, describeError } from '../../../lib/api-error';
import { useDebouncedValue } from '../../../lib/use-debounced-value';
import { useContactSuggestions, type Contact } from '../../contacts/api';
import { useSimulateFlow, type Flow, type Simulation } from '../api';
import { DURATION_UNITS, type Duration } from '../definition';
import { DurationField } from './config/fields';
import { PathSteps } from './path-steps';
import { PanelFrame } from './step-panel';

const UNIT_MS: Record<Duration['unit'], number> = {
  seconds: 1_000,
  minutes: 60_000,
  hours: 3_600_000,
  days: 86_400_000,
  weeks: 604_800_000,
};

interface EventDraft {
  name: string;
  properties: string;
  after: Duration;
}

type ContactChoice = Pick<Contact, 'id' | 'email' | 'firstName' | 'lastName'>;

function parseJson(text: string, what: string): Record<string, unknown> {
  if (!text.trim()) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`${what} isn’t valid JSON.`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`${what} must be a JSON object, like { "plan": "pro" }.`);
  return value as Record<string, unknown>;
}

/** A contact picker over the contacts search: type, then choose from what matches. */
function ContactSearch({ onPick }: { onPick: (contact: ContactChoice) => void }) {
  const id = useId();
  const [text, setText] = useState('');
  const search = useDebouncedValue(text.trim(), 250);
  const suggestions = useContactSuggestions(search, true);
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        Contact
      </label>
      <div className="relative mt-1.5">
        <Search
          className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-slate-400"
          aria-hidden
        />
        <Input
          id={id}
          type="search"
          className="pl-9"
          placeholder="Search by email or name"
          value={text}
          onChange={(event) => setText(event.target.value)}
        />
      </div>
      <ul
        aria-label="Matching contacts"
        className="mt-1.5 max-h-48 divide-y divide-slate-100 overflow-y-auto rounded-md border border-slate-200"
      >
        {suggestions.isPending ? (
          <li className="px-3 py-2 text-sm text-slate-500">Searching…</li>
        ) : (suggestions.data ?? []).length === 0 ? (
          <li className="px-3 py-2 text-sm text-slate-500">
            {search ? 'No contact matches.' : 'No contacts yet: add one on the Contacts page.'}
          </li>
        ) : (
          (suggestions.data ?? []).map((contact) => (
            <li key={contact.id}>
              <button
                type="button"
                onClick={() => onPick(contact)}
                className="block w-full px-3 py-1.5 text-left text-sm hover:bg-indigo-50 focus-visible:bg-indigo-50 focus-visible:outline-hidden"
              >
                <span className="block truncate font-medium text-slate-800">{contact.email}</span>
                {(contact.firstName || contact.lastName) && (
                  <span className="block truncate text-xs text-slate-500">
                    {[contact.firstName, contact.lastName].filter(Boolean).join(' ')}
                  </span>
                )}
              </button>
            </li>
          ))
        )}
      </ul>
    </div>
  );
}

interface SimulatePanelProps {
  flow: Flow;
  /** Saves pending edits first: the simulation reads the saved draft. */
  beforeRun: () => Promise<unknown>;
  result: Simulation | null;
  onResult: (result: Simulation | null) => void;
  onFocusStep: (stepId: string) => void;
  onClose: () => void;
}

/** Walks the flow for one contact in simulated time: nothing is sent, called or written. */
export function SimulatePanel({
  flow,
  beforeRun,
  result,
  onResult,
  onFocusStep,
  onClose,
}: SimulatePanelProps) {
  const simulate = useSimulateFlow(flow.id);
  const [contact, setContact] = useState<ContactChoice | null>(null);
  const [events, setEvents] = useState<EventDraft[]>([]);
  const [trigger, setTrigger] = useState('');
  const [opened, setOpened] = useState(false);
  const [clicked, setClicked] = useState(false);
  const [version, setVersion] = useState('draft');
  const [error, setError] = useState<string | null>(null);
  const resultRef = useRef<HTMLElement>(null);
  // The form is long: bring a new result into view rather than leave it below the fold.
  useEffect(() => {
    if (result) resultRef.current?.scrollIntoView({ block: 'start', behavior: 'smooth' });
  }, [result]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!contact) return;
    setError(null);
    try {
      const start = Date.now();
      const body = {
        contactId: contact.id,
        events: events
          .filter((e) => e.name.trim())
          .map((e, i) => ({
            name: e.name.trim(),
            properties: parseJson(e.properties, `Event ${i + 1}’s properties`),
            at: new Date(start + e.after.amount * UNIT_MS[e.after.unit]).toISOString(),
          })),
        ...(trigger.trim() ? { trigger: { properties: parseJson(trigger, 'Trigger data') } } : {}),
        assume: { opened, clicked },
        ...(version === 'draft' ? {} : { version: Number(version) }),
      };
      await beforeRun();
      onResult(await simulate.mutateAsync(body));
    } catch (caught) {
      onResult(null);
      setError(
        caught instanceof ApiError && caught.status === 422
          ? `${caught.detail || 'The draft has problems.'} Fix the problems marked on the canvas, or simulate the published version.`
          : describeError(caught),
      );
    }
  };

  return (
    <PanelFrame
      title="Simulate"
      subtitle="Nothing is sent, called or saved"
      icon={
        <span className="flex size-8 shrink-0 items-center justify-center rounded-lg bg-indigo-50 text-indigo-600">
          <FlaskConical className="size-4" aria-hidden />
        </span>
      }
      onClose={onClose}
    >
      <form className="space-y-4" onSubmit={(event) => void submit(event)} aria-label="Simulation">
        {contact ? (
          <div>
            <p className="text-sm font-medium text-slate-800">Contact</p>
            <div className="mt-1.5 flex items-center gap-2 rounded-md bg-slate-50 px-3 py-2 ring-1 ring-slate-200">
              <span className="min-w-0 flex-1 truncate text-sm text-slate-800">
                {contact.email}
              </span>
              <Button
                variant="ghost"
                size="sm"
                onClick={() => {
                  setContact(null);
                  onResult(null);
                }}
              >
                <X className="size-3.5" aria-hidden />
                Change
              </Button>
            </div>
          </div>
        ) : (
          <ContactSearch onPick={setContact} />
        )}
        {flow.publishedVersion !== null && (
          <SelectField
            label="Version"
            value={version}
            onValueChange={setVersion}
            options={[
              { value: 'draft', label: 'The draft, as on the canvas' },
              ...Array.from({ length: flow.publishedVersion }, (_, i) => {
                const v = flow.publishedVersion! - i;
                return { value: String(v), label: `Published version ${v}` };
              }),
            ]}
          />
        )}
        <div>
          <label htmlFor="simulate-trigger" className="text-sm font-medium text-slate-800">
            Trigger event properties (optional)
          </label>
          <textarea
            id="simulate-trigger"
            rows={2}
            value={trigger}
            spellCheck={false}
            placeholder='{ "plan": "pro" }'
            onChange={(event) => setTrigger(event.target.value)}
            className="mt-1.5 block w-full rounded-md border border-slate-300 px-3 py-2 font-mono text-xs shadow-xs focus:border-indigo-500 focus:ring-3 focus:ring-indigo-500/20 focus:outline-hidden"
          />
        </div>
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium text-slate-800">Assume the contact</legend>
          <CheckboxField
            label="Opens the emails"
            checked={opened}
            onChange={(event) => setOpened(event.target.checked)}
          />
          <CheckboxField
            label="Clicks in the emails"
            checked={clicked}
            onChange={(event) => setClicked(event.target.checked)}
          />
        </fieldset>
        <section aria-label="Events during the run" className="space-y-2">
          <p className="text-sm font-medium text-slate-800">Events during the run</p>
          {events.map((draft, index) => (
            <div
              key={index}
              role="group"
              aria-label={`Simulated event ${index + 1}`}
              className="space-y-2 rounded-lg bg-slate-50 p-3 ring-1 ring-slate-200"
            >
              <div className="flex items-end gap-2">
                <TextField
                  label="Event name"
                  containerClassName="flex-1"
                  value={draft.name}
                  placeholder="Order Completed"
                  onChange={(event) =>
                    setEvents(
                      events.map((e, i) => (i === index ? { ...e, name: event.target.value } : e)),
                    )
                  }
                />
                <Button
                  variant="ghost"
                  size="icon"
                  aria-label={`Remove simulated event ${index + 1}`}
                  onClick={() => setEvents(events.filter((_, i) => i !== index))}
                >
                  <Trash2 className="size-4" aria-hidden />
                </Button>
              </div>
              <DurationField
                label="Happens after"
                value={draft.after}
                onChange={(after) =>
                  setEvents(events.map((e, i) => (i === index ? { ...e, after } : e)))
                }
              />
              <TextField
                label="Properties (JSON)"
                value={draft.properties}
                placeholder='{ "total": 42 }'
                className="font-mono text-xs"
                onChange={(event) =>
                  setEvents(
                    events.map((e, i) =>
                      i === index ? { ...e, properties: event.target.value } : e,
                    ),
                  )
                }
              />
            </div>
          ))}
          <Button
            variant="secondary"
            size="sm"
            disabled={events.length >= 50}
            onClick={() =>
              setEvents([
                ...events,
                { name: '', properties: '', after: { amount: 1, unit: DURATION_UNITS[3] } },
              ])
            }
          >
            <Plus className="size-3.5" aria-hidden />
            Add event
          </Button>
        </section>
        {error && <Alert variant="error">{error}</Alert>}
        <Button type="submit" disabled={!contact} isLoading={simulate.isPending} className="w-full">
          <FlaskConical className="size-4" aria-hidden />
          Run simulation
        </Button>
      </form>
      {result && (
        <section
          ref={resultRef}
          aria-label="Simulated path"
          className="space-y-2 border-t border-slate-200 pt-4"
        >
          <h3 className="text-sm font-semibold text-slate-900">
            Path: {result.steps.length} step{result.steps.length === 1 ? '' : 's'}, ends{' '}
            {result.status}
            {result.exitReason ? ` (${result.exitReason})` : ''}
          </h3>
          <PathSteps
            startedAt={result.steps[0]?.at ?? result.endedAt}
            steps={result.steps.map((s) => ({
              stepId: s.stepId,
              type: s.type,
              label: s.label,
              at: s.at,
              outcome: s.outcome,
              status: null,
              reason: s.reason,
              email: s.email,
              webhook: s.webhook,
              changes: s.changes,
              conditions: s.conditions,
            }))}
            onFocusStep={onFocusStep}
          />
        </section>
      )}
    </PanelFrame>
  );
}
