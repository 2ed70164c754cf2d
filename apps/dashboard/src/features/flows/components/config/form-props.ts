import type { ConfigByType, Step, StepType } from '../../definition';

/** What every step form gets: its config, a way to change it, and the API's field problems. */
export interface StepFormProps<T extends StepType> {
  config: ConfigByType[T];
  onChange: (config: ConfigByType[T]) => void;
  /** The API's problem for a config path below the step (`templateId`, `timeout.amount`). */
  errorAt: (path: string) => string | undefined;
  disabled: boolean;
  /** Every step of the flow (email branch conditions refer to send_email steps). */
  steps: readonly Step[];
}
