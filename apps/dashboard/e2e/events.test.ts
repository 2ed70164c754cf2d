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
 * The event API from a marketer's side in a real browser: create a write key, send events with
 * it over HTTP exactly as a Segment SDK would, and find them in the event explorer and on the
 * contact's timeline.
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

describe('events', () => {
  beforeEach(({ task, onTestFailed }) => {
    onTestFailed(() => screenshotFailure(browser, task.name));
  });

  it('creates a write key, receives events sent with it, lists and filters them', async () => {
    const { page } = await signUp(browser, url(), 'Evelyn');

    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Events' })
      .click();
    await page.waitForURL((u) => u.pathname === '/events');
    await page.getByRole('heading', { name: 'No events yet' }).waitFor();
    expect(await page.locator('pre').first().textContent()).toContain('/v1/track');
    await screenshot(page, 'events-01-empty');

    await page.getByRole('link', { name: 'Create a write key' }).click();
    await page.waitForURL((u) => u.pathname === '/settings/write-keys');
    await page.getByRole('heading', { name: 'No write keys yet' }).waitFor();
    await page.getByRole('button', { name: 'Create write key' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('Website');
    await dialog.getByRole('button', { name: 'Create key' }).click();
    const keyField = dialog.getByLabel('Write key');
    await keyField.waitFor();
    const writeKey = await keyField.inputValue();
    expect(writeKey).toMatch(/^wk_/);
    // The example in the dialog already carries the new key.
    expect(await dialog.locator('pre').textContent()).toContain(writeKey);
    await screenshot(page, 'write-keys-01-created');
    await dialog.getByRole('button', { name: 'I’ve saved my key' }).click();
    await page.getByRole('cell', { name: 'Website', exact: true }).waitFor();
    expect(await page.locator('main').textContent()).not.toContain(writeKey);
    await screenshot(page, 'write-keys-02-list');

    // What @segment/analytics-node sends: Basic auth with the key as username, a batch body.
    const email = `ada-${Date.now()}@example.com`;
    const res = await fetch(`${url()}/v1/batch`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        batch: [
          {
            type: 'identify',
            userId: 'user-42',
            traits: { email, firstName: 'Ada', plan: 'pro' },
          },
          {
            type: 'track',
            userId: 'user-42',
            event: 'Order Completed',
            properties: { total: 129.5, currency: 'EUR' },
          },
          { type: 'page', anonymousId: 'visitor-7', name: 'Pricing' },
        ],
      }),
    });
    expect(await res.json()).toEqual({ success: true, accepted: 3, rejected: [] });

    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Events' })
      .click();
    await page.waitForURL((u) => u.pathname === '/events');
    const rows = page.locator('main table tbody tr');
    await page.getByRole('button', { name: 'Order Completed' }).waitFor();
    expect(await rows.count()).toBe(3);
    await expect.poll(() => page.locator('main table').textContent()).toContain(email);
    expect(await page.locator('main table').textContent()).toContain('Not linked to a contact yet');
    await page.getByRole('button', { name: 'Order Completed' }).click();
    expect(await page.locator('main table').textContent()).toContain('"currency": "EUR"');
    await screenshot(page, 'events-02-list');

    await page.getByLabel('Event name').fill('Order Completed');
    await expect.poll(() => rows.count()).toBe(1);
    await page.getByLabel('Event name').fill('order completed');
    await page.getByRole('heading', { name: 'No events match these filters' }).waitFor();
    await screenshot(page, 'events-03-no-match');
    await page.getByRole('button', { name: 'Clear filters' }).first().click();
    await expect.poll(() => rows.count()).toBe(3);

    await page.getByRole('link', { name: email }).first().click();
    await page.waitForURL((u) => u.pathname.startsWith('/contacts/'));
    await page.getByText('Did “Order Completed”').waitFor();
    await page.getByText('Added by the event API as subscribed').waitFor();
    await screenshot(page, 'events-04-contact-timeline');
  }, 120_000);
});
