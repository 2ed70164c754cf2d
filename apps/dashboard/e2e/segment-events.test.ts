import type { Browser, Locator, Page } from 'playwright-core';
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
 * Event rules in the segment builder, in a real browser against a real Herald: track events
 * sent with a write key decide who is in a segment ("ordered at least twice in the last 30 days
 * for more than 50", "last signed in more than 30 days ago").
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

async function createContact(account: Account, email: string) {
  const { status } = await account.call('POST', '/contacts', { email });
  expect(status).toBe(201);
}

/** Sends track events as an SDK would: Basic auth with a new write key, one batch. */
async function track(
  account: Account,
  events: { email: string; event: string; daysAgo: number; properties?: Record<string, unknown> }[],
) {
  const { status, body } = await account.call<{ key: string }>('POST', '/write-keys', {
    name: 'Shop',
  });
  expect(status).toBe(201);
  const batch = events.map(({ email, event, daysAgo, properties }) => ({
    type: 'track',
    event,
    properties: properties ?? {},
    context: { traits: { email } },
    timestamp: new Date(Date.now() - daysAgo * 86_400_000).toISOString(),
  }));
  const res = await fetch(`${url()}/v1/batch`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${body.key}:`).toString('base64')}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ batch }),
  });
  expect(await res.json()).toEqual({ success: true, accepted: events.length, rejected: [] });
}

/** Opens a Radix select and picks the option whose name starts with `option`. */
async function choose(page: Page, select: Locator, option: string) {
  await select.click();
  await page.getByRole('option', { name: new RegExp(`^${option}`) }).click();
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

describe('segment event rules', () => {
  beforeEach(({ task, onTestFailed }) => {
    onTestFailed(() => screenshotFailure(browser, task.name));
  });

  it('builds a segment from track events with the keyboard, counts it live and saves it', async () => {
    const { account, page } = await signUp(browser, url(), 'Tariq');
    for (const email of ['ada@shop.test', 'bob@shop.test', 'cy@shop.test'])
      await createContact(account, email);
    await track(account, [
      {
        email: 'ada@shop.test',
        event: 'Order Completed',
        daysAgo: 1,
        properties: { total: 129.5 },
      },
      { email: 'ada@shop.test', event: 'Order Completed', daysAgo: 5, properties: { total: 80 } },
      { email: 'ada@shop.test', event: 'Signed In', daysAgo: 60 },
      { email: 'bob@shop.test', event: 'Order Completed', daysAgo: 2, properties: { total: 20 } },
      { email: 'bob@shop.test', event: 'Order Completed', daysAgo: 3, properties: { total: 30 } },
      { email: 'bob@shop.test', event: 'Signed In', daysAgo: 45 },
      { email: 'cy@shop.test', event: 'Order Completed', daysAgo: 1, properties: { total: 99 } },
      { email: 'cy@shop.test', event: 'Signed In', daysAgo: 0 },
    ]);
    // Events are stored by the worker; the builder counts what is stored.
    await expect
      .poll(
        async () =>
          (
            await account.call<{ items: { contactId: string | null }[] }>(
              'GET',
              '/events?type=track&limit=50',
            )
          ).body.items.filter((e) => e.contactId !== null).length,
        { timeout: 10_000 },
      )
      .toBe(8);

    await page.goto(`${url()}/segments/new`);
    const rule = (n: number) => page.getByRole('group', { name: `Rule ${n}`, exact: true });
    await expectCount(page, 3);

    // The keyboard alone: open the subject select, arrow to "Event", Enter to pick it.
    const subject = rule(1).getByRole('combobox', { name: 'Rule 1 subject' });
    await subject.focus();
    await page.keyboard.press('Enter');
    await pickWithKeyboard(page, /^Event/);
    await rule(1).getByLabel('Rule 1 event name').waitFor();
    expect(await subject.textContent()).toContain('Event');
    // Names already tracked are offered as suggestions.
    await expect
      .poll(() =>
        rule(1)
          .locator('datalist option')
          .evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value)),
      )
      .toEqual(['Order Completed', 'Signed In']);
    await page.keyboard.press('Tab');
    expect(
      await rule(1)
        .getByLabel('Rule 1 event name')
        .evaluate((e) => e === document.activeElement),
    ).toBe(true);
    await page.keyboard.type('Order Completed');
    // "performed at least 1 time ever" is where a new event rule starts.
    expect(await rule(1).getByLabel('Rule 1 times').inputValue()).toBe('1');
    await expectCount(page, 3);
    // A wrong count is pointed out as it is typed, on the input to fix.
    await rule(1).getByLabel('Rule 1 times').fill('1.5');
    await rule(1).getByText('Enter how many times: a whole number, 1 or more.').waitFor();
    expect(await rule(1).getByLabel('Rule 1 times').getAttribute('aria-invalid')).toBe('true');
    expect(await rule(1).getByLabel('Rule 1 event name').getAttribute('aria-invalid')).toBeNull();
    await rule(1).getByLabel('Rule 1 times').fill('2');
    await expectCount(page, 2);
    expect(await rule(1).getByText('Enter how many times').count()).toBe(0);

    const period = rule(1).getByRole('combobox', { name: 'Rule 1 period' });
    await period.focus();
    await page.keyboard.press('Enter');
    await pickWithKeyboard(page, /^in the last$/);
    expect(await rule(1).getByLabel('Rule 1 days').inputValue()).toBe('30');
    await expectCount(page, 2);

    await rule(1).getByRole('button', { name: 'Add property filter to rule 1' }).click();
    const filter = rule(1).getByRole('group', { name: 'Rule 1 filter 1' });
    await filter.getByLabel('Rule 1 filter 1 property').fill('total');
    await choose(
      page,
      filter.getByRole('combobox', { name: 'Rule 1 filter 1 operator' }),
      'is greater than',
    );
    // Unfinished: not counted, and saving says what is missing.
    await page.getByText('Not counting 1 unfinished rule.').waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Repeat big spenders');
    await page.getByRole('button', { name: 'Save segment' }).click();
    await rule(1).getByText('Compare “total” with a number or a date (YYYY-MM-DD).').waitFor();
    await screenshot(page, 'segment-events-01-unfinished-filter');
    await filter.getByLabel('Rule 1 filter 1 value').fill('50');
    await expectCount(page, 1);
    await page
      .getByRole('list', { name: 'Sample of matching contacts' })
      .getByText('ada@shop.test')
      .waitFor();

    await page.getByRole('button', { name: 'Add rule', exact: true }).click();
    await choose(page, rule(2).getByRole('combobox', { name: 'Rule 2 subject' }), 'Event');
    await rule(2).getByLabel('Rule 2 event name').fill('Signed In');
    await choose(
      page,
      rule(2).getByRole('combobox', { name: 'Rule 2 operator' }),
      'last performed more than',
    );
    expect(await rule(2).getByLabel('Rule 2 days').inputValue()).toBe('30');
    await expectCount(page, 1);
    await rule(2).getByLabel('Rule 2 days').fill('90');
    await expectCount(page, 0);
    await rule(2).getByLabel('Rule 2 days').fill('30');
    await expectCount(page, 1);
    await screenshot(page, 'segment-events-02-builder');

    await page.getByRole('button', { name: 'Save segment' }).click();
    await page.waitForURL((u) => u.pathname === '/segments');
    const row = page.getByRole('row', { name: /Repeat big spenders/ });
    await row.waitFor();
    expect(await row.textContent()).toContain('1Counted just now');

    const { body: list } = await account.call<{
      items: { id: string; definition: unknown; cachedCount: number }[];
    }>('GET', '/segments');
    expect(list.items).toHaveLength(1);
    expect(list.items[0]!.cachedCount).toBe(1);
    expect(list.items[0]!.definition).toEqual({
      all: [
        {
          event: 'Order Completed',
          op: 'at_least',
          count: 2,
          withinDays: 30,
          where: [{ property: 'total', op: 'gt', value: 50 }],
        },
        { event: 'Signed In', op: 'last_before', daysAgo: 30 },
      ],
    });

    // Reopened, the rules read as they were built.
    await page.getByRole('link', { name: 'Repeat big spenders', exact: true }).click();
    await expectCount(page, 1);
    expect(await rule(1).getByLabel('Rule 1 event name').inputValue()).toBe('Order Completed');
    expect(await rule(1).getByRole('combobox', { name: 'Rule 1 period' }).textContent()).toBe(
      'in the last',
    );
    expect(
      await rule(1)
        .getByRole('group', { name: 'Rule 1 filter 1' })
        .getByLabel('Rule 1 filter 1 value')
        .inputValue(),
    ).toBe('50');
    expect(await rule(2).getByRole('combobox', { name: 'Rule 2 operator' }).textContent()).toBe(
      'last performed more than',
    );
    await screenshot(page, 'segment-events-03-reopened');
  }, 120_000);
});
