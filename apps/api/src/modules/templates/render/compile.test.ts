import { describe, expect, it } from 'vitest';
import { compileTemplate, type CompiledTemplate, type TemplateSource } from './compile.js';
import type { RenderContextInput } from './context.js';
import { renderTemplate } from './render.js';

function recipient(contact: Partial<RenderContextInput['contact']> = {}): RenderContextInput {
  return {
    contact: {
      id: 'ct_1',
      email: 'jane@example.com',
      firstName: 'Jane',
      lastName: 'Doe',
      phone: '+1 555 0100',
      timezone: 'America/Los_Angeles',
      locale: 'en-US',
      status: 'subscribed',
      tags: ['vip', 'beta'],
      attributes: { company: 'Acme', plan: 'pro' },
      createdAt: '2025-01-02T03:04:05.000Z',
      ...contact,
    },
    organization: { name: 'Herald Co', timezone: 'Europe/Berlin' },
    campaign: { id: 'cmp_1', name: 'Spring sale' },
    urls: {
      unsubscribe: 'https://mail.example/u/tok',
      preferences: 'https://mail.example/p/tok',
      viewInBrowser: 'https://mail.example/v/tok',
    },
  };
}

async function compile(source: Partial<TemplateSource>): Promise<CompiledTemplate> {
  const result = await compileTemplate({ subject: 'Hi', format: 'html', body: '', ...source });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.template;
}

function render(template: CompiledTemplate, input = recipient()) {
  const result = renderTemplate(template, input);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result;
}

describe('personalisation', () => {
  it('renders Liquid in subject, preheader, HTML and text', async () => {
    const template = await compile({
      subject: '{{ contact.firstName }}, your {{ campaign.name }} offer',
      preheader: 'From {{ organization.name }} to {{ contact.email }}',
      body: '<p>Hi {{ contact.firstName }} {{ contact.lastName }} ({{ contact.phone }}, {{ contact.status }})</p>',
      text: 'Hi {{ firstName }} — {{ view_in_browser_url }}',
    });
    expect(render(template)).toEqual({
      ok: true,
      subject: 'Jane, your Spring sale offer',
      preheader: 'From Herald Co to jane@example.com',
      html: expect.stringContaining('<p>Hi Jane Doe (+1 555 0100, subscribed)</p>') as string,
      text: 'Hi Jane — https://mail.example/v/tok',
    });
  });

  it('offers shorthands, attributes and the context URLs', async () => {
    const template = await compile({
      body: [
        '{{ firstName }}|{{ lastName }}|{{ email }}|{{ company }}',
        '{{ contact.company }}|{{ contact.attributes.plan }}|{{ contact.plan }}',
        '{{ contact.id }}|{{ contact.timezone }}|{{ contact.locale }}|{{ contact.tags | join: "+" }}|{{ contact.createdAt }}',
        '{{ unsubscribe_url }}|{{ preferences_url }}|{{ view_in_browser_url }}|{{ campaign.id }}',
      ].join('\n'),
    });
    expect(render(template).html.split('\n')).toEqual([
      'Jane|Doe|jane@example.com|Acme',
      'Acme|pro|pro',
      'ct_1|America/Los_Angeles|en-US|vip+beta|2025-01-02T03:04:05.000Z',
      'https://mail.example/u/tok|https://mail.example/p/tok|https://mail.example/v/tok|cmp_1',
    ]);
  });

  it('lets contact fields win over attributes of the same name', async () => {
    const template = await compile({ body: '{{ contact.email }}|{{ contact.attributes.email }}' });
    const input = recipient({ attributes: { email: 'other@example.com' } });
    expect(render(template, input).html).toBe('jane@example.com|other@example.com');
  });

  it('renders missing values empty, or their default', async () => {
    const template = await compile({
      subject: 'Hi {{ firstName | default: "there" }}',
      body: '[{{ contact.phone }}][{{ company | default: "your team" }}][{{ campaign.name }}]',
    });
    const input = recipient({ firstName: null, phone: null, attributes: {} });
    input.campaign = null;
    expect(render(template, input)).toMatchObject({
      subject: 'Hi there',
      html: '[][your team][]',
    });
  });

  it('keeps the subject on one line', async () => {
    const template = await compile({ subject: 'Hi {{ firstName }}' });
    expect(render(template, recipient({ firstName: 'Jane\r\nBcc: x@evil.example' })).subject).toBe(
      'Hi Jane Bcc: x@evil.example',
    );
  });
});

describe('compile errors', () => {
  it('reports the line and column in each field', async () => {
    const result = await compileTemplate({
      subject: 'Hi {{ firstName',
      preheader: 'ok\n  {% if x %}',
      format: 'html',
      body: '<p>\n  <b>{% foo %}</b>\n</p>',
      text: 'one\ntwo\n {{ x | nope }}',
    });
    expect(result).toEqual({
      ok: false,
      errors: [
        { field: 'subject', line: 1, column: 4, message: '{{ firstName is never closed: add }}.' },
        {
          field: 'preheader',
          line: 2,
          column: 3,
          message: '{% if x %} is never closed: add {% endif %}.',
        },
        { field: 'body', line: 2, column: 6, message: 'Unknown tag {% foo %}.' },
        { field: 'text', line: 3, column: 2, message: 'Unknown filter "nope".' },
      ],
    });
  });
});

describe('preheader', () => {
  it('is hidden right after <body>', async () => {
    const template = await compile({
      preheader: 'Sale for {{ firstName }}',
      body: '<html><body class="x"><p>Hi</p></body></html>',
    });
    expect(render(template).html).toBe(
      '<html><body class="x"><div style="display:none;max-height:0;overflow:hidden;mso-hide:all" aria-hidden="true">Sale for Jane</div><p>Hi</p></body></html>',
    );
  });

  it('leads a body without <body>, and is absent when empty', async () => {
    const withPreheader = await compile({ preheader: 'Pre', body: '<p>Hi</p>' });
    expect(render(withPreheader).html).toMatch(
      /^<div style="display:none[^>]*>Pre<\/div><p>Hi<\/p>$/,
    );
    const without = await compile({ preheader: '  ', body: '<p>Hi</p>' });
    expect(render(without).html).toBe('<p>Hi</p>');
  });

  it('keeps body error positions right after the inserted preheader', async () => {
    const template = await compile({
      preheader: 'Pre',
      body: '<body>\n<p>Hi</p>\n  {% for i in (1..100000000) %}x{% endfor %}</body>',
    });
    const result = renderTemplate(template, recipient());
    expect(result).toMatchObject({ ok: false, errors: [{ field: 'body', line: 3, column: 3 }] });
  });
});

describe('Markdown', () => {
  it('compiles to HTML with Liquid in link URLs, linkify and raw HTML', async () => {
    const template = await compile({
      format: 'markdown',
      body: [
        '# Hi {{ firstName }}',
        '',
        'Read [the news](https://example.com/news?e={{ email | url_encode }}) or see https://example.com/?c={{ contact.id }}.',
        '',
        '<b>Bold</b> "quotes" -- dashes',
        '',
        '[Unsubscribe]({{ unsubscribe_url }})',
      ].join('\n'),
    });
    const html = render(template).html;
    // Markdown is set in a readable column (a shell around what markdown-it produced).
    expect(html).toMatch(/^<!doctype html>.*<div style="max-width:600px[^>]*>\n/s);
    expect(markdownContent(html)).toBe(
      [
        '<h1>Hi Jane</h1>',
        '<p>Read <a href="https://example.com/news?e=jane%40example.com">the news</a> or see <a href="https://example.com/?c=ct_1">https://example.com/?c=ct_1</a>.</p>',
        '<p><b>Bold</b> &quot;quotes&quot; -- dashes</p>',
        '<p><a href="https://mail.example/u/tok">Unsubscribe</a></p>',
        '',
      ].join('\n'),
    );
  });

  it('leaves no empty paragraph for a tag on its own line', async () => {
    const template = await compile({
      format: 'markdown',
      body: 'Hello\n\n{% if contact.plan == "pro" %}\n\nPro perks\n\n{% endif %}\n\nBye',
    });
    expect(markdownContent(render(template).html)).toBe(
      '<p>Hello</p>\n<p>Pro perks</p>\n<p>Bye</p>\n',
    );
    expect(markdownContent(render(template, recipient({ attributes: {} })).html)).toBe(
      '<p>Hello</p>\n<p>Bye</p>\n',
    );
  });
});

describe('MJML', () => {
  const mjml = (content: string, head = '') =>
    `<mjml>\n${head}<mj-body>\n<mj-section>\n<mj-column>\n${content}\n</mj-column>\n</mj-section>\n</mj-body>\n</mjml>`;

  it('compiles once and renders Liquid in content and attributes', async () => {
    const template = await compile({
      format: 'mjml',
      body: mjml(
        '<mj-text>Hi {{ contact.firstName }}{% if contact.tags contains "vip" %}, VIP{% endif %}</mj-text>\n<mj-button href="{{ unsubscribe_url }}">Unsubscribe</mj-button>',
      ),
    });
    expect(template.html).toContain('<!doctype html>');
    const { html } = render(template);
    expect(html).toContain('Hi Jane, VIP</div>');
    expect(html).toMatch(/<a\s+href="https:\/\/mail\.example\/u\/tok"/);
    expect(render(template, recipient({ tags: [] })).html).toContain('Hi Jane</div>');
  });

  it('returns validation errors as warnings with source lines', async () => {
    const result = await compileTemplate({
      subject: 'Hi',
      format: 'mjml',
      // The multi-line tag before the error must not shift the reported line.
      body: mjml(
        '<mj-text>{%\n  if firstName\n%}Hi{% endif %}</mj-text>\n  <mj-button colr="red">Go</mj-button>',
      ),
    });
    expect(result).toMatchObject({
      ok: true,
      warnings: [{ field: 'body', line: 8, column: 3, message: 'MJML: Attribute colr is illegal' }],
    });
  });

  it('fails on a document that is not MJML', async () => {
    const result = await compileTemplate({ subject: 'Hi', format: 'mjml', body: '<p>Hello</p>' });
    expect(result).toEqual({
      ok: false,
      errors: [
        {
          field: 'body',
          line: 1,
          column: 1,
          message: expect.stringMatching(/^MJML: Malformed MJML/) as string,
        },
      ],
    });
  });

  it('refuses Liquid tags between sections, and warns about dropped values', async () => {
    const body = `<mjml>\n<mj-body>\n  {% if firstName %}\n<mj-section><mj-column><mj-text>Hi</mj-text></mj-column></mj-section>\n{% endif %}\n</mj-body>\n</mjml>`;
    const result = await compileTemplate({ subject: 'Hi', format: 'mjml', body });
    expect(result).toMatchObject({
      ok: false,
      errors: [
        {
          field: 'body',
          line: 3,
          column: 3,
          message: expect.stringContaining('Put Liquid tags inside content') as string,
        },
        { field: 'body', line: 5, column: 1 },
      ],
    });
    const dropped = await compileTemplate({
      subject: 'Hi',
      format: 'mjml',
      body: '<mjml><mj-body>{{ firstName }}</mj-body></mjml>',
    });
    expect(dropped).toMatchObject({
      ok: true,
      warnings: [
        {
          field: 'body',
          line: 1,
          column: 16,
          message: 'MJML dropped {{ firstName }}, so it will not appear.',
        },
      ],
    });
  });

  it('ignores mj-include instead of reading files', async () => {
    const template = await compile({
      format: 'mjml',
      body: mjml('<mj-include path="/etc/passwd" />\n<mj-text>Hi</mj-text>'),
    });
    expect(template.html).not.toContain('root:');
  });

  it('maps a render error back to the MJML source', async () => {
    const template = await compile({
      format: 'mjml',
      body: mjml('<mj-text>\n    {% for i in (1..100000000) %}x{% endfor %}\n</mj-text>'),
    });
    expect(renderTemplate(template, recipient())).toMatchObject({
      ok: false,
      errors: [{ field: 'body', line: 6, column: 5 }],
    });
  });
});

describe('text part', () => {
  it('is generated once from the HTML, personalised and with the unsubscribe URL', async () => {
    const template = await compile({
      body: [
        '<html><head><style>p { color: red }</style></head><body>',
        '<h1>Hello {{ firstName }}</h1>',
        '<img src="https://cdn.example/logo.png" alt="Logo">',
        `<p>${'This sentence is long enough to be wrapped. '.repeat(3)}</p>`,
        '{% if contact.plan == "pro" %}<p>Pro perks</p>{% endif %}',
        '<p><a href="https://example.com/offer">See the offer</a></p>',
        '<p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p>',
        '</body></html>',
      ].join('\n'),
    });
    expect(template.isTextGenerated).toBe(true);
    expect(template.text).toContain('Unsubscribe [{{ unsubscribe_url }}]');
    const { text } = render(template);
    expect(text).toBe(
      [
        'Hello Jane',
        '',
        'This sentence is long enough to be wrapped. This sentence is long enough to be',
        'wrapped. This sentence is long enough to be wrapped.',
        '',
        'Pro perks',
        '',
        'See the offer [https://example.com/offer]',
        '',
        'Unsubscribe [https://mail.example/u/tok]',
      ].join('\n'),
    );
    expect(render(template, recipient({ attributes: {} })).text).not.toContain('Pro perks');
  });

  it('uses the text given, with its own Liquid', async () => {
    const template = await compile({
      body: '<p>HTML</p>',
      text: 'Hi {{ firstName }}\nOpt out: {{ unsubscribe_url }}',
    });
    expect(template.isTextGenerated).toBe(false);
    expect(render(template).text).toBe('Hi Jane\nOpt out: https://mail.example/u/tok');
  });

  it('is generated from MJML too', async () => {
    const template = await compile({
      format: 'mjml',
      body: '<mjml><mj-head><mj-preview>Preview</mj-preview></mj-head><mj-body><mj-section><mj-column><mj-text>Hi {{ firstName }}</mj-text><mj-button href="{{ unsubscribe_url }}">Unsubscribe</mj-button></mj-column></mj-section></mj-body></mjml>',
    });
    expect(render(template).text).toBe('Hi Jane\n\nUnsubscribe [https://mail.example/u/tok]');
  });
});

describe('compiled template', () => {
  it('lists the variables used, with positions in the source', async () => {
    const template = await compile({
      subject: 'Hi {{ firstName }}',
      format: 'markdown',
      body: 'Hello\n\n[x]({{ unsubscribe_url }}) {{ contact.attributes[key] }}',
    });
    expect(template.variables).toEqual([
      {
        path: ['firstName'],
        isPartial: false,
        expression: 'firstName',
        field: 'subject',
        line: 1,
        column: 7,
      },
      {
        path: ['unsubscribe_url'],
        isPartial: false,
        expression: 'unsubscribe_url',
        field: 'body',
        line: 3,
        column: 8,
      },
      {
        path: ['contact', 'attributes'],
        isPartial: true,
        expression: 'contact.attributes[key]',
        field: 'body',
        line: 3,
        column: 31,
      },
      { path: ['key'], isPartial: false, expression: 'key', field: 'body', line: 3, column: 50 },
    ]);
  });

  it('renders many recipients from one compilation', async () => {
    const template = await compile({ body: '<p>{{ firstName }}</p>' });
    const names = ['Ann', 'Bob', 'Cem'];
    expect(names.map((firstName) => render(template, recipient({ firstName })).html)).toEqual([
      '<p>Ann</p>',
      '<p>Bob</p>',
      '<p>Cem</p>',
    ]);
  });
});

/** What markdown-it produced, without the reading column around it. */
function markdownContent(html: string): string {
  return html
    .replace(/^[\s\S]*?<div style="max-width:600px[^>]*>\n/, '')
    .replace(/<\/div><\/body><\/html>\n$/, '');
}
