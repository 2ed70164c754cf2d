import { describe, expect, it } from 'vitest';
import { compileTemplate, type CompiledTemplate } from './compile.js';
import type { RenderContextInput } from './context.js';
import { renderTemplate } from './render.js';

function recipient(contact: Partial<RenderContextInput['contact']> = {}): RenderContextInput {
  return {
    contact: {
      email: 'jane@example.com',
      firstName: 'Jane',
      timezone: 'America/Los_Angeles',
      attributes: { company: 'Acme & Co' },
      ...contact,
    },
    organization: { name: 'Herald Co', timezone: 'Europe/Berlin' },
    campaign: { id: 'cmp_1', name: 'Spring sale' },
    urls: {
      unsubscribe: 'https://mail.example/u/tok?a=1&b=2',
      preferences: 'https://mail.example/p/tok',
      viewInBrowser: 'https://mail.example/v/tok',
    },
  };
}

async function compile(body: string, subject = 'Hello'): Promise<CompiledTemplate> {
  const result = await compileTemplate({ subject, format: 'html', body });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.template;
}

async function renderHtml(body: string, input = recipient()): Promise<string> {
  const result = renderTemplate(await compile(body), input);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.html;
}

async function renderError(body: string, input = recipient()) {
  const template = await compile(body);
  const started = performance.now();
  const result = renderTemplate(template, input);
  const elapsedMs = performance.now() - started;
  if (result.ok) throw new Error('expected the render to fail');
  return { errors: result.errors, elapsedMs };
}

describe('the event that started a flow run', () => {
  const body =
    '{{ event.name }}: {{ event.total }} {{ event.properties.currency }} <a href="{{ event.cart_url }}">cart</a>';

  it('prints the event’s name and properties, the properties also one level up', async () => {
    const input = {
      ...recipient(),
      event: {
        name: 'Cart Abandoned',
        properties: { total: 42, currency: 'EUR', cart_url: 'https://shop.example/c?x=1&y=<2>' },
      },
    };
    expect(await renderHtml(body, input)).toBe(
      'Cart Abandoned: 42 EUR <a href="https://shop.example/c?x=1&amp;y=&lt;2&gt;">cart</a>',
    );
  });

  it('renders empty outside a flow, and a property cannot replace name or properties', async () => {
    expect(await renderHtml(body)).toBe(':   <a href="">cart</a>');
    const input = {
      ...recipient(),
      event: { name: 'Signed Up', properties: { name: 'spoof', properties: 'spoof' } },
    };
    expect(await renderHtml('{{ event.name }} {{ event.properties.name }}', input)).toBe(
      'Signed Up spoof',
    );
  });
});

describe('sandbox', () => {
  it.each([
    '{{ contact.constructor }}',
    '{{ contact.__proto__ }}',
    '{{ "x".constructor.constructor }}',
    '{{ contact.constructor.constructor }}',
    '{{ contact.toString }}',
    '{{ contact.hasOwnProperty }}',
    '{{ contact.tags.constructor }}',
    '{{ contact.attributes.constructor.name }}',
    '{{ organization.__proto__.constructor }}',
    '{{ contact.tags | map: "constructor" | join: "," }}',
    '{{ process }}{{ global }}{{ globalThis }}{{ require }}{{ module }}',
    '{{ process.env }}{{ constructor }}',
  ])('%s renders nothing', async (expression) => {
    expect(await renderHtml(`[${expression}]`)).toBe('[]');
  });

  it('keeps attribute data named __proto__ inert, without polluting prototypes', async () => {
    const attributes = JSON.parse('{"__proto__": {"polluted": "yes"}}') as Record<string, unknown>;
    const html = await renderHtml(
      '{{ contact.attributes.__proto__.polluted }} {{ contact.polluted }}',
      recipient({ attributes }),
    );
    expect(html).toBe('yes ');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each(['include', 'render', 'layout'])('refuses {%% %s %%} at compile time', async (tag) => {
    const result = await compileTemplate({
      subject: 'Hi',
      format: 'html',
      body: `<p>Hi</p>\n  {% ${tag} "/etc/passwd" %}`,
    });
    expect(result).toEqual({
      ok: false,
      errors: [
        {
          field: 'body',
          line: 2,
          column: 3,
          message: `{% ${tag} %} is not available in email templates: each template is self-contained`,
        },
      ],
    });
  });

  it('does not let assign in one part leak into another', async () => {
    const result = await compileTemplate({
      subject: '{% assign who = "subject" %}{{ who }}',
      format: 'html',
      body: '[{{ who }}]',
    });
    if (!result.ok) throw new Error('compile failed');
    const rendered = renderTemplate(result.template, recipient());
    expect(rendered).toMatchObject({ ok: true, subject: 'subject', html: '[]' });
  });
});

describe('limits', () => {
  it('stops a loop over a huge range at once', async () => {
    const { errors, elapsedMs } = await renderError(
      '<p>Hi</p>\n{% for i in (1..100000000) %}x{% endfor %}',
    );
    expect(elapsedMs).toBeLessThan(2_000);
    expect(errors).toEqual([
      {
        field: 'body',
        line: 2,
        column: 1,
        message: expect.stringMatching(/^Rendering was stopped because it built too much data/),
      },
    ]);
  });

  it('stops a render that runs longer than 1 s', async () => {
    const items = Array.from({ length: 1_000 }, (_, i) => i);
    const { errors, elapsedMs } = await renderError(
      '{% for a in contact.items %}{% for b in contact.items %}{% for c in contact.items %}{% endfor %}{% endfor %}{% endfor %}',
      recipient({ attributes: { items } }),
    );
    expect(elapsedMs).toBeLessThan(2_000);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toBe(
      'Rendering took longer than 1 s and was stopped. Look for a loop over a very large range.',
    );
  });

  it('stops a render that outputs megabytes', async () => {
    const { errors, elapsedMs } = await renderError(
      `{% for i in (1..100000) %}<p>${'a'.repeat(60)}</p>{% endfor %}`,
    );
    expect(elapsedMs).toBeLessThan(2_000);
    expect(errors).toEqual([
      {
        field: 'body',
        line: 1,
        column: 27,
        message:
          'The rendered email would be larger than 2 MB. Look for a loop that repeats content many times.',
      },
    ]);
  });

  it.each([
    ['escaped', '{{ x }}{{ x }}'],
    ['raw', '{{ x | raw }}{{ x | raw }}'],
  ])('stops a string doubled in a capture loop (%s)', async (_, doubled) => {
    const { errors, elapsedMs } = await renderError(
      `{% assign x = "aaaaaaaaaa" %}{% for i in (1..40) %}{% capture x %}${doubled}{% endcapture %}{% endfor %}{{ x | raw }}`,
    );
    expect(elapsedMs).toBeLessThan(2_000);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/^Rendering was stopped because it built too much data/);
  });

  it('renders an ordinary loop', async () => {
    const html = await renderHtml('{% for i in (1..1000) %}{{ i }},{% endfor %}');
    expect(html.split(',')).toHaveLength(1001);
  });
});

describe('escaping', () => {
  const evil = '<script>alert(1)</script>"\'&';

  it('escapes values printed into the HTML, not into subject, preheader or text', async () => {
    const result = await compileTemplate({
      subject: 'Hi {{ contact.firstName }}',
      preheader: 'For {{ firstName }}',
      format: 'html',
      body: '<body><p title="{{ contact.firstName }}">Hi {{ contact.firstName }}</p></body>',
      text: 'Hi {{ contact.firstName }}',
    });
    if (!result.ok) throw new Error('compile failed');
    const rendered = renderTemplate(result.template, recipient({ firstName: evil }));
    if (!rendered.ok) throw new Error('render failed');
    const escaped = '&lt;script&gt;alert(1)&lt;/script&gt;&#34;&#39;&amp;';
    expect(rendered.html).toContain(`<p title="${escaped}">Hi ${escaped}</p>`);
    expect(rendered.html).toContain(`For ${escaped}</div>`);
    expect(rendered.html).not.toContain('<script>');
    expect(rendered.subject).toBe(`Hi ${evil}`);
    expect(rendered.preheader).toBe(`For ${evil}`);
    expect(rendered.text).toBe(`Hi ${evil}`);
  });

  it('prints HTML through the raw filter', async () => {
    const html = await renderHtml(
      '{{ contact.bio | raw }}',
      recipient({ attributes: { bio: '<b>Bold</b>' } }),
    );
    expect(html).toBe('<b>Bold</b>');
  });

  it('does not escape twice when the template escapes itself', async () => {
    const html = await renderHtml(
      '{{ contact.firstName | escape }}|{{ contact.firstName | escape_once }}',
      recipient({ firstName: 'A&B' }),
    );
    expect(html).toBe('A&amp;B|A&amp;B');
  });

  it('escapes ampersands in URLs inside attributes', async () => {
    expect(await renderHtml('<a href="{{ unsubscribe_url }}">x</a>')).toBe(
      '<a href="https://mail.example/u/tok?a=1&amp;b=2">x</a>',
    );
  });
});

describe('filters', () => {
  it.each([
    ['{{ firstName | upcase }}', 'JANE'],
    ['{{ firstName | downcase }}', 'jane'],
    ['{{ "hello world" | capitalize }}', 'Hello world'],
    ['{{ "Hello, wonderful world" | truncate: 12 }}', 'Hello, wo...'],
    ['[{{ "  x  " | strip }}]', '[x]'],
    ['{{ company | replace: "Acme", "Apex" }}', 'Apex &amp; Co'],
    ['{{ contact.nickname | default: "friend" }}', 'friend'],
    ['{{ contact.lastName | default: "friend" }}', 'friend'],
    ['{{ firstName | append: "!" }}', 'Jane!'],
    ['{{ firstName | size }}', '4'],
    ['{{ contact.tags | join: ", " }}', 'a, b'],
    ['{{ 3 | plus: 4 }}', '7'],
  ])('%s → %s', async (body, expected) => {
    expect(await renderHtml(body, recipient({ tags: ['a', 'b'] }))).toBe(expected);
  });

  it('refuses an unknown filter at compile time', async () => {
    const result = await compileTemplate({
      subject: 'Hi',
      format: 'html',
      body: '<p>\n{{ firstName | upcse }}</p>',
    });
    expect(result).toEqual({
      ok: false,
      errors: [{ field: 'body', line: 2, column: 1, message: 'Unknown filter "upcse".' }],
    });
  });
});

describe('dates', () => {
  const instant = '2026-03-01T02:00:00Z';
  const format = '{{ contact.attributes.renewal_date | date: "%B %d, %Y" }}';
  const withDate = (contact: Partial<RenderContextInput['contact']> = {}) =>
    recipient({ ...contact, attributes: { renewal_date: instant } });

  it("formats in the contact's timezone", async () => {
    expect(await renderHtml(format, withDate())).toBe('February 28, 2026');
    expect(await renderHtml(format, withDate({ timezone: 'Asia/Tokyo' }))).toBe('March 01, 2026');
  });

  it("falls back to the organization's timezone, then UTC", async () => {
    const template = await compile('{{ contact.attributes.renewal_date | date: "%H:%M %z" }}');
    const render = (input: RenderContextInput) => {
      const result = renderTemplate(template, input);
      return result.ok ? result.html : result.errors;
    };
    expect(render(withDate({ timezone: null }))).toBe('03:00 +0100');
    expect(render(withDate({ timezone: 'Mars/Olympus_Mons' }))).toBe('03:00 +0100');
    const noZones = withDate({ timezone: null });
    noZones.organization.timezone = null;
    expect(render(noZones)).toBe('02:00 +0000');
  });

  it('renders each recipient in their own zone from one compiled template', async () => {
    const template = await compile(format);
    const zones = [
      'America/Los_Angeles',
      'Europe/Berlin',
      'America/Los_Angeles',
      'Pacific/Auckland',
    ];
    const rendered = zones.map((timezone) => {
      const result = renderTemplate(template, withDate({ timezone }));
      return result.ok && result.html;
    });
    expect(rendered).toEqual([
      'February 28, 2026',
      'March 01, 2026',
      'February 28, 2026',
      'March 01, 2026',
    ]);
  });

  it('keeps a date-only value on its calendar day', async () => {
    const html = await renderHtml(
      '{{ contact.attributes.renewal_date | date: "%B %d, %Y" }}',
      recipient({ timezone: 'America/Los_Angeles', attributes: { renewal_date: '2026-03-15' } }),
    );
    expect(html).toBe('March 15, 2026');
  });

  it('honours an explicit timezone argument', async () => {
    const html = await renderHtml(
      '{{ contact.attributes.renewal_date | date: "%H:%M", "Asia/Kolkata" }}',
      withDate(),
    );
    expect(html).toBe('07:30');
  });

  it('names days, months and the zone, and follows daylight saving time', async () => {
    const html = await renderHtml(
      [
        '{{ contact.winter | date: "%a %A %b %B %h %Z %z" }}',
        '{{ contact.summer | date: "%A %B %H:%M %z" }}',
        '{{ contact.winter | date: "%^B %%B" }}',
        '{{ contact.winter | date }}',
      ].join('|'),
      recipient({ attributes: { winter: '2026-01-15T20:00:00Z', summer: '2026-07-15T20:00:00Z' } }),
    );
    expect(html.split('|')).toEqual([
      'Thu Thursday Jan January Jan America/Los_Angeles -0800',
      'Wednesday July 13:00 -0700',
      'JANUARY %B',
      'Thursday, January 15, 2026 at 12:00 pm -0800',
    ]);
  });

  it('leaves values that are not dates alone, and reports an unknown zone', async () => {
    expect(await renderHtml('{{ "soon" | date: "%B" }}|{{ contact.none | date: "%B" }}')).toBe(
      'soon|',
    );
    const { errors } = await renderError('{{ "2026-01-15T20:00:00Z" | date: "%H", "Mars/Base" }}');
    expect(errors).toMatchObject([{ field: 'body', line: 1, column: 1 }]);
    expect(errors[0]!.message).toMatch(/Mars\/Base/);
  });

  it('formats createdAt given as a Date, and the Jekyll date filters', async () => {
    const html = await renderHtml(
      '{{ contact.createdAt | date: "%Y-%m-%d %H:%M" }}|{{ contact.createdAt | date_to_xmlschema }}|{{ contact.createdAt | date_to_long_string: "ordinal", "US" }}',
      recipient({ createdAt: new Date('2025-01-02T03:04:05Z') }),
    );
    expect(html).toBe('2025-01-01 19:04|2025-01-01T19:04:05-08:00|January 1st, 2025');
  });
});
