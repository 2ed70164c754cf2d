import { describe, expect, it } from 'vitest';
import { checkTemplate, type TemplateCheck } from './checks.js';
import { compileTemplate, type TemplateSource } from './compile.js';
import type { RenderContextInput } from './context.js';
import { renderTemplate } from './render.js';

const input: RenderContextInput = {
  contact: {
    id: 'ct_1',
    email: 'jane@example.com',
    firstName: 'Jane',
    attributes: { company: 'Acme' },
  },
  organization: { name: 'Herald Co' },
  campaign: { id: 'cmp_1', name: 'Spring sale' },
  urls: {
    unsubscribe: 'https://mail.example/u/tok',
    preferences: 'https://mail.example/p/tok',
    viewInBrowser: 'https://mail.example/v/tok',
  },
};

const clean: TemplateSource = {
  subject: 'Hi {{ firstName }}',
  format: 'html',
  body: [
    '<p>Hi {{ contact.firstName }} from {{ contact.company }} ({{ contact.attributes.company }})</p>',
    '<img src="https://cdn.example/logo.png" alt="Logo"><img src="https://cdn.example/rule.png" alt="">',
    '<a href="https://example.com/?id={{ contact.id }}">Offer</a> <a href="mailto:help@example.com">Mail</a>',
    '<a href="tel:+15550100">Call</a> <a href="#top">Top</a> <a>Anchor</a>',
    '<a href="{% if contact.company %}https://a.example{% else %}https://b.example{% endif %}">Ours</a>',
    '{% assign plan = "pro" %}{{ plan }} {% for tag in contact.tags %}{{ tag }} {{ forloop.index }}{% endfor %}',
    '{{ contact.tags.size }} {{ organization.name }} {{ campaign.name }} {{ preferences_url }}',
    '<a href="{{ unsubscribe_url }}">Unsubscribe</a>',
  ].join('\n'),
  text: 'Hi {{ firstName }}\nUnsubscribe: {{ unsubscribe_url }}',
};

async function check(
  changes: Partial<TemplateSource>,
  knownAttributeKeys: readonly string[] = ['company'],
): Promise<TemplateCheck[]> {
  const source = { ...clean, ...changes };
  const compiled = await compileTemplate(source);
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors));
  const rendered = renderTemplate(compiled.template, input);
  if (!rendered.ok) throw new Error(JSON.stringify(rendered.errors));
  return checkTemplate(source, compiled.template, rendered, knownAttributeKeys);
}

const codes = (checks: TemplateCheck[]) => checks.map((c) => c.code);

describe('checkTemplate', () => {
  it('finds nothing in a clean template', async () => {
    expect(await check({})).toEqual([]);
  });

  describe('unsubscribe link', () => {
    it('is an error when neither HTML nor text has one', async () => {
      expect(await check({ body: '<p>Hi</p>', text: 'Hi' })).toEqual([
        {
          code: 'missing_unsubscribe',
          severity: 'error',
          message: expect.stringContaining('{{ unsubscribe_url }}') as string,
          field: 'body',
        },
      ]);
    });

    it('is an error when the HTML has none and the text is generated from it', async () => {
      const checks = await check({ body: '<p>Hi</p>', text: null });
      expect(checks.filter((c) => c.severity === 'error')).toMatchObject([
        { code: 'missing_unsubscribe', field: 'body' },
      ]);
    });

    it('is a warning when only one version has one', async () => {
      expect(await check({ text: 'Hi' })).toMatchObject([
        { code: 'missing_unsubscribe', severity: 'warning', field: 'text' },
      ]);
      expect(await check({ body: '<p>Hi</p>' })).toMatchObject([
        { code: 'missing_unsubscribe', severity: 'warning', field: 'body' },
      ]);
    });

    it('counts an unsubscribe link written in Markdown', async () => {
      expect(
        await check({ format: 'markdown', body: '[Unsubscribe]({{ unsubscribe_url }})' }),
      ).toEqual([]);
    });
  });

  describe('unknown variables', () => {
    it('reports each with its position and a suggestion', async () => {
      const checks = await check({
        subject: 'Hi {{ frstName }}',
        body: `${clean.body}\n<p>{{ contact.compny }} {{ contact.attributes.plan }} {{ campaign.title }}</p>`,
      });
      expect(checks).toEqual([
        {
          code: 'unknown_variable',
          severity: 'warning',
          message: 'Unknown variable {{ frstName }}: it will render empty. Did you mean firstName?',
          field: 'subject',
          line: 1,
          column: 7,
        },
        {
          code: 'unknown_variable',
          severity: 'warning',
          message:
            'Unknown variable {{ contact.compny }}: contacts have no field or attribute "compny", so it will render empty. Did you mean contact.company?',
          field: 'body',
          line: 9,
          column: 7,
        },
        {
          code: 'unknown_variable',
          severity: 'warning',
          message:
            'Unknown variable {{ contact.attributes.plan }}: no contact has an attribute "plan", so it will render empty.',
          field: 'body',
          line: 9,
          column: 28,
        },
        {
          code: 'unknown_variable',
          severity: 'warning',
          message:
            'Unknown variable {{ campaign.title }}: campaign has no "title", so it will render empty.',
          field: 'body',
          line: 9,
          column: 58,
        },
      ]);
    });

    it('accepts attribute keys the organization knows', async () => {
      const source = { body: `${clean.body}\n{{ contact.plan }} {{ contact.attributes.plan }}` };
      expect(codes(await check(source, ['company']))).toEqual([
        'unknown_variable',
        'unknown_variable',
      ]);
      expect(await check(source, ['company', 'plan'])).toEqual([]);
    });

    it('flags names that only exist on prototypes', async () => {
      expect(
        codes(await check({ body: `${clean.body}\n{{ constructor }}{{ contact.constructor }}` })),
      ).toEqual(['unknown_variable', 'unknown_variable']);
    });
  });

  describe('links', () => {
    it.each([
      ['', 'malformed_link', 'A link has an empty address.'],
      [
        'www.example.com',
        'malformed_link',
        'The link "www.example.com" is not a full address; links in email need https://.',
      ],
      [
        'javascript:alert(1)',
        'malformed_link',
        'The link "javascript:alert(1)" uses "javascript:", which email clients do not open.',
      ],
      [
        'https://exa mple.com',
        'malformed_link',
        'The link "https://exa mple.com" is not a valid address.',
      ],
      ['https://', 'malformed_link', 'The link "https://" is not a valid address.'],
      [
        'http://example.com',
        'insecure_link',
        'The link "http://example.com" uses http://; use https:// so clients and browsers do not flag it.',
      ],
      [
        'http://example.com/?e={{ email }}',
        'insecure_link',
        expect.stringContaining('uses http://') as string,
      ],
    ])('href="%s" → %s', async (href, code, message) => {
      const checks = await check({ body: `${clean.body}\n  <p><a href="${href}">Link</a></p>` });
      expect(checks).toEqual([
        { code, severity: 'warning', message, field: 'body', line: 9, column: 6 },
      ]);
    });

    it('locates links in Markdown and MJML sources', async () => {
      const markdown = await check({
        format: 'markdown',
        body: 'Hi\n\nSee [this](http://example.com).\n\n[Unsubscribe]({{ unsubscribe_url }})',
      });
      expect(markdown).toMatchObject([
        { code: 'insecure_link', field: 'body', line: 3, column: 12 },
      ]);
      const mjml = await check({
        format: 'mjml',
        body: '<mjml><mj-body><mj-section><mj-column>\n<mj-button href="http://example.com">Go</mj-button>\n<mj-text><a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text>\n</mj-column></mj-section></mj-body></mjml>',
      });
      expect(mjml).toMatchObject([{ code: 'insecure_link', field: 'body', line: 2, column: 18 }]);
    });
  });

  describe('images', () => {
    it('warns about an image without alt text, not about alt="" or a pixel', async () => {
      const checks = await check({
        body: `${clean.body}\n<img src="https://cdn.example/hero.png"><img src="https://t.example/p.gif" width="1" height="1">`,
      });
      expect(checks).toEqual([
        {
          code: 'image_missing_alt',
          severity: 'warning',
          message: expect.stringContaining(
            '"https://cdn.example/hero.png" has no alt text',
          ) as string,
          field: 'body',
          line: 9,
          column: 1,
        },
      ]);
    });

    it('reads alt text in the MJML source', async () => {
      const body = (alt: string) =>
        `<mjml><mj-body><mj-section><mj-column>\n  <mj-image src="https://cdn.example/a.png"${alt} />\n<mj-text><a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text>\n</mj-column></mj-section></mj-body></mjml>`;
      expect(await check({ format: 'mjml', body: body('') })).toMatchObject([
        { code: 'image_missing_alt', field: 'body', line: 2, column: 3 },
      ]);
      expect(await check({ format: 'mjml', body: body(' alt="Logo"') })).toEqual([]);
    });
  });

  it('warns when the rendered HTML would be clipped by Gmail', async () => {
    const filler = (n: number) => `${clean.body}\n<p>${'x'.repeat(n)}</p>`;
    expect(await check({ body: filler(90 * 1024) })).toEqual([]);
    expect(await check({ body: filler(110 * 1024) })).toEqual([
      {
        code: 'html_too_large',
        severity: 'warning',
        message: expect.stringMatching(
          /^The HTML is 111 KB; Gmail clips messages over 102 KB/,
        ) as string,
        field: 'body',
      },
    ]);
  });

  it('warns when no text part was written', async () => {
    expect(await check({ text: null })).toEqual([
      {
        code: 'missing_text_part',
        severity: 'warning',
        message:
          'No text version was written; one is generated from the HTML. Review it, or write your own.',
        field: 'text',
      },
    ]);
  });

  it('blocks an empty subject, warns about a long one', async () => {
    expect(await check({ subject: '{{ contact.lastName }}' })).toEqual([
      {
        code: 'subject_empty',
        severity: 'error',
        message: 'The subject is empty.',
        field: 'subject',
        line: 1,
        column: 1,
      },
    ]);
    expect(await check({ subject: 'x'.repeat(100) })).toEqual([]);
    expect(await check({ subject: 'x'.repeat(101) })).toMatchObject([
      { code: 'subject_too_long', severity: 'warning', field: 'subject' },
    ]);
  });
});
