import type { TemplateFormat } from './api';

export const FORMATS: readonly TemplateFormat[] = ['html', 'mjml', 'markdown'];

export const FORMAT_LABELS: Record<TemplateFormat, string> = {
  html: 'HTML',
  mjml: 'MJML',
  markdown: 'Markdown',
};

export const FORMAT_HINTS: Record<TemplateFormat, string> = {
  html: 'Write the email’s HTML yourself: full control, for hand-built or exported designs.',
  mjml: 'MJML turns simple sections and columns into HTML that works in every client, Outlook included.',
  markdown:
    'Plain writing with # headings, **bold** and [links](https://…): quickest for newsletters.',
};

/**
 * A first body per format: personalised, with the unsubscribe link every marketing email needs,
 * so a new template passes the pre-send checks before anyone has typed a word.
 */
export const STARTERS: Record<TemplateFormat, string> = {
  html: `<!doctype html>
<html>
  <body style="margin:0;background:#f1f5f9;font-family:Arial,Helvetica,sans-serif;color:#0f172a">
    <table role="presentation" width="100%" cellpadding="0" cellspacing="0">
      <tr>
        <td align="center" style="padding:24px 12px">
          <table role="presentation" width="100%" style="max-width:600px;background:#ffffff;border-radius:8px" cellpadding="0" cellspacing="0">
            <tr>
              <td style="padding:32px">
                <h1 style="margin:0 0 16px;font-size:22px">Hi {{ contact.firstName | default: "there" }},</h1>
                <p style="margin:0 0 16px;font-size:16px;line-height:24px">
                  Write your message here.
                </p>
                <p style="margin:0;font-size:16px;line-height:24px">
                  The {{ organization.name }} team
                </p>
              </td>
            </tr>
          </table>
          <p style="margin:16px 0 0;font-size:12px;color:#64748b">
            <a href="{{ view_in_browser_url }}" style="color:#64748b">View in browser</a> ·
            <a href="{{ preferences_url }}" style="color:#64748b">Email preferences</a> ·
            <a href="{{ unsubscribe_url }}" style="color:#64748b">Unsubscribe</a>
          </p>
        </td>
      </tr>
    </table>
  </body>
</html>
`,
  mjml: `<mjml>
  <mj-body background-color="#f1f5f9">
    <mj-section background-color="#ffffff" padding="32px 24px">
      <mj-column>
        <mj-text font-size="22px" font-weight="bold">
          Hi {{ contact.firstName | default: "there" }},
        </mj-text>
        <mj-text font-size="16px" line-height="24px">
          Write your message here.
        </mj-text>
        <mj-button href="https://example.com" background-color="#4f46e5">
          Call to action
        </mj-button>
        <mj-text font-size="16px">The {{ organization.name }} team</mj-text>
      </mj-column>
    </mj-section>
    <mj-section>
      <mj-column>
        <mj-text align="center" font-size="12px" color="#64748b">
          <a href="{{ preferences_url }}" style="color:#64748b">Email preferences</a> ·
          <a href="{{ unsubscribe_url }}" style="color:#64748b">Unsubscribe</a>
        </mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>
`,
  markdown: `# Hi {{ contact.firstName | default: "there" }},

Write your message here. **Bold**, _italics_ and [links](https://example.com) work as usual.

The {{ organization.name }} team

---

[Email preferences]({{ preferences_url }}) · [Unsubscribe]({{ unsubscribe_url }})
`,
};

/** The body is blank or still one of the starters: switching format may replace it. */
export const isStarterOrBlank = (body: string): boolean =>
  body.trim() === '' || FORMATS.some((format) => STARTERS[format] === body);
