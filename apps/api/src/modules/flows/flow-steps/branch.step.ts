import { createHash } from 'node:crypto';
import { AppError } from '../../../http/errors.js';
import type { NodeOf } from '../flow.definition.js';
import { matchesCondition } from '../flow-match.js';
import type { StepPerformer } from './step.js';

export interface BranchDeps {
  /** Whether the contact matches segment rules now; throws AppError for rules that no longer compile. */
  matchesRules(orgId: string, contactId: string, rules: unknown): Promise<boolean>;
  /** Null when the segment no longer exists. */
  isInSegment(orgId: string, contactId: string, segmentId: string): Promise<boolean | null>;
  /** The run's newest email (from one step, or any). */
  lastEmail(
    runId: string,
    stepId?: string,
  ): Promise<{ openedAt: Date | null; clickedAt: Date | null } | null>;
}

export interface ConditionResult {
  index: number;
  type: string;
  result: boolean;
  reason: string;
}

/**
 * Tests a branch's conditions for one contact. Each condition's result comes with a reason the
 * run's path and the simulator show. `assume` stands in for engagement a simulation cannot see.
 */
export async function evaluateBranch(
  config: NodeOf<'branch'>['config'],
  input: {
    orgId: string;
    contactId: string;
    runId: string | null;
    trigger: Record<string, unknown>;
    assume?: { opened?: boolean | undefined; clicked?: boolean | undefined } | undefined;
  },
  deps: BranchDeps,
): Promise<{ result: boolean; conditions: ConditionResult[] }> {
  const conditions: ConditionResult[] = [];
  for (const [index, c] of config.conditions.entries()) {
    const push = (result: boolean, reason: string) =>
      conditions.push({ index, type: c.type, result, reason });
    switch (c.type) {
      case 'rules': {
        try {
          const result = await deps.matchesRules(input.orgId, input.contactId, c.rules);
          push(
            result,
            result ? 'the contact matches the rules' : 'the contact does not match the rules',
          );
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          push(false, `the rules cannot be tested: ${error.message}`);
        }
        break;
      }
      case 'segment': {
        const isIn = await deps.isInSegment(input.orgId, input.contactId, c.segmentId);
        if (isIn === null) push(false, 'the segment no longer exists');
        else {
          const result = c.op === 'in' ? isIn : !isIn;
          push(
            result,
            isIn ? 'the contact is in the segment' : 'the contact is not in the segment',
          );
        }
        break;
      }
      case 'email': {
        const which = c.stepId ? `the email of ${c.stepId}` : 'the last email';
        let happened: boolean | null;
        if (input.runId === null) happened = input.assume?.[c.action] ?? false;
        else {
          const email = await deps.lastEmail(input.runId, c.stepId);
          happened = email
            ? Boolean(c.action === 'opened' ? (email.openedAt ?? email.clickedAt) : email.clickedAt)
            : null;
        }
        if (happened === null) push(c.op === 'has_not', `${which} was not sent`);
        else
          push(
            c.op === 'has' ? happened : !happened,
            `${which} was ${happened ? '' : 'not '}${c.action}${input.runId === null ? ' (assumed)' : ''}`,
          );
        break;
      }
      case 'trigger': {
        const properties = (input.trigger.properties ?? {}) as Record<string, unknown>;
        const result = matchesCondition(properties, c);
        push(result, `trigger property ${c.path} ${result ? 'matches' : 'does not match'}`);
        break;
      }
    }
  }
  const result =
    config.match === 'all' ? conditions.every((c) => c.result) : conditions.some((c) => c.result);
  return { result, conditions };
}

export function createBranchStep(deps: BranchDeps): StepPerformer<NodeOf<'branch'>> {
  return async (ctx) => {
    const { result, conditions } = await evaluateBranch(
      ctx.node.config,
      {
        orgId: ctx.run.orgId,
        contactId: ctx.contact.id,
        runId: ctx.run.id,
        trigger: ctx.run.trigger,
      },
      deps,
    );
    const handle = result ? 'yes' : 'no';
    return {
      kind: 'next',
      handle,
      outcome: handle,
      detail: { match: ctx.node.config.match, conditions },
    };
  };
}

/**
 * Picks a random split's branch from a hash of `seed` (run, step, visit): uniform over runs,
 * and the same answer however often one step's job runs.
 */
export function chooseSplit(
  config: NodeOf<'random_split'>['config'],
  seed: string,
): { branchId: string; roll: number } {
  const roll = createHash('sha256').update(seed).digest().readUInt32BE(0) / 2 ** 32;
  let cumulative = 0;
  for (const branch of config.branches) {
    cumulative += branch.percent / 100;
    if (roll < cumulative) return { branchId: branch.id, roll };
  }
  // Rounding can leave a hair above the sum: the last branch that can be chosen takes it.
  const last = config.branches.filter((b) => b.percent > 0).at(-1) ?? config.branches.at(-1)!;
  return { branchId: last.id, roll };
}

export const performRandomSplit: StepPerformer<NodeOf<'random_split'>> = async (ctx) => {
  const { branchId, roll } = chooseSplit(
    ctx.node.config,
    `${ctx.run.id}:${ctx.node.id}:${ctx.visit}`,
  );
  return {
    kind: 'next',
    handle: branchId,
    outcome: branchId,
    detail: { roll: Math.round(roll * 10_000) / 100 },
  };
};
