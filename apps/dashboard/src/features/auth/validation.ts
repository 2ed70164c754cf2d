// Mirrors the API's rules so people see mistakes before a round trip; the API stays the judge.
export const PASSWORD_MIN_LENGTH = 10;

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function checkEmail(value: string): string | undefined {
  if (!value.trim()) return 'Enter your email address.';
  if (!EMAIL_PATTERN.test(value.trim())) return 'Enter an email address like name@company.com.';
  return undefined;
}

export function checkRequired(value: string, message: string): string | undefined {
  return value.trim() ? undefined : message;
}

export function checkNewPassword(value: string): string | undefined {
  if (!value) return 'Choose a password.';
  if (value.length < PASSWORD_MIN_LENGTH) {
    return `Use at least ${PASSWORD_MIN_LENGTH} characters (${value.length} so far).`;
  }
  return undefined;
}

/** The field errors that are set, in form order; focuses the first so keyboard users land on it. */
export function firstInvalid<K extends string>(
  form: HTMLFormElement,
  errors: Partial<Record<K, string | undefined>>,
  order: readonly K[],
): boolean {
  const name = order.find((key) => errors[key]);
  if (!name) return false;
  const element = form.elements.namedItem(name);
  if (element instanceof HTMLElement) element.focus();
  return true;
}
