import { describe, expect, it } from 'vitest';
import { compileTemplate, type CompiledTemplate } from './compile.js';
import { buildRenderScope, type RenderContextInput } from './context.js';
import { htmlLiquid, plainLiquid, RenderSession } from './liquid.js';
import { renderTemplate } from './render.js';

/** The same template rendered by LiquidJS itself, part by part, for comparison. */
function renderWithLiquidJs(template: CompiledTemplate, input: RenderContextInput) {
  const { scope, timezone } = buildRenderScope(input);
  const session = new RenderSession(scope, timezone);
  const subject = session.render(plainLiquid, template.parts.subject.templates);
  const html = session.render(htmlLiquid, template.parts.html.templates);
  const text = session.render(plainLiquid, template.parts.text.templates);
  return { subject, html, text };
}

const contacts: RenderContextInput['contact'][] = [
  {
    email: 'ada@example.com',
    firstName: 'Ada',
    lastName: 'Lovelace',
    timezone: 'America/Los_Angeles',
    tags: ['vip', 'beta'],
    attributes: { plan: 'pro', score: 42, renewal: '2026-03-01T02:00:00Z', nested: { a: [1, 2] } },
  },
  {
    email: 'x@example.com',
    firstName: '<script>alert("x")</script> & "quotes"',
    lastName: null,
    tags: [],
    attributes: { company: 'Acme & Sons', score: 0, plan: null },
  },
  { email: 'bare@example.com' },
];

const TEMPLATES = [
  'Hi {{ contact.firstName | default: "friend" }} {{ contact.lastName }}!',
  '{{ firstName | upcase }} / {{ lastName | downcase }} / {{ company | default: "n/a" | capitalize }}',
  '{{ contact.attributes.plan | default: "free" }} {{ contact.plan }} {{ contact.score | plus: 1 }}',
  '{{ contact.tags.size }} {{ contact.tags.first }} {{ contact.tags.last }} {{ contact.tags[0] }} {{ contact.tags[-1] }}',
  '{{ contact.attributes.nested.a[1] }} {{ contact.attributes["plan"] }} {{ contact.missing.deep }}',
  '{{ contact.renewal | date: "%B %d, %Y" }} {{ contact.email | truncate: 5 }} {{ "lit" | append: "!" }}',
  '<a href="{{ unsubscribe_url }}">{{ organization.name | escape }}</a> {{ firstName | raw }}',
  '{{ email | replace: "@", " at " | remove: ".com" }} {{ contact.firstName | default: contact.email }}',
];

describe('the straight-line renderer', () => {
  it('takes simple parts and renders exactly what LiquidJS renders, escaping included', async () => {
    for (const body of TEMPLATES) {
      const compiled = await compileTemplate({
        subject: body.replace(/<[^>]+>/g, ''),
        format: 'html',
        body: `<p>${body}</p>`,
      });
      if (!compiled.ok) throw new Error(`${body}: ${JSON.stringify(compiled.errors)}`);
      const t = compiled.template;
      expect(t.parts.html.fast, body).not.toBeNull();
      expect(t.parts.subject.fast, body).not.toBeNull();
      for (const contact of contacts) {
        const input: RenderContextInput = {
          contact,
          organization: { name: 'Tom & Jerry <Ltd>', timezone: 'Europe/Berlin' },
          urls: { unsubscribe: 'https://h.test/u/1?a=1&b=2', preferences: 'p', viewInBrowser: 'v' },
        };
        const fast = renderTemplate(t, input);
        if (!fast.ok) throw new Error(JSON.stringify(fast.errors));
        const slow = renderWithLiquidJs(t, input);
        expect(fast.html, body).toBe(slow.html);
        expect(fast.text, body).toBe(slow.text);
        expect(fast.subject, body).toBe(slow.subject.replace(/\s+/g, ' ').trim());
      }
    }
  });

  it('leaves tags, operators and dynamic keys to LiquidJS', async () => {
    for (const body of [
      '{% if firstName %}Hi {{ firstName }}{% endif %}',
      '{% for t in contact.tags %}{{ t }}{% endfor %}',
      '{{ contact.attributes[contact.firstName] }}',
      '{% assign x = 1 %}{{ x }}',
    ]) {
      const compiled = await compileTemplate({ subject: 'S', format: 'html', body });
      if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors));
      expect(compiled.template.parts.html.fast, body).toBeNull();
      const rendered = renderTemplate(compiled.template, {
        contact: contacts[0]!,
        organization: { name: 'A' },
        urls: { unsubscribe: 'u', preferences: 'p', viewInBrowser: 'v' },
      });
      expect(rendered.ok).toBe(true);
    }
  });

  it('renders the preheader slot itself, escaped', async () => {
    const compiled = await compileTemplate({
      subject: 'S',
      preheader: 'Hello {{ firstName }}',
      format: 'html',
      body: '<html><body><p>{{ firstName }}</p></body></html>',
    });
    if (!compiled.ok) throw new Error('compile');
    expect(compiled.template.parts.html.fast).not.toBeNull();
    const r = renderTemplate(compiled.template, {
      contact: contacts[1]!,
      organization: { name: 'A' },
      urls: { unsubscribe: 'u', preferences: 'p', viewInBrowser: 'v' },
    });
    if (!r.ok) throw new Error('render');
    expect(r.html).toContain('Hello &lt;script&gt;');
    expect(r.html).not.toContain('<script>');
  });
});
