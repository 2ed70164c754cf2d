import type { TemplateFormat } from './api';

export interface Variable {
  label: string;
  /** What is inserted at the caret. */
  snippet: string;
}

/** Where a snippet goes: a body in one of the formats, or the plain-text part. */
export type SnippetFormat = TemplateFormat | 'text';

/** A link in the source's own syntax: Markdown in Markdown, a bare URL in the text part. */
function link(format: SnippetFormat, text: string, url: string): string {
  if (format === 'markdown') return `[${text}]({{ ${url} }})`;
  if (format === 'text') return `${text}: {{ ${url} }}`;
  return `<a href="{{ ${url} }}">${text}</a>`;
}

/** The variables every template can use, in the order people reach for them. */
export function standardVariables(format: SnippetFormat): Variable[] {
  return [
    { label: 'First name', snippet: '{{ contact.firstName | default: "there" }}' },
    { label: 'Last name', snippet: '{{ contact.lastName }}' },
    { label: 'Email address', snippet: '{{ contact.email }}' },
    { label: 'Organization name', snippet: '{{ organization.name }}' },
    { label: 'Today’s date', snippet: '{{ "now" | date: "%B %d, %Y" }}' },
    { label: 'Unsubscribe link', snippet: link(format, 'Unsubscribe', 'unsubscribe_url') },
    { label: 'Preferences link', snippet: link(format, 'Email preferences', 'preferences_url') },
    {
      label: 'View in browser link',
      snippet: link(format, 'View in browser', 'view_in_browser_url'),
    },
  ];
}

/** A custom contact field, e.g. `{{ contact.plan }}`. */
export const fieldVariable = (key: string): string =>
  /^[A-Za-z_][A-Za-z0-9_]*$/.test(key)
    ? `{{ contact.${key} }}`
    : `{{ contact.attributes["${key}"] }}`;
