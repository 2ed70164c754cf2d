import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
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
 * Outgoing webhooks in a real browser: an admin adds an endpoint pointed at a receiver this test
 * runs on loopback (allowed through WEBHOOK_ALLOWED_HOSTS), copies the secret shown once, sends
 * a test event, finds it in the delivery log, opens it and replays it.
 */

let server: TestHerald;
let browser: Browser;
let receiver: Server;
let receiverUrl: string;
const received: { headers: IncomingHttpHeaders; body: string }[] = [];
/** Statuses the receiver answers with next; 200 once they are used up. */
const answers: number[] = [];
const url = () => server.herald.url;

beforeAll(async () => {
  await buildDashboard();
  server = await startTestHerald({ WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' });
  browser = await launchBrowser();
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      const status = answers.shift() ?? 200;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'down');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/herald`;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  receiver?.closeAllConnections();
  await new Promise((resolve) => receiver?.close(resolve));
});

const nav = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click();

/** Dialogs scroll inside the viewport: a taller one shows the whole dialog in the picture. */
async function screenshotTall(page: Page, name: string, height = 1200) {
  const size = page.viewportSize()!;
  await page.setViewportSize({ width: size.width, height });
  await screenshot(page, name);
  await page.setViewportSize(size);
}

describe('webhooks', () => {
  beforeEach(({ task, onTestFailed }) => {
    onTestFailed(() => screenshotFailure(browser, task.name));
  });

  it('adds an endpoint, shows its secret once, sends a test event and shows it in the log', async () => {
    const { account, page } = await signUp(browser, url(), 'Wendy');
    await nav(page, 'Webhooks');
    await page.getByRole('heading', { name: 'No webhook endpoints yet' }).waitFor();
    await screenshot(page, 'webhooks-empty');

    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add endpoint' });
    // A mistyped address is caught before anything is sent.
    await dialog.getByLabel('Endpoint URL').fill('n8n.example.com/hook');
    await dialog.getByRole('button', { name: 'Add endpoint' }).click();
    await dialog.getByText('Enter the full address, starting with https://').waitFor();

    await dialog.getByLabel('Endpoint URL').fill(receiverUrl);
    await dialog.getByLabel('Description').fill('n8n workflow');
    await dialog.getByRole('radio', { name: 'Only these' }).click();
    await dialog.getByRole('checkbox', { name: /^Created/ }).check();
    await dialog.getByRole('checkbox', { name: /^Clicked/ }).check();
    await screenshotTall(page, 'webhooks-create');
    await dialog.getByRole('button', { name: 'Add endpoint' }).click();

    const created = page.getByRole('dialog', { name: 'Endpoint added' });
    const secret = await created.getByLabel('Signing secret').inputValue();
    expect(secret).toMatch(/^whsec_/);
    await screenshot(page, 'webhooks-secret');
    await created.getByRole('button', { name: 'I’ve saved the secret' }).click();

    // The endpoint's page: what it receives, test, secret, log.
    await page.getByRole('heading', { name: 'n8n workflow' }).waitFor();
    await page.getByText('Receives contact.created, message.clicked').waitFor();
    await page.getByRole('heading', { name: 'Nothing sent yet' }).waitFor();
    await page.getByRole('button', { name: 'Send test' }).click();
    await page.getByText('The endpoint accepted the test event.').waitFor();
    expect(received).toHaveLength(1);
    const body = new Webhook(secret).verify(received[0]!.body, {
      'webhook-id': String(received[0]!.headers['webhook-id']),
      'webhook-timestamp': String(received[0]!.headers['webhook-timestamp']),
      'webhook-signature': String(received[0]!.headers['webhook-signature']),
    }) as { type: string; data: { test: boolean } };
    expect(body).toMatchObject({ type: 'contact.created', data: { test: true } });

    const log = page.getByRole('region', { name: 'Delivery log' });
    await log.getByRole('link', { name: 'contact.created' }).waitFor();
    await log.getByText('HTTP 200').waitFor();
    await screenshot(page, 'webhooks-endpoint');

    // A real event: a contact created through the API reaches the receiver and the log.
    const contact = await account.call('POST', '/contacts', { email: 'ada@example.com' });
    expect(contact.status).toBe(201);
    await expect.poll(() => received.length, { timeout: 15_000 }).toBe(2);
    await page.reload();
    await expect
      .poll(() => log.getByRole('link', { name: 'contact.created' }).count(), { timeout: 15_000 })
      .toBe(2);

    // A failing test shows why; the delivery page shows every attempt and replays it.
    answers.push(503);
    await page.getByRole('button', { name: 'Send test' }).click();
    await page.getByText('The endpoint did not accept the test event.').waitFor();
    await page.getByText('It answered HTTP 503: “down”').waitFor();
    await log.getByRole('radio', { name: 'Failed' }).click();
    await log.getByRole('link', { name: 'contact.created' }).click();
    await page.getByRole('heading', { name: 'contact.created' }).waitFor();
    await page.getByText('Attempt 1').waitFor();
    await page.getByText('down', { exact: true }).waitFor();
    await screenshot(page, 'webhooks-delivery-failed');
    await page.getByRole('button', { name: 'Replay now' }).click();
    await page.getByText('Delivered: HTTP 200.').waitFor();
    await page.getByText('Attempt 2').waitFor();
    await screenshot(page, 'webhooks-delivery-replayed');
    expect(received).toHaveLength(4);
    expect(received[3]!.headers['webhook-id']).toBe(received[2]!.headers['webhook-id']);

    await page.getByRole('link', { name: 'Endpoint' }).click();
    await nav(page, 'Webhooks');
    await page.getByRole('link', { name: 'n8n workflow' }).waitFor();
    await page.getByText('2 event types').waitFor();
    await screenshot(page, 'webhooks-list');
  }, 120_000);

  it('refuses a private address the allow-list does not name, saying why', async () => {
    const { page } = await signUp(browser, url(), 'Pia');
    await nav(page, 'Webhooks');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add endpoint' });
    await dialog.getByLabel('Endpoint URL').fill('http://169.254.169.254/latest/meta-data');
    await dialog.getByRole('button', { name: 'Add endpoint' }).click();
    await dialog.getByText(/private or reserved address/).waitFor();
    await screenshotTall(page, 'webhooks-refused');
  }, 60_000);
});
