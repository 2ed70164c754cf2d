import { createServer } from 'node:net';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  buildDashboard,
  launchBrowser,
  screenshot,
  screenshotFailure,
  signUp,
  startTestHerald,
  type TestHerald,
} from './harness.js';

/**
 * The content and sending screens in a real browser against a real Herald: writing a template
 * while the preview renders it as a contact, versions, a test send into the built-in outbox,
 * and an SMTP sender that fails verification, is edited, paused and resumed. Each test signs
 * up its own organization.
 */

let server: TestHerald;
let browser: Browser;
const url = () => server.herald.url;

beforeAll(async () => {
  await buildDashboard();
  server = await startTestHerald();
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A local port nothing listens on: connecting to it is refused at once. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Dialogs scroll inside the viewport: a taller one shows the whole dialog in the picture. */
async function screenshotTall(page: Page, name: string, height = 1400) {
  const size = page.viewportSize()!;
  await page.setViewportSize({ width: size.width, height });
  // From the dialog's top: focus may have scrolled it to the field last typed in.
  await page.evaluate(() => {
    for (const dialog of document.querySelectorAll('[role="dialog"]')) dialog.scrollTop = 0;
  });
  await screenshot(page, name);
  await page.setViewportSize(size);
}

const nav = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click();

/** Opens a Radix select and picks the option whose name starts with `option`. */
async function choose(page: Page, select: Locator, option: string) {
  await select.click();
  await page.getByRole('option', { name: new RegExp(`^${escape(option)}`) }).click();
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const BODY = [
  '<h1>Hi {{ contact.firstName }}</h1>',
  '<p>You are on the {{ contact.plan }} plan.</p>',
  '<p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p>',
].join('\n');

describe('content', () => {
  beforeEach(({ task, onTestFailed }) => {
    onTestFailed(() => screenshotFailure(browser, task.name));
  });

  it('writes a template against a live preview, keeps versions and sends a test to the outbox', async () => {
    const { account, page } = await signUp(browser, url(), 'Tessa');
    // "plan" is declared as a contact field, so the preview's checks know the attribute.
    expect(
      (await account.call('POST', '/fields', { key: 'plan', label: 'Plan', type: 'string' }))
        .status,
    ).toBe(201);
    const contact = await account.call<{ id: string }>('POST', '/contacts', {
      email: 'ada@example.com',
      firstName: 'Ada',
      lastName: 'Lovelace',
      attributes: { plan: 'Pro' },
    });
    expect(contact.status).toBe(201);

    await nav(page, 'Senders');
    await page.getByRole('link', { name: 'Outbox', exact: true }).click();
    await page.getByText('The outbox is empty').waitFor();
    await screenshot(page, 'content-01-outbox-empty');

    await nav(page, 'Templates');
    await page.getByText('No templates yet').waitFor();
    await screenshot(page, 'content-02-templates-empty');
    await page.getByRole('link', { name: 'New template' }).click();
    await page.waitForURL((u) => u.pathname === '/templates/new');

    // The starter renders straight away, for the sample recipient.
    const preview = page.frameLocator('iframe[title="Email preview"]');
    await preview.getByText('Write your message here.').waitFor();
    const inbox = page.getByRole('group', { name: 'Inbox preview' });
    const checks = page.getByRole('list', { name: 'Pre-send checks' });
    await checks.getByText('The subject is empty.').waitFor();

    await page.getByLabel('Name', { exact: true }).fill('Welcome');
    await page.getByLabel('Category').fill('Onboarding');
    await page.getByLabel('Subject').fill('Welcome, {{ contact.firstName }}');
    await page.getByLabel('Preheader').fill('Your {{ contact.plan }} plan is ready');
    const source = page.getByRole('textbox', { name: 'Body source (HTML)' });
    await source.fill(BODY);
    await page.getByText('Unsaved changes').waitFor();
    // Tab indents inside the source; after Escape it moves on, so the keyboard is never trapped.
    await source.press('Control+End');
    await source.press('Tab');
    expect(await source.inputValue()).toBe(`${BODY}  `);
    await source.press('Escape');
    await source.press('Tab');
    expect(await source.evaluate((element) => element === document.activeElement)).toBe(false);
    await source.fill(BODY);

    // Preview as the contact: their name and attribute fill the email, the subject and preheader.
    const previewAs = page.getByRole('combobox', { name: 'Preview as' });
    await previewAs.fill('ada');
    await page.getByRole('option', { name: /ada@example\.com/ }).click();
    await preview.getByRole('heading', { name: 'Hi Ada' }).waitFor();
    await preview.getByText('You are on the Pro plan.').waitFor();
    await inbox.getByText('Welcome, Ada').waitFor();
    expect(await inbox.textContent()).toContain('Your Pro plan is ready');
    expect(await previewAs.inputValue()).toBe('ada@example.com');
    await screenshot(page, 'content-03-editor-preview');

    // Without the unsubscribe link the checks block sending; putting it back clears them.
    const missingUnsubscribe = checks.getByText('Add an unsubscribe link', { exact: false });
    await source.fill(BODY.replace('<p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p>', ''));
    await missingUnsubscribe.waitFor();
    await page.getByText('1 error to fix before sending', { exact: false }).waitFor();
    await screenshot(page, 'content-04-check-missing-unsubscribe');
    await source.fill(BODY);
    await missingUnsubscribe.waitFor({ state: 'detached' });
    await page.getByText('Ready to send', { exact: false }).waitFor();

    // A tag left open: nothing renders, and the error says where; following it moves the caret.
    await source.fill(`${BODY}\n{% if contact.firstName %}`);
    const compileErrors = page.getByRole('list', { name: 'Compile errors' });
    await compileErrors.getByText('is never closed', { exact: false }).waitFor();
    await page.getByText('The template doesn’t compile').waitFor();
    await screenshot(page, 'content-05-compile-error');
    // Saving anyway is refused by the server, which says why.
    await page.keyboard.press('Control+s');
    await page.getByText('Not saved: the template doesn’t compile').waitFor();
    expect(new URL(page.url()).pathname).toBe('/templates/new');
    await compileErrors.getByRole('button', { name: 'Body, line 4, column 1' }).click();
    await page.getByLabel('Caret position').getByText('Ln 4, Col 1').waitFor();
    await source.fill(BODY);
    await preview.getByRole('heading', { name: 'Hi Ada' }).waitFor();

    // Ctrl+S saves from anywhere; the new template gets its own address.
    await page.keyboard.press('Control+s');
    await page.getByText('“Welcome” created.').waitFor();
    await page.waitForURL((u) => /^\/templates\/[0-9a-f-]{36}$/.test(u.pathname));
    await page.getByText('All changes saved').waitFor();
    // Who the preview is for carries over to the saved template.
    await preview.getByRole('heading', { name: 'Hi Ada' }).waitFor();
    const templateId = new URL(page.url()).pathname.split('/').pop()!;

    await page.getByLabel('Subject').fill('Welcome aboard, {{ contact.firstName }}');
    await inbox.getByText('Welcome aboard, Ada').waitFor();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Saved as version 2.').waitFor();
    await page.getByText('Version 2 · last saved', { exact: false }).waitFor();

    // The history lists both versions with who saved them; an old one can be read and restored.
    await page.getByRole('button', { name: 'History' }).click();
    const history = page.getByRole('dialog', { name: 'Version history' });
    const versions = history.getByRole('list', { name: 'Versions' });
    await versions
      .getByRole('button', { name: /^Version 2 \(current\), saved by Tessa/ })
      .waitFor();
    await versions.getByRole('button', { name: /^Version 1, saved by Tessa/ }).click();
    await history
      .getByRole('region', { name: 'Version 1' })
      .getByText('Welcome, {{ contact.firstName }}', { exact: true })
      .waitFor();
    await screenshotTall(page, 'content-06-version-history');
    await history.getByRole('button', { name: 'Restore version 1' }).click();
    const confirmRestore = page.getByRole('alertdialog', { name: 'Restore version 1?' });
    await confirmRestore.getByRole('button', { name: 'Restore version 1' }).click();
    await page.getByText('Version 1 restored as version 3.').waitFor();
    await history.waitFor({ state: 'detached' });
    expect(await page.getByLabel('Subject').inputValue()).toBe('Welcome, {{ contact.firstName }}');
    await page.getByText('Version 3 · last saved', { exact: false }).waitFor();

    // A test to the built-in outbox, rendered as the contact the preview shows.
    await page.getByRole('button', { name: 'Send test' }).click();
    const testSend = page.getByRole('dialog', { name: 'Send a test' });
    expect(await testSend.getByRole('combobox', { name: 'Sender' }).textContent()).toBe(
      'Built-in outbox',
    );
    expect(await testSend.getByLabel('Send to').inputValue()).toBe(account.email);
    expect(await testSend.getByRole('combobox', { name: 'Render as' }).inputValue()).toBe(
      'ada@example.com',
    );
    await screenshotTall(page, 'content-07-test-send-dialog');
    await testSend.getByRole('button', { name: 'Send test' }).click();
    await testSend.getByText(`Stored in the outbox for ${account.email}`).waitFor();
    await testSend.getByText('250', { exact: false }).waitFor();
    // The result links straight to the stored message.
    expect(
      await testSend.getByRole('link', { name: 'Open it in the outbox' }).getAttribute('href'),
    ).toMatch(/^\/senders\/outbox\/[0-9a-f-]{36}$/);
    await screenshot(page, 'content-08-test-sent');
    await testSend.getByRole('button', { name: 'Done' }).click();

    await nav(page, 'Templates');
    const row = page.getByRole('row', { name: /Welcome/ });
    await row.waitFor();
    expect(await row.textContent()).toContain('Onboarding');
    expect(await row.textContent()).toContain('v3');
    expect(await row.textContent()).toContain('HTML');
    await screenshot(page, 'content-09-templates-list');

    // The outbox shows the message; opening it shows it rendered and as raw source.
    await nav(page, 'Senders');
    await page.getByRole('link', { name: 'Outbox', exact: true }).click();
    const message = page.getByRole('link', { name: '[Test] Welcome, Ada' });
    await message.waitFor();
    expect(await page.getByRole('row', { name: /\[Test\] Welcome, Ada/ }).textContent()).toContain(
      account.email,
    );
    await screenshot(page, 'content-10-outbox-list');
    await message.click();
    await page.getByRole('heading', { name: '[Test] Welcome, Ada' }).waitFor();
    await page
      .frameLocator('iframe[title="Message as rendered"]')
      .getByRole('heading', { name: 'Hi Ada' })
      .waitFor();
    await screenshot(page, 'content-11-outbox-message');
    await page.getByRole('tab', { name: 'Raw source' }).click();
    const raw = page.getByLabel('Message source');
    await raw.waitFor();
    const rawText = (await raw.textContent()) ?? '';
    expect(rawText).toContain('Subject: [Test] Welcome, Ada');
    expect(rawText).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(rawText).toContain(`To: ${account.email}`);
    await page.getByRole('button', { name: 'Copy source' }).waitFor();
    await screenshot(page, 'content-12-outbox-raw');

    const { body: saved } = await account.call<{ version: number; subject: string }>(
      'GET',
      `/templates/${templateId}`,
    );
    expect(saved).toMatchObject({ version: 3, subject: 'Welcome, {{ contact.firstName }}' });

    // The editor on a phone: the shell and the stacked editor still fit.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${url()}/templates/${templateId}`);
    await page.getByRole('textbox', { name: 'Body source (HTML)' }).waitFor();
    await page.frameLocator('iframe[title="Email preview"]').getByText('Hi Jane').waitFor();
    await screenshot(page, 'content-13-editor-mobile');
    await page.context().close();
  }, 120_000);

  it('adds an SMTP sender that fails verification, shows field errors, pauses, alerts and resumes', async () => {
    const { account, page } = await signUp(browser, url(), 'Sam');
    const port = await closedPort();

    await nav(page, 'Senders');
    await page.getByRole('heading', { name: 'Built-in outbox' }).waitFor();
    await page.getByRole('button', { name: 'Add sender' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a sender' });
    expect(await dialog.getByRole('radio', { name: /An SMTP server/ }).isChecked()).toBe(true);
    await dialog.getByLabel('Name', { exact: true }).fill('Newsletter');
    await dialog.getByLabel('From name').fill('Acme News');
    await dialog.getByLabel('From address').fill('news@acme.test');
    await dialog.getByLabel('Host').fill('127.0.0.1');
    await dialog.getByLabel('Port').fill(String(port));
    await choose(page, dialog.getByRole('combobox', { name: 'Encryption' }), 'No encryption');
    expect(await dialog.getByLabel('Port').inputValue()).toBe(String(port));
    await dialog.getByLabel('User name').fill('mailer');
    await dialog.getByLabel('Password').fill('s3cret-password');
    await dialog.getByLabel('Per second').fill('5');
    await dialog.getByLabel('Per day').fill('10000');
    await dialog.getByRole('checkbox', { name: 'Only send at certain times' }).check();
    await dialog.getByRole('button', { name: 'Saturday' }).click();
    await dialog.getByLabel('Time zone').fill('Europe/Paris');
    await screenshotTall(page, 'senders-01-add-dialog', 1700);
    await dialog.getByRole('button', { name: 'Add sender' }).click();
    await page.getByText('“Newsletter” added. Verify it to check the connection.').waitFor();

    const card = page.getByRole('region', { name: 'Newsletter' });
    await card.getByText('5 a second').waitFor();
    await card.getByText('Mon–Sat, 09:00–17:00').waitFor();
    await card.getByText('Europe/Paris').waitFor();
    await card.getByText('Not verified yet', { exact: false }).waitFor();

    // Verifying reports each step: the connection is refused at the first one.
    await card.getByRole('button', { name: 'Verify Newsletter' }).click();
    const steps = card.getByRole('list', { name: 'Verification steps for Newsletter' });
    await steps.waitFor();
    expect(await steps.getByRole('listitem').count()).toBe(1);
    const connect = steps.getByRole('listitem').first();
    expect(await connect.getByLabel('Failed').count()).toBe(1);
    expect(await connect.textContent()).toContain('Connect');
    expect(await connect.textContent()).toContain('ECONNREFUSED');
    await card.getByText('Failed', { exact: true }).waitFor();
    await screenshot(page, 'senders-02-verify-failed');

    // Field errors land on the field they are about: the form's own, then the server's.
    await card.getByRole('button', { name: 'Edit Newsletter' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit “Newsletter”' });
    await edit.getByText('Stored. Leave empty to keep it', { exact: false }).waitFor();
    expect(await edit.getByLabel('Password').inputValue()).toBe('');
    await edit.getByLabel('Port').fill('70000');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await edit.getByText('A port is a whole number from 1 to 65535.').waitFor();
    expect(await edit.getByLabel('Port').getAttribute('aria-invalid')).toBe('true');
    await edit.getByLabel('Port').fill(String(port));
    await edit.getByLabel('Host').fill('bad host!');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await edit.getByText('A host name or IP address.').waitFor();
    expect(await edit.getByLabel('Host').getAttribute('aria-invalid')).toBe('true');
    await edit.getByLabel('Host').fill('127.0.0.1');
    await edit.getByLabel('Time zone').fill('Mars/Olympus_Mons');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await edit.getByText('Unknown timezone "Mars/Olympus_Mons".').waitFor();
    expect(await edit.getByLabel('Time zone').getAttribute('aria-invalid')).toBe('true');
    await screenshotTall(page, 'senders-03-edit-field-errors', 1700);
    await edit.getByLabel('Time zone').fill('America/New_York');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('“Newsletter” saved.', { exact: false }).waitFor();
    await card.getByText('America/New_York').waitFor();
    const { body: senders } = await account.call<{
      items: { id: string; name: string; smtp: { hasPassword: boolean } | null }[];
    }>('GET', '/senders');
    const newsletter = senders.items.find((s) => s.name === 'Newsletter')!;
    // The password was left empty: the stored one stays.
    expect(newsletter.smtp?.hasPassword).toBe(true);

    // Pausing by hand, and resuming.
    await card.getByRole('button', { name: 'Pause Newsletter' }).click();
    await page.getByText('“Newsletter” paused.', { exact: false }).waitFor();
    await card.getByText('Paused by a person', { exact: false }).waitFor();
    await card.getByRole('button', { name: 'Resume Newsletter' }).click();
    await page.getByText('“Newsletter” resumed.').waitFor();
    await card.getByRole('button', { name: 'Pause Newsletter' }).waitFor();

    // A test through the broken sender is deferred, with the server's answer.
    const template = await account.call<{ id: string }>('POST', '/templates', {
      name: 'Ping',
      subject: 'Ping',
      format: 'markdown',
      body: 'Hello\n\n[Unsubscribe]({{ unsubscribe_url }})',
    });
    expect(template.status).toBe(201);
    await page.goto(`${url()}/templates/${template.body.id}`);
    await page.getByRole('button', { name: 'Send test' }).click();
    const testSend = page.getByRole('dialog', { name: 'Send a test' });
    await choose(page, testSend.getByRole('combobox', { name: 'Sender' }), 'Newsletter');
    await testSend.getByRole('button', { name: 'Send test' }).click();
    await testSend.getByText('Deferred: not delivered this time').waitFor();
    await testSend.getByText('ECONNREFUSED', { exact: false }).waitFor();
    await screenshot(page, 'senders-04-test-send-deferred');
    await testSend.getByRole('button', { name: 'Done' }).click();

    // Enough failures in a row pause the sender and raise an alert, shown in the top bar.
    for (let attempt = 0; attempt < 9; attempt++) {
      const answer = await account.call<{ outcome: string }>(
        'POST',
        `/templates/${template.body.id}/test-send`,
        { to: account.email, senderId: newsletter.id },
      );
      expect(answer.body.outcome).toBe('retry');
    }
    await nav(page, 'Senders');
    await card.getByText('The server refused 10 attempts in a row', { exact: false }).waitFor();
    const bell = page.getByRole('button', { name: 'Alerts: 1 open' });
    await bell.waitFor();
    // The senders page shows the alert above the cards too.
    await page.getByRole('status').filter({ hasText: 'Sender “Newsletter” was paused' }).waitFor();
    await screenshot(page, 'senders-05-paused-with-alert');
    await bell.click();
    const panel = page.getByRole('dialog', { name: 'Alerts' });
    await panel.getByText('Sender “Newsletter” was paused').waitFor();
    await screenshot(page, 'senders-06-alerts-panel');
    await panel.getByRole('link', { name: 'Open sender' }).click();
    await panel.waitFor({ state: 'detached' });
    expect(new URL(page.url()).hash).toBe(`#sender-${newsletter.id}`);

    // Resuming clears the alert.
    await card.getByRole('button', { name: 'Resume Newsletter' }).click();
    await page.getByText('“Newsletter” resumed.').waitFor();
    await page.getByRole('button', { name: 'Alerts: none open' }).waitFor();
    await page.getByRole('button', { name: 'Alerts: none open' }).click();
    await page.getByRole('dialog', { name: 'Alerts' }).getByText('All clear').waitFor();
    await page.keyboard.press('Escape');

    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await card.getByRole('button', { name: 'Verify Newsletter' }).waitFor();
    await screenshot(page, 'senders-07-mobile');
    await page.setViewportSize({ width: 1280, height: 800 });

    await card.getByRole('button', { name: 'Delete Newsletter' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Delete “Newsletter”?' });
    await confirm.getByRole('button', { name: 'Delete sender' }).click();
    await page.getByText('“Newsletter” deleted.').waitFor();
    await card.waitFor({ state: 'detached' });
    await page.getByRole('heading', { name: 'Built-in outbox' }).waitFor();
    await page.context().close();
  }, 120_000);
});
