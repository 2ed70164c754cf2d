import type { Browser } from 'playwright-core';
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
 * The audit log in a real browser against a real Herald: an admin invites someone through the
 * members page, an API key adds a sender, and both show up in Settings → Audit log with who
 * did them, filterable by kind of activity and by person or key.
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

describe('audit log', () => {
  beforeEach(({ task, onTestFailed }) => {
    onTestFailed(() => screenshotFailure(browser, task.name));
  });

  it('shows what was done, by whom, and filters by activity and by actor', async () => {
    const { account, page } = await signUp(browser, url(), 'Olivia');
    const nav = page.getByRole('navigation', { name: 'Main' });

    await nav.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    await page.getByText('Nothing recorded yet').waitFor();
    await screenshot(page, 'audit-log-01-empty');

    // Through the UI: an invitation.
    await nav.getByRole('link', { name: 'Members' }).click();
    const invitee = `nora-${Date.now()}@example.com`;
    await page.getByLabel('Email address').fill(invitee);
    await page.getByRole('button', { name: 'Create invite link' }).click();
    await page.getByRole('row', { name: new RegExp(invitee) }).waitFor();

    // Through the API: a key, which then adds a sender as itself.
    const key = await account.call<{ id: string; key: string }>('POST', '/api-keys', {
      name: 'Zapier',
      role: 'admin',
    });
    expect(key.status).toBe(201);
    const sender = await fetch(`${url()}/api/v1/senders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key.body.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Newsletter relay',
        fromEmail: 'news@olivia.example',
        provider: 'smtp',
        smtp: { host: 'smtp.olivia.example', port: 587, username: 'news', password: 'secret-pw' },
      }),
    });
    expect(sender.status).toBe(201);

    await nav.getByRole('link', { name: 'Audit log' }).click();
    const rows = page.getByRole('row');
    const invited = page.getByRole('row', { name: new RegExp(`Invited ${invitee} as Editor`) });
    await invited.waitFor();
    expect(await invited.textContent()).toContain(account.email);
    const created = page.getByRole('row', { name: /Added sender “Newsletter relay”/ });
    expect(await created.textContent()).toContain('Zapier');
    expect(await created.textContent()).toContain('API key');
    await page.getByRole('row', { name: /Created API key “Zapier” with the Admin role/ }).waitFor();
    expect(await rows.count()).toBe(4); // the header and three entries, newest first
    expect(await rows.nth(1).textContent()).toContain('Added sender');
    await screenshot(page, 'audit-log-02-entries');

    await page.getByRole('combobox', { name: 'Activity' }).click();
    await page.getByRole('option', { name: 'Members and invitations' }).click();
    // The filtered list replaces the full one (a loading state in between).
    await page.getByRole('row', { name: /Added sender/ }).waitFor({ state: 'detached' });
    await invited.waitFor();
    expect(await rows.count()).toBe(2);
    await screenshot(page, 'audit-log-03-filtered');

    await page.getByRole('combobox', { name: 'Done by' }).click();
    await page.getByRole('option', { name: 'API key “Zapier”' }).click();
    await page.getByText('Nothing matches these filters').waitFor();
    await screenshot(page, 'audit-log-04-no-match');

    await page.getByRole('button', { name: 'Clear filters' }).first().click();
    await page.getByRole('row', { name: /Added sender/ }).waitFor();
    expect(await rows.count()).toBe(4);
  }, 120_000);
});
