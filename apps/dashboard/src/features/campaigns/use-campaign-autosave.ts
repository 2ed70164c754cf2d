import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { createCampaign, storeCampaign, updateCampaign, type Campaign } from './api';
import { campaignKey, preflightKey } from './query-keys';
import { bodyOf, draftOf, isBlank, type WizardDraft } from './wizard-form';

export type SaveState =
  | { status: 'idle' }
  | { status: 'saving' }
  | { status: 'saved'; at: number }
  | { status: 'failed'; error: unknown };

/** Typing settles for this long before the draft is saved. */
const SAVE_DEBOUNCE_MS = 500;

/**
 * Saves the wizard's draft as it changes: the first change creates the campaign (POST), every
 * later one updates it (PATCH). Saves run one at a time, each with the latest draft, so the
 * server never ends up with an older version than the screen; `flush` waits for all of them
 * (launching must not start an older draft).
 */
export function useCampaignAutosave(
  initial: Campaign | undefined,
  draft: WizardDraft,
  onCreated: (campaign: Campaign) => void,
) {
  const queryClient = useQueryClient();
  const id = useRef(initial?.id ?? null);
  const saved = useRef(JSON.stringify(bodyOf(draftOf(initial))));
  const latest = useRef(draft);
  const inFlight = useRef<Promise<Campaign> | null>(null);
  const created = useRef(onCreated);
  const [state, setState] = useState<SaveState>({ status: 'idle' });
  const json = JSON.stringify(bodyOf(draft));
  useEffect(() => {
    latest.current = draft;
    created.current = onCreated;
  });

  const flush = useCallback(async (): Promise<Campaign | null> => {
    while (inFlight.current) await inFlight.current.catch(() => undefined);
    const body = bodyOf(latest.current);
    const text = JSON.stringify(body);
    const current = id.current;
    if (current ? text === saved.current : isBlank(latest.current)) {
      return current ? (queryClient.getQueryData<Campaign>(campaignKey(current)) ?? null) : null;
    }
    const run = (async () => {
      const campaign = current
        ? await updateCampaign(current, body)
        : await createCampaign({ ...body, name: body.name ?? 'Untitled campaign' });
      saved.current = text;
      id.current = campaign.id;
      void storeCampaign(queryClient, campaign);
      void queryClient.invalidateQueries({ queryKey: preflightKey(campaign.id) });
      if (!current) created.current(campaign);
      return campaign;
    })();
    inFlight.current = run;
    setState({ status: 'saving' });
    try {
      const campaign = await run;
      setState({ status: 'saved', at: Date.now() });
      return campaign;
    } catch (error) {
      setState({ status: 'failed', error });
      throw error;
    } finally {
      inFlight.current = null;
    }
  }, [queryClient]);

  useEffect(() => {
    if (json === saved.current) return;
    const timer = setTimeout(() => void flush().catch(() => undefined), SAVE_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [json, flush]);

  // Leaving the wizard mid-pause still saves what was typed.
  useEffect(() => () => void flush().catch(() => undefined), [flush]);

  return { state, flush, isDirty: json !== saved.current, id: id.current };
}
