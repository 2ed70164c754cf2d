import { AppError } from '../../../http/errors.js';
import type { NodeOf, UpdateAction } from '../flow.definition.js';
import type { StepPerformer } from './step.js';

/** The contact changes a flow may make, each idempotent so a retried step changes nothing twice. */
export interface ContactChanges {
  /** Merged into the attributes (null removes a key); field types are checked. */
  setAttributes(orgId: string, contactId: string, values: Record<string, unknown>): Promise<void>;
  addTag(orgId: string, contactId: string, tag: string): Promise<void>;
  removeTag(orgId: string, contactId: string, tag: string): Promise<void>;
  /** True when the contact was not a member before. */
  addToList(orgId: string, contactId: string, listId: string): Promise<boolean>;
  removeFromList(orgId: string, contactId: string, listId: string): Promise<void>;
  unsubscribe(orgId: string, contactId: string, source: string): Promise<void>;
}

export function describeAction(action: UpdateAction): string {
  switch (action.type) {
    case 'set_attribute':
      return `set ${action.attribute} to ${JSON.stringify(action.value)}`;
    case 'unset_attribute':
      return `remove ${action.attribute}`;
    case 'add_tag':
      return `add tag ${action.tag}`;
    case 'remove_tag':
      return `remove tag ${action.tag}`;
    case 'add_to_list':
      return `add to list ${action.listId}`;
    case 'remove_from_list':
      return `remove from list ${action.listId}`;
    case 'unsubscribe':
      return 'unsubscribe';
  }
}

/**
 * Applies the actions in order. A change the data refuses (an attribute of the wrong type, a
 * list deleted since publishing) marks the step failed and the run goes on; anything else is
 * thrown and the step is tried again.
 */
export function createUpdateContactStep(deps: {
  changes: ContactChanges;
  onListAdded: (orgId: string, listId: string, contactId: string) => Promise<void>;
}): StepPerformer<NodeOf<'update_contact'>> {
  return async (ctx) => {
    const { run, contact } = ctx;
    const applied: string[] = [];
    try {
      for (const action of ctx.node.config.actions) {
        switch (action.type) {
          case 'set_attribute':
            await deps.changes.setAttributes(run.orgId, contact.id, {
              [action.attribute]: action.value,
            });
            break;
          case 'unset_attribute':
            await deps.changes.setAttributes(run.orgId, contact.id, { [action.attribute]: null });
            break;
          case 'add_tag':
            await deps.changes.addTag(run.orgId, contact.id, action.tag);
            break;
          case 'remove_tag':
            await deps.changes.removeTag(run.orgId, contact.id, action.tag);
            break;
          case 'add_to_list':
            if (await deps.changes.addToList(run.orgId, contact.id, action.listId))
              await deps.onListAdded(run.orgId, action.listId, contact.id);
            break;
          case 'remove_from_list':
            await deps.changes.removeFromList(run.orgId, contact.id, action.listId);
            break;
          case 'unsubscribe':
            await deps.changes.unsubscribe(run.orgId, contact.id, `flow:${run.flowId}`);
            break;
        }
        applied.push(describeAction(action));
      }
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const reason = error.details.errors?.[0]?.message ?? error.message;
      return {
        kind: 'next',
        handle: null,
        status: 'failed',
        outcome: 'error',
        detail: { applied, error: reason },
      };
    }
    return { kind: 'next', handle: null, detail: { applied } };
  };
}
