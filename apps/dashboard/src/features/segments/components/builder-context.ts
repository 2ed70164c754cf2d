import { createContext, useContext } from 'react';
import type { CustomField } from '../../fields/api';
import type { ContactList } from '../../lists/api';
import type { Segment } from '../api';
import type { RuleDraft, ValueType } from '../rules';

export interface BuilderContextValue {
  fields: readonly CustomField[];
  fieldTypes: ReadonlyMap<string, ValueType>;
  lists: readonly ContactList[];
  /** Segments a rule may refer to (never the one being edited). */
  segments: readonly Segment[];
  /** "Rule 2", "Group 1": accessible names in reading order. */
  labels: ReadonlyMap<string, string>;
  /** Errors the API reported, by draft id. */
  errors: ReadonlyMap<string, string>;
  /** Unfinished drafts, by id; shown once someone tries to save. */
  problems: ReadonlyMap<string, string>;
  showProblems: boolean;
  isReadOnly: boolean;
  update: (id: string, next: (draft: RuleDraft) => RuleDraft | null) => void;
}

export const BuilderContext = createContext<BuilderContextValue | null>(null);

export function useBuilder(): BuilderContextValue {
  const value = useContext(BuilderContext);
  if (!value) throw new Error('useBuilder must be used inside <BuilderContext.Provider>');
  return value;
}
