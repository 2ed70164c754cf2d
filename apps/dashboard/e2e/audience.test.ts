import { readFile } from 'node:fs/promises';
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
 * The audience screens in a real browser against a real Herald: importing a CSV with bad rows,
 * building a segment while its count follows along, bulk actions and one contact's page. Each
 * test signs up its own organization, so counts depend on nothing else.
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

async function createContact(account: Account, contact: Record<string, unknown>) {
  const { status, body } = await account.call<{ id: string }>('POST', '/contacts', contact);
  expect(status).toBe(201);
  return body.id;
}

/** Opens a Radix select and picks the option whose name starts with `option`. */
async function choose(page: Page, select: Locator, option: string | RegExp) {
  await select.click();
  await page
    .getByRole('option', {
      name: typeof option === 'string' ? new RegExp(`^${escape(option)}`) : option,
    })
    .click();
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

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

const rows = (page: Page) => page.locator('main table tbody tr');

describe('audience', () => {
  beforeEach(({ task, onTestFailed }) => {
    onTestFailed(() => screenshotFailure(browser, task.name));
  });

  it('imports a CSV with bad rows: preview, mapping, progress, counts and rejected rows', async () => {
    const { page } = await signUp(browser, url(), 'Imogen');

    await page.getByRole('link', { name: 'Import', exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/contacts/import');
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Contacts' })
      .click();
    await page.getByText('No contacts yet').waitFor();
    await screenshot(page, 'audience-01-contacts-empty');

    await page.getByRole('link', { name: 'Import a CSV' }).click();
    await page.waitForURL((u) => u.pathname === '/contacts/import');
    await page.getByText('No imports yet').waitFor();
    await screenshot(page, 'audience-02-import-upload');

    // A column Herald doesn't recognise as email: the user says which one it is.
    await page.getByLabel('Choose a CSV file').setInputFiles({
      name: 'leads.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('Kontakt;Name\nmia@example.com;Mia\n'),
    });
    await page.getByText('No column holds email addresses').first().waitFor();
    await choose(
      page,
      page.getByRole('combobox', { name: 'Which column holds the email addresses?' }),
      'Kontakt',
    );
    await page.getByRole('button', { name: 'Use this column' }).click();
    await page.getByRole('heading', { name: 'Map columns' }).waitFor();
    expect(
      await page.getByRole('combobox', { name: 'Import column “Kontakt” as' }).textContent(),
    ).toBe('Email');
    expect(await page.getByRole('definition').filter({ hasText: 'Semicolon (;)' }).count()).toBe(1);
    await page.getByRole('button', { name: 'Choose another file' }).click();

    // Line 1 is the header: line 4 has a bad address, line 5 too few cells, line 7 repeats line 2.
    const csv = [
      'Email,First Name,Last Name,Plan,Company Name',
      'ada@example.com,Ada,Lovelace,pro,Analytical Engines',
      'grace@example.com,Grace,Hopper,free,US Navy',
      'not-an-email,Bad,Address,pro,Nowhere',
      'linus@example.com,Linus',
      'alan@example.com,Alan,Turing,pro,Bletchley Park',
      'ADA@example.com,Ada,King,pro,Analytical Engines',
      '',
    ].join('\r\n');
    await page
      .getByLabel('Choose a CSV file')
      .setInputFiles({ name: 'customers.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });

    await page.getByRole('heading', { name: 'Map columns' }).waitFor();
    expect(await page.getByRole('definition').filter({ hasText: 'UTF-8' }).count()).toBe(1);
    expect(await page.getByRole('definition').filter({ hasText: 'Comma (,)' }).count()).toBe(1);
    const mappingOf = (header: string) =>
      page.getByRole('combobox', { name: `Import column “${header}” as` });
    expect(await mappingOf('Email').textContent()).toBe('Email');
    expect(await mappingOf('First Name').textContent()).toBe('First name');
    expect(await mappingOf('Last Name').textContent()).toBe('Last name');
    expect(await mappingOf('Plan').textContent()).toBe('Attribute: plan');
    expect(await mappingOf('Company Name').textContent()).toBe('Attribute: company_name');
    // The first rows, as read: the short row shows its missing cells.
    await page.getByRole('cell', { name: 'not-an-email', exact: true }).waitFor();
    expect(
      await page
        .getByRole('row', { name: /linus@example\.com/ })
        .getByTitle('Missing cell')
        .count(),
    ).toBe(3);

    // Changing a mapping asks the server again; unmapping email is refused with a reason.
    await choose(page, mappingOf('Company Name'), 'Don’t import');
    await page.getByText('Updating preview…').waitFor({ state: 'detached' });
    expect(await mappingOf('Company Name').textContent()).toBe('Don’t import');
    await choose(page, mappingOf('Email'), 'Don’t import');
    await page.getByText('No column holds email addresses').first().waitFor();
    expect(await page.getByRole('button', { name: 'Continue' }).isDisabled()).toBe(true);
    await choose(page, mappingOf('Email'), 'Email');
    // Both the heading and the list of problems name it; neither may remain.
    await page
      .getByText('No column holds email addresses', { exact: true })
      .waitFor({ state: 'detached' });
    await page
      .getByText(/^No column holds email addresses/)
      .first()
      .waitFor({ state: 'detached' });
    await screenshot(page, 'audience-03-import-mapping');

    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Import options' }).waitFor();
    expect(await page.getByRole('radio', { name: /Add new contacts and update/ }).isChecked()).toBe(
      true,
    );
    expect(await page.getByRole('checkbox', { name: 'Allow re-subscribing' }).isChecked()).toBe(
      false,
    );
    await page.getByLabel('Tag every imported contact').fill('spring-fair');
    await screenshot(page, 'audience-04-import-options');

    // Hold the upload back a moment, to see the upload step.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/api/v1/imports', async (route) => {
      if (route.request().method() === 'POST') await held;
      await route.continue();
    });
    await page.getByRole('button', { name: 'Start import' }).click();
    await page.getByRole('progressbar', { name: 'Upload' }).waitFor();
    await screenshot(page, 'audience-05-import-uploading');
    await page.getByRole('list', { name: 'Import steps' }).screenshot({ path: '/tmp/steps.png' });
    release();

    await page.waitForURL((u) => u.pathname.startsWith('/contacts/imports/'));
    await page.getByRole('heading', { name: 'Import finished' }).waitFor();
    const progress = page.getByRole('progressbar', { name: 'Import progress' });
    expect(await progress.getAttribute('aria-valuenow')).toBe('100');
    expect(await progress.getAttribute('aria-valuetext')).toBe('100 % · 6 rows processed');
    const count = (label: string) => page.locator(`dd[aria-label^="${label}: "]`).textContent();
    expect(await count('Added')).toBe('3');
    expect(await count('Updated')).toBe('0');
    expect(await count('Skipped')).toBe('0');
    expect(await count('Duplicates merged')).toBe('1');
    expect(await count('Rejected')).toBe('2');
    await page.getByText('2 rows were rejected').waitFor();
    await screenshot(page, 'audience-06-import-result');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download rejected rows' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^import-.*-errors\.csv$/);
    const rejected = (await readFile(await download.path(), 'utf8')).trim().split(/\r?\n/);
    expect(rejected[0]).toBe('line,reason,row');
    expect(rejected).toHaveLength(3);
    expect(rejected[1]).toMatch(
      /^4,"invalid email ""not-an-email"": [^"]+","not-an-email,Bad,Address,pro,Nowhere"$/,
    );
    expect(rejected[2]).toBe('5,"expected 5 cells, found 2 (too few)","linus@example.com,Linus"');

    // The contacts are there, tagged, with the attribute mapped and the ignored column left out.
    await page.getByRole('link', { name: 'View contacts' }).click();
    await page.waitForURL((u) => u.pathname === '/contacts');
    await page.getByRole('link', { name: 'grace@example.com' }).waitFor();
    expect(await rows(page).count()).toBe(3);
    expect(await page.getByRole('row', { name: /alan@example\.com/ }).textContent()).toContain(
      'spring-fair',
    );
    // Rows for the same address merge into one contact, keeping the spelling that created it;
    // the later row's cells win.
    expect(await page.getByRole('row', { name: /ada@example\.com/ }).textContent()).toContain(
      'Ada King',
    );
    await page.getByRole('link', { name: 'ada@example.com', exact: true }).click();
    await page.getByRole('heading', { name: 'ada@example.com' }).waitFor();
    expect(await page.getByLabel('plan', { exact: true }).inputValue()).toBe('pro');
    expect(await page.getByText('company_name').count()).toBe(0);

    await page.goto(`${url()}/contacts/import`);
    const historyRow = page.getByRole('row', { name: /customers\.csv/ });
    await historyRow.getByText('Completed').waitFor();
    expect(await historyRow.textContent()).toContain('6');
    await screenshot(page, 'audience-07-import-history');

    // The overview's checklist ticks the import step off.
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Overview' })
      .click();
    const step = page.getByRole('listitem').filter({ hasText: 'Import your contacts' });
    await step.getByLabel('Done').waitFor();
    await screenshot(page, 'audience-08-overview-checklist');
    await page.context().close();
  }, 120_000);

  it('builds a segment whose count follows each rule, saves it and refuses to delete a used one', async () => {
    const { account, page } = await signUp(browser, url(), 'Sofia');
    expect(
      (await account.call('POST', '/fields', { key: 'seats', label: 'Seats', type: 'number' }))
        .status,
    ).toBe(201);
    const people = [
      { email: 'a1@shop.test', tags: ['vip'], attributes: { plan: 'pro', seats: 10 } },
      { email: 'a2@shop.test', tags: ['vip'], attributes: { plan: 'free', seats: 2 } },
      { email: 'a3@shop.test', tags: [], attributes: { plan: 'pro', seats: 5 } },
      { email: 'a4@shop.test', tags: ['vip', 'beta'], attributes: { plan: 'pro', seats: 50 } },
      { email: 'a5@shop.test', tags: [], attributes: { plan: 'free', seats: 1 } },
      { email: 'a6@shop.test', tags: ['vip'], attributes: { plan: 'pro', seats: 30 } },
    ];
    for (const person of people) await createContact(account, person);

    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Segments' })
      .click();
    await page.getByText('No segments yet').waitFor();
    await screenshot(page, 'audience-09-segments-empty');
    await page.getByRole('link', { name: 'Create segment' }).click();
    await page.waitForURL((u) => u.pathname === '/segments/new');

    const rule = (n: number) => page.getByRole('group', { name: `Rule ${n}`, exact: true });
    // The new segment starts with one unfinished rule: the count is everyone meanwhile.
    await expectCount(page, 6);
    await page.getByText('Not counting 1 unfinished rule.').waitFor();

    await choose(page, rule(1).getByRole('combobox', { name: 'Rule 1 subject' }), 'Tag');
    await rule(1).getByLabel('Rule 1 tag').fill('vip');
    await expectCount(page, 4);

    await page.getByRole('button', { name: 'Add rule', exact: true }).click();
    await choose(
      page,
      rule(2).getByRole('combobox', { name: 'Rule 2 subject' }),
      'Other attribute…',
    );
    // A key the API can't filter on comes back as a 422 that points at this rule.
    await rule(2).getByLabel('Rule 2 attribute name').fill('plan name');
    await rule(2).getByLabel('Rule 2 value').fill('pro');
    await rule(2).getByText('Must be an attribute key (letters, digits, _ . -).').waitFor();
    expect(await rule(2).getAttribute('aria-invalid')).toBe('true');
    await page.getByText('Fix the highlighted rule').waitFor();
    await screenshot(page, 'audience-10-segment-rule-error');
    await rule(2).getByLabel('Rule 2 attribute name').fill('plan');
    await expectCount(page, 3);

    await page.getByRole('radio', { name: 'any' }).click();
    await expectCount(page, 5);
    await page.getByRole('radio', { name: 'all' }).click();
    await expectCount(page, 3);

    await page.getByRole('button', { name: 'Add rule', exact: true }).click();
    await choose(page, rule(3).getByRole('combobox', { name: 'Rule 3 subject' }), 'Seats');
    await choose(
      page,
      rule(3).getByRole('combobox', { name: 'Rule 3 operator' }),
      'is greater than',
    );
    await rule(3).getByLabel('Rule 3 value').fill('20');
    await expectCount(page, 2);
    await rule(3).getByRole('button', { name: 'Not: exclude contacts matching rule 3' }).click();
    await expectCount(page, 1);
    await page
      .getByRole('list', { name: 'Sample of matching contacts' })
      .getByText('a1@shop.test')
      .waitFor();

    await page.getByLabel('Name', { exact: true }).fill('Small pro VIPs');
    await screenshot(page, 'audience-11-segment-builder');
    await page.getByRole('button', { name: 'Save segment' }).click();
    await page.waitForURL((u) => u.pathname === '/segments');
    const row = page.getByRole('row', { name: /Small pro VIPs/ });
    await row.waitFor();
    expect(await row.textContent()).toContain('1Counted just now');
    await screenshot(page, 'audience-12-segments-list');

    // Saved as built: reopening shows the same rules and count.
    await page.getByRole('link', { name: 'Small pro VIPs', exact: true }).click();
    await expectCount(page, 1);
    expect(await rule(2).getByLabel('Rule 2 attribute name').inputValue()).toBe('plan');
    expect(
      await rule(3)
        .getByRole('button', { name: 'Not: exclude contacts matching rule 3' })
        .getAttribute('aria-pressed'),
    ).toBe('true');
    const { body: list } = await account.call<{ items: { id: string; definition: unknown }[] }>(
      'GET',
      '/segments',
    );
    expect(list.items[0]!.definition).toEqual({
      all: [
        { tag: 'vip', op: 'has' },
        { attribute: 'plan', op: 'eq', value: 'pro' },
        { not: { attribute: 'seats', op: 'gt', value: 20 } },
      ],
    });

    // Every kind of value input, in a nested group.
    const betaList = await account.call('POST', '/lists', { name: 'Beta testers' });
    expect(betaList.status).toBe(201);
    await page.goto(`${url()}/segments/new`);
    await expectCount(page, 6);
    await choose(page, rule(1).getByRole('combobox', { name: 'Rule 1 subject' }), 'Status');
    await choose(page, rule(1).getByRole('combobox', { name: 'Rule 1 operator' }), 'is any of');
    // "is" subscribed becomes "is any of" with subscribed already picked.
    expect(
      await rule(1)
        .getByRole('button', { name: 'Subscribed', exact: true })
        .getAttribute('aria-pressed'),
    ).toBe('true');
    await rule(1).getByRole('button', { name: 'Bounced', exact: true }).click();
    await page.getByRole('button', { name: 'Add group', exact: true }).click();
    const group = page.getByRole('group', { name: 'Group 1', exact: true });
    await choose(page, rule(2).getByRole('combobox', { name: 'Rule 2 subject' }), 'Created');
    await rule(2).getByLabel('Rule 2 days').fill('30');
    await group.getByRole('button', { name: 'Add rule to group 1' }).click();
    await choose(page, rule(3).getByRole('combobox', { name: 'Rule 3 subject' }), 'Seats');
    await choose(page, rule(3).getByRole('combobox', { name: 'Rule 3 operator' }), 'is between');
    await rule(3).getByLabel('Rule 3 from').fill('5');
    await rule(3).getByLabel('Rule 3 to').fill('40');
    await group.getByRole('button', { name: 'Add rule to group 1' }).click();
    await choose(page, rule(4).getByRole('combobox', { name: 'Rule 4 subject' }), 'List');
    await choose(page, rule(4).getByRole('combobox', { name: 'Rule 4 list' }), 'Beta testers');
    // Group 1 matches any: created in the last 30 days is everyone.
    await expectCount(page, 6);
    await group.getByRole('radio', { name: 'all' }).click();
    await expectCount(page, 0);
    await screenshot(page, 'audience-13-segment-builder-nested');
    // Leaving with unsaved rules asks first.
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Segments' })
      .click();
    const leave = page.getByRole('alertdialog', { name: 'Leave without saving?' });
    await leave.getByRole('button', { name: 'Leave without saving' }).click();
    await page.waitForURL((u) => u.pathname === '/segments');

    // Another segment built on this one keeps it from being deleted.
    const used = list.items[0]!.id;
    const parent = await account.call('POST', '/segments', {
      name: 'Newsletter VIPs',
      definition: { any: [{ segment: used, op: 'in' }] },
    });
    expect(parent.status).toBe(201);
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Segments' })
      .click();
    await page.getByRole('button', { name: 'Delete Small pro VIPs' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Delete “Small pro VIPs”?' });
    await confirm.getByRole('button', { name: 'Delete segment' }).click();
    await confirm.getByText('Segment is used by: Newsletter VIPs. Change those first.').waitFor();
    await screenshot(page, 'audience-14-segment-delete-refused');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect(await page.getByRole('row', { name: /Small pro VIPs/ }).count()).toBe(1);
    await page.context().close();
  }, 120_000);

  it('searches contacts and tags a selection in bulk', async () => {
    const { account, page } = await signUp(browser, url(), 'Bruno');
    for (const [email, firstName, lastName] of [
      ['ada@example.com', 'Ada', 'Lovelace'],
      ['adam@example.com', 'Adam', 'Smith'],
      ['bob@example.com', 'Bob', 'Adler'],
      ['carol@example.com', 'Carol', 'Shaw'],
      ['dave@example.com', 'Dave', 'Jones'],
    ]) {
      await createContact(account, { email, firstName, lastName, tags: ['customer'] });
    }

    await page.goto(`${url()}/contacts`);
    await page.getByRole('link', { name: 'dave@example.com' }).waitFor();
    expect(await rows(page).count()).toBe(5);
    await screenshot(page, 'audience-15-contacts-list');

    // Search is a prefix of the email, first, last or full name, applied as you type.
    await page.getByLabel('Search contacts').fill('ad');
    await page.getByRole('link', { name: 'carol@example.com' }).waitFor({ state: 'detached' });
    await page.getByRole('link', { name: 'bob@example.com' }).waitFor();
    expect(await rows(page).count()).toBe(3);
    expect(new URL(page.url()).searchParams.get('q')).toBe('ad');

    await page.getByRole('checkbox', { name: 'Select all contacts shown' }).check();
    await page.getByRole('checkbox', { name: 'Select bob@example.com' }).uncheck();
    const bar = page.getByRole('region', { name: 'Bulk actions' });
    await bar.getByText('2 contacts selected').waitFor();
    await bar.getByRole('button', { name: 'Tags' }).click();
    await page.getByRole('menuitem', { name: 'Add a tag…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a tag' });
    await dialog.getByLabel('Tag').fill('newsletter');
    await screenshot(page, 'audience-16-bulk-tag-dialog');
    await dialog.getByRole('button', { name: 'Add tag' }).click();
    await page.getByText('Tagged 2 contacts “newsletter”.').waitFor();
    await page
      .getByRole('row', { name: /adam@example\.com/ })
      .getByText('newsletter')
      .waitFor();
    expect(await page.getByRole('row', { name: /bob@example\.com/ }).textContent()).not.toContain(
      'newsletter',
    );
    await screenshot(page, 'audience-17-contacts-tagged');

    const tagged = await account.call<{ items: { email: string }[] }>(
      'GET',
      '/contacts?tag=newsletter&sort=email',
    );
    expect(tagged.body.items.map((c) => c.email)).toEqual(['ada@example.com', 'adam@example.com']);

    // Clicking a tag filters by it.
    await page.getByLabel('Search contacts').fill('');
    await page.getByRole('link', { name: 'carol@example.com' }).waitFor();
    await page
      .getByRole('row', { name: /ada@example\.com/ })
      .getByRole('button', { name: 'newsletter' })
      .click();
    await page.getByRole('link', { name: 'carol@example.com' }).waitFor({ state: 'detached' });
    await page.getByRole('link', { name: 'adam@example.com' }).waitFor();
    expect(await rows(page).count()).toBe(2);
    expect(await page.getByLabel('Tag', { exact: true }).inputValue()).toBe('newsletter');

    // With a segment filter, an action can cover the whole segment: it runs in the background.
    const segment = await account.call<{ id: string }>('POST', '/segments', {
      name: 'Customers',
      definition: { tag: 'customer', op: 'has' },
    });
    expect(segment.status).toBe(201);
    await page.goto(`${url()}/contacts?segment=${segment.body.id}`);
    await page.getByRole('link', { name: 'carol@example.com' }).waitFor();
    await page.getByRole('checkbox', { name: 'Select all contacts shown' }).check();
    await page.getByRole('button', { name: /^Apply to the whole segment/ }).click();
    await page
      .getByRole('region', { name: 'Bulk actions' })
      .getByText('Everyone in “Customers” selected')
      .waitFor();
    await page
      .getByRole('region', { name: 'Bulk actions' })
      .getByRole('button', { name: 'Tags' })
      .click();
    await page.getByRole('menuitem', { name: 'Add a tag…' }).click();
    const wide = page.getByRole('dialog', { name: 'Add a tag' });
    await wide.getByLabel('Tag').fill('spring-promo');
    await wide.getByRole('button', { name: 'Add tag' }).click();
    await page
      .getByText('Running on everyone in “Customers” in the background.', { exact: false })
      .waitFor();
    await screenshot(page, 'audience-18-bulk-whole-segment');
    await expect
      .poll(
        async () =>
          (await account.call<{ items: unknown[] }>('GET', '/contacts?tag=spring-promo')).body.items
            .length,
        { timeout: 15_000 },
      )
      .toBe(5);

    // One more by hand, then everything out as CSV.
    await page.goto(`${url()}/contacts`);
    await page.getByRole('button', { name: 'Add contact' }).click();
    const add = page.getByRole('dialog', { name: 'Add a contact' });
    await add.getByLabel('Email address').fill('erin@example.com');
    await add.getByLabel('First name').fill('Erin');
    await screenshot(page, 'audience-19-add-contact-dialog');
    await add.getByRole('button', { name: 'Add contact' }).click();
    await page.getByText('erin@example.com added.').waitFor();
    await page.getByRole('link', { name: 'erin@example.com' }).waitFor();

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export' }).click(),
    ]);
    const exported = await readFile(await download.path(), 'utf8');
    expect(exported.split(/\r?\n/)[0]).toContain('email');
    for (const email of ['ada@', 'adam@', 'bob@', 'carol@', 'dave@', 'erin@']) {
      expect(exported).toContain(`${email}example.com`);
    }

    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await page.getByRole('link', { name: 'erin@example.com' }).waitFor();
    await screenshot(page, 'audience-20-contacts-mobile');
    await page.context().close();
  }, 120_000);

  it('edits a contact, downloads their data and erases them with suppression', async () => {
    const { account, page } = await signUp(browser, url(), 'Erika');
    expect(
      (await account.call('POST', '/fields', { key: 'seats', label: 'Seats', type: 'number' }))
        .status,
    ).toBe(201);
    const list = await account.call<{ id: string }>('POST', '/lists', { name: 'Newsletter' });
    expect(list.status).toBe(201);
    const id = await createContact(account, {
      email: 'ada@example.com',
      firstName: 'Ada',
      lastName: 'Lovelace',
      tags: ['customer'],
      attributes: { company: 'Analytical Engines' },
    });

    await page.goto(`${url()}/contacts`);
    await page.getByRole('link', { name: 'ada@example.com' }).click();
    await page.waitForURL((u) => u.pathname === `/contacts/${id}`);
    await page.getByRole('heading', { name: 'ada@example.com' }).waitFor();

    await page.getByLabel('First name').fill('Augusta');
    await page.getByLabel('Phone').fill('+44 20 7946 0000');
    await page.getByLabel('Time zone').fill('Europe/London');
    await page.getByLabel('Language').fill('en-GB');
    await choose(page, page.getByRole('combobox', { name: 'Status' }), 'Unsubscribed');
    await page.getByRole('button', { name: 'Save details' }).click();
    await page.getByText('Contact saved.').waitFor();

    await page.getByLabel('Seats').fill('12');
    await page.getByRole('button', { name: 'Save attributes' }).click();
    await page.getByText('Attributes saved.').waitFor();

    await page.getByLabel('New tag').fill('vip');
    await page.getByLabel('New tag').press('Enter');
    await page.getByText('Tagged “vip”.').waitFor();
    await page.getByRole('button', { name: 'Remove tag customer' }).click();
    await page.getByText('Removed “customer”.').waitFor();

    await choose(page, page.getByRole('combobox', { name: 'Add to list' }), 'Newsletter');
    await page.getByRole('button', { name: 'Add', exact: true }).last().click();
    await page.getByText('Added to “Newsletter”.').waitFor();
    await page.getByRole('list', { name: 'List memberships' }).getByText('Newsletter').waitFor();
    await page
      .getByText('Status changed from subscribed to unsubscribed through the API')
      .waitFor();
    await screenshot(page, 'audience-21-contact-page');

    const { body: saved } = await account.call<Record<string, unknown>>('GET', `/contacts/${id}`);
    expect(saved).toMatchObject({
      firstName: 'Augusta',
      lastName: 'Lovelace',
      phone: '+44 20 7946 0000',
      timezone: 'Europe/London',
      locale: 'en-GB',
      status: 'unsubscribed',
      tags: ['vip'],
      attributes: { company: 'Analytical Engines', seats: 12 },
    });

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download data' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('contact-ada@example.com.json');
    const data = JSON.parse(await readFile(await download.path(), 'utf8')) as {
      contact: { email: string };
      lists: { name: string }[];
    };
    expect(data.contact.email).toBe('ada@example.com');
    expect(data.lists.map((l) => l.name)).toEqual(['Newsletter']);

    await page.getByRole('button', { name: 'Erase' }).click();
    const erase = page.getByRole('alertdialog', { name: 'Erase this contact?' });
    const confirmButton = erase.getByRole('button', { name: 'Erase contact' });
    expect(await confirmButton.isDisabled()).toBe(true);
    await erase.getByLabel(/to confirm$/).fill('ADA@example.com');
    await erase.getByLabel('Keep the address suppressed').check();
    await screenshot(page, 'audience-22-erase-dialog');
    await confirmButton.click();
    await page.waitForURL((u) => u.pathname === '/contacts');
    await page.getByText('ada@example.com was erased.', { exact: false }).waitFor();
    await page.getByText('No contacts yet').waitFor();

    expect((await account.call('GET', `/contacts/${id}`)).status).toBe(404);
    await page.getByRole('link', { name: 'Suppressions' }).click();
    await page.getByRole('row', { name: /ada@example\.com/ }).waitFor();
    await screenshot(page, 'audience-23-suppressions');

    await page.getByRole('link', { name: 'Lists' }).click();
    const listRow = page.getByRole('row', { name: /Newsletter/ });
    await listRow.waitFor();
    expect(await listRow.getByRole('link').textContent()).toBe('0');
    await screenshot(page, 'audience-24-lists');

    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Contact fields' })
      .click();
    await page.getByRole('row', { name: /Seats/ }).waitFor();
    await screenshot(page, 'audience-25-fields');
    await page.context().close();
  }, 120_000);
});
