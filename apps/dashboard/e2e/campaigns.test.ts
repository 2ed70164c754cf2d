import { simpleParser } from 'mailparser';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  buildDashboard,
  launchBrowser,
  screenshot,
  screenshotFailure,
  signUp,
  startTestHerald,
  type Account,
  type TestHerald,
} from './harness.js';

/**
 * Campaigns in a real browser against a real Herald: the wizard with its live audience count,
 * a launch to the built-in outbox watched live over the realtime socket (pause, resume, sent),
 * the report filling in as people open and click, and a launch the pre-flight refuses. Each
 * test signs up its own organization.
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

/** A list holding new contacts; returns the list's id. */
async function listWith(account: Account, name: string, people: string[], status?: string) {
  const list = await account.call<{ id: string }>('POST', '/lists', { name });
  expect(list.status).toBe(201);
  const ids: string[] = [];
  for (const person of people) {
    const contact = await account.call<{ id: string }>('POST', '/contacts', {
      email: `${person.toLowerCase()}@example.com`,
      firstName: person,
      ...(status ? { status } : {}),
    });
    expect(contact.status, JSON.stringify(contact.body)).toBe(201);
    ids.push(contact.body.id);
  }
  if (ids.length > 0) {
    const added = await account.call('POST', `/lists/${list.body.id}/members`, { contactIds: ids });
    expect(added.status).toBeLessThan(300);
  }
  return list.body.id;
}

const TEMPLATE = {
  name: 'Spring sale',
  subject: 'Spring sale, {{ contact.firstName }}',
  format: 'html',
  body: [
    '<h1>Hi {{ contact.firstName | default: "there" }}</h1>',
    '<p><a href="https://shop.example/spring">Shop the sale</a></p>',
    '<p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p>',
  ].join('\n'),
};

const nav = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click();

/** Opens a Radix select and picks the option whose name starts with `option`. */
async function choose(page: Page, select: Locator, option: string) {
  await select.click();
  await page.getByRole('option', { name: new RegExp(`^${escape(option)}`) }).click();
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const progressValue = async (page: Page) =>
  Number(
    await page.getByRole('progressbar', { name: 'Sent so far' }).getAttribute('aria-valuenow'),
  );

/** A stat card's figure, by its label. */
const stat = (page: Page, label: string) =>
  page
    .locator('dl > div')
    .filter({ has: page.getByText(label, { exact: true }) })
    .locator('dd')
    .first();

describe('campaigns', () => {
  beforeEach(({ task, onTestFailed }) => {
    onTestFailed(() => screenshotFailure(browser, task.name));
  });

  it('builds a campaign in the wizard, launches it to the outbox and watches it send live', async () => {
    const { account, page } = await signUp(browser, url(), 'Cleo');
    // Socket frames, to tell live updates from polling.
    const frames: string[] = [];
    page.on('websocket', (socket) => {
      socket.on('framereceived', ({ payload }) => frames.push(String(payload)));
    });

    await nav(page, 'Campaigns');
    await page.getByText('No campaigns yet').waitFor();
    await screenshot(page, 'campaigns-01-list-empty');

    const people = ['Ada', 'Grace', 'Hedy', 'Joan', 'Katherine', 'Mary', 'Radia', 'Barbara'];
    const newsletter = await listWith(account, 'Newsletter', people);
    // Unsubscribed members are never counted, and a left-out list takes its people away.
    await listWith(account, 'Former readers', ['Lapsed'], 'unsubscribed');
    const vip = await listWith(account, 'VIP', ['Vera', 'Vince']);
    const both = await account.call<{ items: { id: string; email: string }[] }>(
      'GET',
      '/contacts?limit=50',
    );
    const ada = both.body.items.find((c) => c.email === 'ada@example.com')!;
    const grace = both.body.items.find((c) => c.email === 'grace@example.com')!;
    await account.call('POST', `/lists/${vip}/members`, { contactIds: [ada.id, grace.id] });
    await account.call('POST', `/lists/${newsletter}/members`, {
      contactIds: both.body.items.filter((c) => c.email.startsWith('v')).map((c) => c.id),
    });
    expect((await account.call('POST', '/templates', TEMPLATE)).status).toBe(201);
    // One message a second keeps the send going long enough to watch, pause and resume.
    const { body: senders } = await account.call<{ items: { id: string; name: string }[] }>(
      'GET',
      '/senders',
    );
    const outbox = senders.items[0]!;
    expect(
      (await account.call('PATCH', `/senders/${outbox.id}`, { limits: { perSecond: 1 } })).status,
    ).toBe(200);

    await page.reload();
    await page.getByRole('link', { name: 'Create your first campaign' }).click();
    await page.waitForURL((u) => u.pathname === '/campaigns/new');
    const steps = page.getByRole('navigation', { name: 'Campaign steps' });
    expect(await steps.getByRole('button', { name: /Audience/ }).getAttribute('aria-current')).toBe(
      'step',
    );

    // Moving on without an audience says what is missing, on the step itself.
    await page.getByRole('button', { name: 'Next: Content' }).click();
    await page.getByText('Name the campaign', { exact: false }).waitFor();
    await page.getByText('Choose at least one list or segment to send to.').waitFor();

    await page.getByLabel('Campaign name').fill('Spring sale');
    const include = page.getByRole('group', { name: 'Lists', exact: true });
    const exclude = page.getByRole('group', { name: 'Lists to leave out' });
    const recipients = page.getByRole('status', { name: 'Recipients' });
    await include.getByRole('checkbox', { name: 'Newsletter' }).check();
    // The first change creates the draft, which gets its own address; the count follows.
    await page.waitForURL((u) => /^\/campaigns\/[0-9a-f-]{36}\/edit$/.test(u.pathname));
    const campaignId = new URL(page.url()).pathname.split('/')[2]!;
    await expect.poll(() => recipients.textContent()).toMatch(/^10\s*contacts/);
    await include.getByRole('checkbox', { name: 'Former readers' }).check();
    await expect.poll(() => recipients.textContent()).toMatch(/^10\s*contacts/);
    await exclude.getByRole('checkbox', { name: 'VIP' }).check();
    await expect.poll(() => recipients.textContent()).toMatch(/^6\s*contacts/);
    // What was typed before the draft existed was saved with it.
    expect(await page.getByLabel('Campaign name').inputValue()).toBe('Spring sale');
    await page.getByText('Draft saved').waitFor();
    await screenshot(page, 'campaigns-02-wizard-audience');

    await page.getByRole('button', { name: 'Next: Content' }).click();
    await page.getByRole('radio', { name: 'Use a template' }).waitFor();
    await choose(page, page.getByRole('combobox', { name: 'Template' }), 'Spring sale');
    const preview = page.frameLocator('iframe[title="Email preview"]');
    await preview.getByRole('link', { name: 'Shop the sale' }).waitFor();
    await page
      .getByRole('group', { name: 'Inbox preview' })
      .getByText('Spring sale, Jane')
      .waitFor();
    await screenshot(page, 'campaigns-03-wizard-content');
    // Written here instead: the starter comes with the unsubscribe link the checks ask for.
    await page.getByRole('radio', { name: 'Write it here' }).click();
    await page.getByRole('textbox', { name: 'Body source (HTML)' }).waitFor();
    await page.getByLabel('Subject', { exact: true }).fill('Hello {{ contact.firstName }}');
    await page.getByRole('group', { name: 'Inbox preview' }).getByText('Hello Jane').waitFor();
    await screenshot(page, 'campaigns-04-wizard-content-inline');
    await page.getByRole('radio', { name: 'Use a template' }).click();
    expect(await page.getByRole('combobox', { name: 'Template' }).textContent()).toBe(
      'Spring sale',
    );

    await page.getByRole('button', { name: 'Next: Senders' }).click();
    // The organization's only sender is already chosen.
    const outboxBox = page.getByRole('checkbox', { name: 'Built-in outbox' });
    await outboxBox.waitFor();
    expect(await outboxBox.isChecked()).toBe(true);
    await page.getByLabel('From name').fill('Acme News');
    await page.getByLabel('Reply-to address').fill('not-an-address');
    await page.getByRole('button', { name: 'Next: Schedule & tracking' }).click();
    await page.getByText('Enter an email address like name@company.com.').waitFor();
    await page.getByLabel('Reply-to address').fill('hello@acme.test');
    await screenshot(page, 'campaigns-05-wizard-senders');

    await page.getByRole('button', { name: 'Next: Schedule & tracking' }).click();
    await page.getByRole('radio', { name: 'Schedule for later' }).click();
    await page.getByLabel('Date').waitFor();
    await page.getByRole('checkbox', { name: 'Only send at certain times' }).check();
    await page.getByLabel('utm_source').fill('herald');
    await page.getByLabel('utm_medium').fill('email');
    await screenshot(page, 'campaigns-06-wizard-schedule');
    // Back to sending right away, at any time of day.
    await page.getByRole('radio', { name: 'Send right away' }).click();
    await page.getByRole('checkbox', { name: 'Only send at certain times' }).uncheck();

    await page.getByRole('button', { name: 'Next: Review & launch' }).click();
    const review = page.getByRole('region', { name: 'Pre-flight check' });
    await review.getByText('Ready to launch').waitFor();
    expect(await review.getByRole('status', { name: 'Recipients' }).textContent()).toMatch(
      /^6\s*recipients/,
    );
    const summary = page.getByRole('region', { name: 'Summary' });
    expect(await summary.textContent()).toContain('Newsletter, Former readers');
    expect(await summary.textContent()).toContain('utm_source=herald&utm_medium=email');
    await screenshot(page, 'campaigns-07-wizard-review');

    // Everything typed reaches the server (autosave is debounced) before the launch.
    const saved = async () =>
      (
        await account.call<{
          name: string;
          fromName: string;
          replyTo: string;
          audience: { excludeListIds: string[] };
          window: unknown;
        }>('GET', `/campaigns/${campaignId}`)
      ).body;
    await expect.poll(saved, { timeout: 15_000 }).toMatchObject({
      name: 'Spring sale',
      fromName: 'Acme News',
      replyTo: 'hello@acme.test',
      audience: { excludeListIds: [vip] },
      window: null,
    });

    await review.getByRole('button', { name: 'Send now' }).click();
    const confirm = page.getByRole('dialog', { name: 'Send “Spring sale” now?' });
    await confirm.getByText('It goes to 6 contacts right away.').waitFor();
    await confirm.getByRole('button', { name: 'Send now' }).click();
    await page.waitForURL((u) => u.pathname === `/campaigns/${campaignId}`);
    await page.getByText('“Spring sale” is on its way.').waitFor();

    // Live: the bar moves and the status changes with no reload, driven by socket events.
    const progress = page.getByRole('region', { name: /Sending|Starting|Waiting/ });
    await page.getByRole('progressbar', { name: 'Sent so far' }).waitFor();
    await expect.poll(() => progressValue(page), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await progressValue(page)).toBeLessThan(100);
    await progress.getByText('Live').waitFor();
    await page.getByText(/messages\/s/).waitFor();
    await screenshot(page, 'campaigns-08-campaign-sending');

    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByText('“Spring sale” paused.', { exact: false }).waitFor();
    await page.getByRole('region', { name: 'Paused' }).waitFor();
    await screenshot(page, 'campaigns-09-campaign-paused');
    const { body: paused } = await account.call<{ status: string }>(
      'GET',
      `/campaigns/${campaignId}`,
    );
    expect(paused.status).toBe('paused');
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.getByText('“Spring sale” resumed.').waitFor();

    await page.getByRole('region', { name: 'Sent', exact: true }).waitFor({ timeout: 30_000 });
    expect(await progressValue(page)).toBe(100);
    expect(frames.some((frame) => frame.includes('"campaign.progress"'))).toBe(true);
    expect(frames.some((frame) => frame.includes('"campaign.status"'))).toBe(true);
    await expect.poll(() => stat(page, 'Recipients').textContent()).toBe('6');
    await expect.poll(() => stat(page, 'Sent').textContent()).toBe('6');
    const table = page.getByRole('table', { name: 'Recipients' });
    await expect.poll(() => table.getByRole('row').count()).toBe(7);
    expect(await table.locator('tbody').getByText('Sent', { exact: true }).count()).toBe(6);
    expect(await table.textContent()).not.toContain('ada@example.com');
    expect(await table.textContent()).toContain('hedy@example.com');

    // People open and click; the report follows without a reload. A scanner's click is apart.
    const { body: stored } = await account.call<{ items: { id: string; toEmail: string }[] }>(
      'GET',
      '/outbox?limit=50',
    );
    const hedy = stored.items.find((m) => m.toEmail === 'hedy@example.com')!;
    const { body: message } = await account.call<{ raw: string }>('GET', `/outbox/${hedy.id}`);
    const html = String((await simpleParser(message.raw)).html);
    const open = /src="https?:\/\/[^/"]+(\/t\/o\/[A-Za-z0-9_-]+)"/.exec(html)![1]!;
    const click = /href="https?:\/\/[^/"]+(\/t\/c\/[A-Za-z0-9_-]+)"/.exec(html)![1]!;
    // Clicks within seconds of delivery are scanners'; a person takes longer.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const agent = 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0';
    expect((await fetch(`${url()}${open}`, { headers: { 'user-agent': agent } })).status).toBe(200);
    const visit = await fetch(`${url()}${click}`, {
      headers: { 'user-agent': agent },
      redirect: 'manual',
    });
    expect(visit.status).toBe(302);
    expect(visit.headers.get('location')).toBe(
      'https://shop.example/spring?utm_source=herald&utm_medium=email',
    );
    const scan = await fetch(`${url()}${click}`, {
      method: 'HEAD',
      headers: { 'user-agent': 'Barracuda' },
      redirect: 'manual',
    });
    expect(scan.status).toBe(302);
    await expect
      .poll(() => stat(page, 'Unique opens').textContent(), { timeout: 15_000 })
      .toBe('1');
    await expect
      .poll(() => stat(page, 'Unique clicks').textContent(), { timeout: 15_000 })
      .toBe('1');
    await page.getByText('Not counted above: 1 click by machines', { exact: false }).waitFor();
    const links = page.getByRole('table', { name: 'Links' });
    await links
      .getByText('https://shop.example/spring?utm_source=herald&utm_medium=email')
      .waitFor();
    await page.getByRole('img', { name: 'Opens and clicks per hour' }).waitFor();
    await screenshot(page, 'campaigns-10-campaign-sent');
    // On a phone the report stacks, and the wide tables scroll on their own.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('region', { name: 'Sent', exact: true }).waitFor();
    await screenshot(page, 'campaigns-10b-campaign-sent-mobile');
    await page.setViewportSize({ width: 1280, height: 800 });

    // The outbox kept every message, personalised.
    await nav(page, 'Senders');
    await page.getByRole('link', { name: 'Outbox', exact: true }).click();
    for (const person of ['Hedy', 'Joan', 'Katherine', 'Mary', 'Radia', 'Barbara']) {
      await page.getByRole('link', { name: `Spring sale, ${person}` }).waitFor();
    }
    expect(await page.getByRole('link', { name: /^Spring sale, / }).count()).toBe(6);
    await screenshot(page, 'campaigns-11-outbox');

    // The list shows it with its rates; the status chips filter.
    await nav(page, 'Campaigns');
    const row = page.getByRole('row', { name: /Spring sale/ });
    await row.getByText('16.7 %').first().waitFor();
    expect(await row.textContent()).toContain('Sent');
    await screenshot(page, 'campaigns-12-list');
    await page.getByRole('button', { name: 'Drafts' }).click();
    await page.getByText('No campaigns match').waitFor();
    await page.getByRole('button', { name: 'Sent', exact: true }).click();
    await row.waitFor();

    // A follow-up to those who didn't open starts as a draft at its content.
    await row.getByRole('link', { name: 'Spring sale' }).click();
    await page.getByRole('button', { name: 'Follow up' }).click();
    await page.getByRole('menuitem', { name: 'Those who didn’t open' }).click();
    await page.waitForURL((u) => u.pathname.endsWith('/edit') && u.search === '?step=content');
    await page.getByRole('heading', { name: 'Spring sale — follow-up to non-openers' }).waitFor();
    await steps.getByRole('button', { name: /Audience/ }).click();
    await page.getByText('who didn’t open', { exact: false }).waitFor();
    await steps.getByRole('button', { name: /Review/ }).click();
    await page
      .getByRole('region', { name: 'Pre-flight check' })
      .getByRole('status', { name: 'Recipients' })
      .getByText('5')
      .waitFor();

    // The overview charts the day and lists the campaigns.
    await nav(page, 'Overview');
    const activity = page.getByRole('region', { name: 'Last 30 days' });
    await activity.getByRole('img', { name: 'Sent per day' }).waitFor();
    await page
      .getByRole('region', { name: 'Recent campaigns' })
      .getByText('Spring sale')
      .first()
      .waitFor();
    await screenshot(page, 'campaigns-13-overview');
    await page.context().close();
  }, 180_000);

  it('refuses a launch the pre-flight blocks, shows why and changes nothing', async () => {
    const { account, page } = await signUp(browser, url(), 'Nico');
    // A new organization's overview points at the first campaign.
    const activity = page.getByRole('region', { name: 'Last 30 days' });
    await activity.getByText('No campaigns yet').waitFor();
    expect(
      await activity.getByRole('link', { name: 'Create your first campaign' }).getAttribute('href'),
    ).toBe('/campaigns/new');
    await screenshot(page, 'campaigns-00-overview-empty');
    await listWith(account, 'Nobody here', []);
    expect((await account.call('POST', '/templates', TEMPLATE)).status).toBe(201);

    await page.goto(`${url()}/campaigns/new`);
    await page.getByLabel('Campaign name').fill('Into the void');
    await page
      .getByRole('group', { name: 'Lists', exact: true })
      .getByRole('checkbox', { name: 'Nobody here' })
      .check();
    await page.waitForURL((u) => /^\/campaigns\/[0-9a-f-]{36}\/edit$/.test(u.pathname));
    const campaignId = new URL(page.url()).pathname.split('/')[2]!;
    await expect
      .poll(() => page.getByRole('status', { name: 'Recipients' }).textContent())
      .toMatch(/^0\s*contacts/);
    await page.getByText('Nobody would get it', { exact: false }).waitFor();

    await page.getByRole('button', { name: 'Next: Content' }).click();
    await choose(page, page.getByRole('combobox', { name: 'Template' }), 'Spring sale');
    await page.getByRole('button', { name: 'Next: Senders' }).click();
    await page.getByRole('button', { name: 'Next: Schedule & tracking' }).click();
    await page.getByRole('button', { name: 'Next: Review & launch' }).click();
    const review = page.getByRole('region', { name: 'Pre-flight check' });
    const problems = review.getByRole('list', { name: 'Pre-flight problems' });
    await problems.getByText('Nobody would receive it', { exact: false }).waitFor();

    await review.getByRole('button', { name: 'Send now' }).click();
    await page
      .getByRole('dialog', { name: 'Send “Into the void” now?' })
      .getByRole('button', { name: 'Send now' })
      .click();
    const refusal = review.getByRole('alert').filter({ hasText: 'The campaign can’t start yet' });
    await refusal
      .getByText('Nothing was sent; the campaign is still a draft.', { exact: false })
      .waitFor();
    // The refusal's reasons are the ones listed, marked as the step they belong to.
    await problems.getByText('Nobody would receive it', { exact: false }).waitFor();
    await page
      .getByRole('navigation', { name: 'Campaign steps' })
      .getByRole('button', { name: /Needs attention Audience/ })
      .waitFor();
    await screenshot(page, 'campaigns-14-wizard-review-refused');
    expect(new URL(page.url()).pathname).toBe(`/campaigns/${campaignId}/edit`);
    const { body: after } = await account.call<{
      status: string;
      progress: { recipients: number };
    }>('GET', `/campaigns/${campaignId}`);
    expect(after).toMatchObject({ status: 'draft', progress: { recipients: 0 } });
    const { body: ledger } = await account.call<{ items: unknown[] }>(
      'GET',
      `/campaigns/${campaignId}/messages`,
    );
    expect(ledger.items).toEqual([]);

    // The draft in the list, and its page, lead back to the wizard; a copy is a new draft.
    await nav(page, 'Campaigns');
    const row = page.getByRole('row', { name: /Into the void/ });
    expect(await row.textContent()).toContain('Draft');
    expect(await row.textContent()).toContain('1 list');
    await page.goto(`${url()}/campaigns/${campaignId}`);
    await page.getByText('This campaign is a draft').waitFor();
    expect(await page.getByRole('button', { name: 'Pause' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Follow up' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Duplicate' }).click();
    await page.getByText('Copied as “Into the void (copy)”', { exact: false }).waitFor();
    await page.getByRole('heading', { name: 'Into the void (copy)' }).waitFor();
    await page.goto(`${url()}/campaigns/${campaignId}`);
    await page.getByRole('button', { name: 'Delete' }).click();
    await page
      .getByRole('alertdialog', { name: 'Delete “Into the void”?' })
      .getByRole('button', { name: 'Delete campaign' })
      .click();
    await page.waitForURL((u) => u.pathname === '/campaigns');
    await page.getByRole('row', { name: /Into the void \(copy\)/ }).waitFor();
    expect((await account.call('GET', `/campaigns/${campaignId}`)).status).toBe(404);
    await page.context().close();
  }, 120_000);
});
