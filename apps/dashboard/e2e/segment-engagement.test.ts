import { simpleParser } from 'mailparser';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  buildDashboard,
  launchBrowser,
  pickWithKeyboard,
  screenshot,
  screenshotFailure,
  signUp,
  startTestHerald,
  type Account,
  type TestHerald,
} from './harness.js';

/**
 * Engagement rules in the segment builder, in a real browser against a real Herald: a campaign
 * is sent to the built-in outbox, people open and click it, and a segment saved through the API
 * ("opened any campaign in the last 30 days, has not clicked") opens in the builder as the
 * rules it is, is changed with the keyboard and saved back.
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

const TEMPLATE = {
  name: 'Spring sale',
  subject: 'Spring sale',
  format: 'html',
  body: [
    '<p><a href="https://shop.example/spring">Shop the sale</a></p>',
    '<p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p>',
  ].join('\n'),
};

/** Sends "Spring sale" to the people given through the outbox; returns the campaign's id. */
async function sendCampaign(account: Account, emails: string[]): Promise<string> {
  const list = await account.call<{ id: string }>('POST', '/lists', { name: 'Readers' });
  expect(list.status).toBe(201);
  const contactIds: string[] = [];
  for (const email of emails) {
    const contact = await account.call<{ id: string }>('POST', '/contacts', { email });
    expect(contact.status).toBe(201);
    contactIds.push(contact.body.id);
  }
  expect(
    (await account.call('POST', `/lists/${list.body.id}/members`, { contactIds })).status,
  ).toBeLessThan(300);
  const template = await account.call<{ id: string }>('POST', '/templates', TEMPLATE);
  expect(template.status).toBe(201);
  const { body: senders } = await account.call<{ items: { id: string }[] }>('GET', '/senders');
  const campaign = await account.call<{ id: string }>('POST', '/campaigns', {
    name: 'Spring sale',
    audience: { listIds: [list.body.id] },
    templateId: template.body.id,
    senderIds: [senders.items[0]!.id],
  });
  expect(campaign.status, JSON.stringify(campaign.body)).toBe(201);
  const started = await account.call('POST', `/campaigns/${campaign.body.id}/send-now`);
  expect(started.status, JSON.stringify(started.body)).toBe(200);
  await expect
    .poll(
      async () =>
        (await account.call<{ status: string }>('GET', `/campaigns/${campaign.body.id}`)).body
          .status,
      { timeout: 30_000 },
    )
    .toBe('sent');
  return campaign.body.id;
}

/** The open pixel and tracked link of the message `email` got, as paths on Herald. */
async function trackingOf(account: Account, email: string) {
  const { body: stored } = await account.call<{ items: { id: string; toEmail: string }[] }>(
    'GET',
    '/outbox?limit=50',
  );
  const message = stored.items.find((m) => m.toEmail === email)!;
  const { body } = await account.call<{ raw: string }>('GET', `/outbox/${message.id}`);
  const html = String((await simpleParser(body.raw)).html);
  return {
    open: /src="https?:\/\/[^/"]+(\/t\/o\/[A-Za-z0-9_-]+)"/.exec(html)![1]!,
    click: /href="https?:\/\/[^/"]+(\/t\/c\/[A-Za-z0-9_-]+)"/.exec(html)![1]!,
  };
}

/** Waits until the live segment count has settled on `expected`. */
async function expectCount(page: Page, expected: number) {
  const status = page.getByRole('status', { name: 'Matching contacts' });
  await page.waitForFunction(
    ([element, count]) =>
      element instanceof HTMLElement &&
      element.getAttribute('aria-busy') === 'false' &&
      element.textContent?.replace(/\s+/g, '') ===
        `${count}${count === 1 ? 'contact' : 'contacts'}`,
    [await status.elementHandle(), expected] as const,
    { timeout: 10_000 },
  );
}

describe('segment engagement rules', () => {
  beforeEach(({ task, onTestFailed }) => {
    onTestFailed(() => screenshotFailure(browser, task.name));
  });

  it('opens a segment saved with engagement rules, edits them with the keyboard and saves', async () => {
    const { account, page } = await signUp(browser, url(), 'Mina');
    const spring = await sendCampaign(account, ['ada@shop.test', 'bob@shop.test', 'cy@shop.test']);
    // Opens and clicks within seconds of delivery are machines'; a person takes longer.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const agent = { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0' };
    const ada = await trackingOf(account, 'ada@shop.test');
    const bob = await trackingOf(account, 'bob@shop.test');
    expect((await fetch(`${url()}${ada.open}`, { headers: agent })).status).toBe(200);
    expect((await fetch(`${url()}${bob.open}`, { headers: agent })).status).toBe(200);
    const visit = await fetch(`${url()}${ada.click}`, { headers: agent, redirect: 'manual' });
    expect(visit.status).toBe(302);
    await expect
      .poll(
        async () =>
          (
            await account.call<{ engagement: { opened: number; clicked: number } }>(
              'GET',
              `/campaigns/${spring}`,
            )
          ).body.engagement,
        { timeout: 10_000 },
      )
      .toEqual(expect.objectContaining({ opened: 2, clicked: 1 }));
    // A campaign nobody got yet, to pick in the builder.
    const summer = await account.call<{ id: string }>('POST', '/campaigns', {
      name: 'Summer sale',
    });
    expect(summer.status).toBe(201);

    const created = await account.call<{ id: string; cachedCount: number }>('POST', '/segments', {
      name: 'Readers who don’t click',
      definition: {
        all: [
          { engagement: 'opened', op: 'has', withinDays: 30 },
          { engagement: 'clicked', op: 'has_not' },
        ],
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.cachedCount).toBe(1);

    await page.goto(`${url()}/segments/${created.body.id}`);
    const rule = (n: number) => page.getByRole('group', { name: `Rule ${n}`, exact: true });
    const combo = (n: number, part: string) =>
      rule(n).getByRole('combobox', { name: `Rule ${n} ${part}` });
    await expectCount(page, 1);
    // The rules read as saved: "has opened any campaign in the last 30 days".
    expect(await combo(1, 'subject').textContent()).toBe('Engagement');
    expect(await combo(1, 'operator').textContent()).toBe('has');
    expect(await combo(1, 'engagement').textContent()).toBe('opened');
    expect(await combo(1, 'campaign').textContent()).toBe('any campaign');
    expect(await combo(1, 'period').textContent()).toBe('in the last');
    expect(await rule(1).getByLabel('Rule 1 days').inputValue()).toBe('30');
    expect(await combo(2, 'operator').textContent()).toBe('has not');
    expect(await combo(2, 'engagement').textContent()).toBe('clicked');
    expect(await combo(2, 'campaign').textContent()).toBe('any campaign');
    expect(await combo(2, 'period').textContent()).toBe('ever');
    await page
      .getByRole('list', { name: 'Sample of matching contacts' })
      .getByText('bob@shop.test')
      .waitFor();
    await screenshot(page, 'segment-engagement-01-opened');

    // The keyboard alone: "has not clicked Summer sale" leaves out nobody who opened.
    await combo(2, 'campaign').focus();
    await page.keyboard.press('Enter');
    await pickWithKeyboard(page, /^Summer sale/);
    await expect.poll(() => combo(2, 'campaign').textContent()).toBe('Summer sale');
    await expectCount(page, 2);

    // "opened" → "received", with the arrow keys.
    await combo(1, 'engagement').focus();
    await page.keyboard.press('Enter');
    await pickWithKeyboard(page, /^received$/);
    await expect.poll(() => combo(1, 'engagement').textContent()).toBe('received');
    await expectCount(page, 3);

    // A wrong window is pointed out as it is typed, on the input to fix, and not counted.
    const days = rule(1).getByLabel('Rule 1 days');
    await days.focus();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('0');
    await rule(1).getByText('Enter a number of days, 1 or more.').waitFor();
    expect(await days.getAttribute('aria-invalid')).toBe('true');
    await page.getByText('Not counting 1 unfinished rule.').waitFor();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('7');
    await expectCount(page, 3);
    expect(await rule(1).getByText('Enter a number of days').count()).toBe(0);
    await screenshot(page, 'segment-engagement-02-edited');

    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL((u) => u.pathname === '/segments');
    const { body: saved } = await account.call<{ definition: unknown; cachedCount: number }>(
      'GET',
      `/segments/${created.body.id}`,
    );
    expect(saved.definition).toEqual({
      all: [
        { engagement: 'received', op: 'has', withinDays: 7 },
        { engagement: 'clicked', op: 'has_not', campaign: summer.body.id },
      ],
    });
    expect(saved.cachedCount).toBe(3);

    // A new rule picks "Engagement" from the subject list and starts at "has opened … ever".
    await page.goto(`${url()}/segments/${created.body.id}`);
    await expectCount(page, 3);
    await page.getByRole('button', { name: 'Add rule', exact: true }).click();
    await combo(3, 'subject').focus();
    await page.keyboard.press('Enter');
    await pickWithKeyboard(page, /^Engagement/);
    await expect.poll(() => combo(3, 'engagement').textContent()).toBe('opened');
    expect(await combo(3, 'period').textContent()).toBe('ever');
    await expectCount(page, 2);
    // Campaigns are offered by name, newest first, with their status.
    await combo(3, 'campaign').click();
    expect(
      await page
        .getByRole('option')
        .evaluateAll((options) => options.map((o) => o.textContent?.trim())),
    ).toEqual(['any campaign', 'Summer saleDraft', 'Spring saleSent']);
    await page.getByRole('option', { name: /^Spring sale/ }).click();
    await expect.poll(() => combo(3, 'campaign').textContent()).toBe('Spring sale');
    await expectCount(page, 2);
    await screenshot(page, 'segment-engagement-03-new-rule');

    // A condition from a newer API is shown as it is, not turned into a rule it isn't.
    await page.route(`**/api/v1/segments/${created.body.id}`, async (route) => {
      const response = await route.fetch();
      const body = (await response.json()) as { definition: { all: unknown[] } };
      body.definition.all.push({ engagement: 'opened', op: 'has', link: 'https://shop.example' });
      await route.fulfill({ response, json: body });
    });
    await page.goto(`${url()}/segments/${created.body.id}`);
    expect(await combo(3, 'subject').textContent()).toBe('Advanced');
    expect(await rule(3).getByLabel('Rule 3 condition').textContent()).toContain(
      '"link": "https://shop.example"',
    );
    await screenshot(page, 'segment-engagement-04-advanced');
    await page.context().close();
  }, 120_000);
});
