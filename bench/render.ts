/**
 * npm run bench:render — the per-recipient cost of a message, in the same run:
 *  - render: a 4 KB personalised HTML template (subject, preheader, HTML, generated text) compiled
 *    once, then rendered for N different contacts (renders/s), next to plain LiquidJS rendering
 *    the same HTML alone (the library's own floor);
 *  - MIME: Herald's skeleton composer (µs per message) next to nodemailer's MailComposer building
 *    the same message (DESIGN.md §5: ~0.67 ms per message on our boxes).
 * Prints JSON. N=… to change the number of recipients (default 20,000).
 */
import { Liquid } from 'liquidjs';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { createMessageSkeleton } from '../apps/api/src/platform/mail/mime.js';
import {
  compileTemplate,
  renderTemplate,
  type RenderContextInput,
} from '../apps/api/src/modules/templates/render/index.js';
import { FIRST, LAST, PLANS } from './support.js';

const N = Number(process.env.N ?? 20_000);

const paragraph = (i: number) =>
  `<tr><td style="padding:12px 24px;font-family:Arial,sans-serif;font-size:15px;line-height:22px;color:#334155">` +
  `Section ${i}: here is what changed in your {{ contact.plan | default: "free" }} plan this month, ` +
  `{{ firstName }}. <a href="https://example.com/features/${i}?ref=newsletter" style="color:#4f46e5">Read more</a></td></tr>`;
const BODY = `<!doctype html><html><head><meta charset="utf-8"><title>{{ organization.name }}</title></head>
<body style="margin:0;background:#f8fafc"><table role="presentation" width="100%" cellpadding="0" cellspacing="0">
<tr><td style="padding:24px;font-family:Arial,sans-serif;font-size:22px;font-weight:bold">Hello {{ contact.firstName | default: "there" }} {{ contact.lastName }},</td></tr>
${Array.from({ length: 12 }, (_, i) => i + 1)
  .map(paragraph)
  .join('\n')}
<tr><td style="padding:12px 24px;font-family:Arial,sans-serif;font-size:13px;color:#64748b">Your score is {{ contact.score }} — renewal on {{ contact.renewal | date: "%B %d, %Y" }}.
Sent to {{ email }} by {{ organization.name }}. <a href="{{ unsubscribe_url }}">Unsubscribe</a> · <a href="{{ preferences_url }}">Preferences</a></td></tr>
</table></body></html>`;

function contactFor(i: number): RenderContextInput['contact'] {
  return {
    id: `c-${i}`,
    email: `user${i}@example${i % 97}.com`,
    firstName: FIRST[i % FIRST.length]!,
    lastName: LAST[i % LAST.length]!,
    timezone: i % 2 ? 'America/New_York' : 'Europe/Berlin',
    attributes: { plan: PLANS[i % PLANS.length], score: i % 100, renewal: '2027-03-01' },
  };
}

const urls = (i: number) => ({
  unsubscribe: `https://herald.example/u/${i.toString(36)}.signature`,
  preferences: `https://herald.example/p/${i.toString(36)}.signature`,
  viewInBrowser: `https://herald.example/v/${i.toString(36)}.signature`,
});

function time(fn: () => void): number {
  const started = performance.now();
  fn();
  return performance.now() - started;
}

const compiled = await compileTemplate({
  subject: 'Your {{ contact.plan | default: "free" }} update, {{ firstName }}',
  preheader: 'Five things that changed this month',
  format: 'html',
  body: BODY,
});
if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors));
const template = compiled.template;
const organization = { name: 'Acme Inc.' };

// Warm up both paths so JIT and caches are settled before measuring.
for (let i = 0; i < 500; i++)
  renderTemplate(template, { contact: contactFor(i), organization, urls: urls(i) });

let htmlBytes = 0;
const renderMs = time(() => {
  for (let i = 0; i < N; i++) {
    const r = renderTemplate(template, { contact: contactFor(i), organization, urls: urls(i) });
    if (!r.ok) throw new Error('render failed');
    htmlBytes = r.html.length;
  }
});

// LiquidJS alone, HTML only: the floor any Liquid-based renderer sits on.
const liquid = new Liquid({ ownPropertyOnly: true });
const parsed = liquid.parse(BODY);
const liquidMs = time(() => {
  for (let i = 0; i < N; i++) {
    const c = contactFor(i);
    liquid.renderSync(parsed, {
      contact: { ...c, ...c.attributes },
      firstName: c.firstName,
      email: c.email,
      organization,
      unsubscribe_url: urls(i).unsubscribe,
      preferences_url: urls(i).preferences,
    });
  }
});

const sample = renderTemplate(template, { contact: contactFor(1), organization, urls: urls(1) });
if (!sample.ok) throw new Error('render failed');
const skeleton = createMessageSkeleton({
  from: { name: 'Acme Inc.', email: 'news@acme.example' },
  replyTo: { email: 'support@acme.example' },
  messageIdDomain: 'acme.example',
  staticHeaders: [['X-Herald-Campaign', 'bench']],
});
const headers = (i: number) =>
  [
    ['List-Unsubscribe', `<${urls(i).unsubscribe}>`],
    ['List-Unsubscribe-Post', 'List-Unsubscribe=One-Click'],
  ] as const;
const mimeN = Math.min(N, 10_000);
let mimeBytes = 0;
const mimeMs = time(() => {
  for (let i = 0; i < mimeN; i++) {
    mimeBytes = skeleton.compose({
      to: { name: `${FIRST[i % FIRST.length]}`, email: `user${i}@example.com` },
      subject: sample.subject,
      html: sample.html,
      text: sample.text,
      headers: headers(i),
    }).raw.length;
  }
});

const nodemailerN = Math.min(N, 2_000);
const nodemailerMs = await (async () => {
  const started = performance.now();
  for (let i = 0; i < nodemailerN; i++) {
    await new MailComposer({
      from: { name: 'Acme Inc.', address: 'news@acme.example' },
      replyTo: 'support@acme.example',
      to: { name: `${FIRST[i % FIRST.length]}`, address: `user${i}@example.com` },
      subject: sample.subject,
      html: sample.html,
      text: sample.text,
      headers: {
        'X-Herald-Campaign': 'bench',
        'List-Unsubscribe': `<${urls(i).unsubscribe}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      },
    })
      .compile()
      .build();
  }
  return performance.now() - started;
})();

const result = {
  bench: 'render',
  recipients: N,
  templateBytes: BODY.length,
  renderedHtmlBytes: htmlBytes,
  render: {
    perSec: Math.round((N / renderMs) * 1000),
    usPerMessage: +((renderMs * 1000) / N).toFixed(1),
    parts: 'subject, preheader, HTML, generated text',
  },
  liquidHtmlOnly: {
    perSec: Math.round((N / liquidMs) * 1000),
    usPerMessage: +((liquidMs * 1000) / N).toFixed(1),
  },
  mime: {
    usPerMessage: +((mimeMs * 1000) / mimeN).toFixed(1),
    messageBytes: mimeBytes,
  },
  nodemailerComposer: { usPerMessage: +((nodemailerMs * 1000) / nodemailerN).toFixed(1) },
  mimeSpeedupOverNodemailer: +(nodemailerMs / nodemailerN / (mimeMs / mimeN)).toFixed(1),
};
process.stdout.write(`${JSON.stringify(result)}\n`);
