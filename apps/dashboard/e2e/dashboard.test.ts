import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFailedJobsRepo } from '../../api/src/modules/jobs/failed-jobs.repo.js';
import type { RunningHerald } from '../../api/src/server.js';
import {
  buildDashboard,
  launchBrowser,
  newContext,
  screenshot,
  screenshotFailure,
  startTestHerald,
  type TestHerald,
} from './harness.js';

/**
 * The dashboard in a real browser against a real Herald (embedded PGlite, in-process worker):
 * what a marketer does on day one, through the UI only.
 */

const owner = {
  name: 'Ada Lovelace',
  email: `ada-${Date.now()}@example.com`,
  password: 'analytical-engine-1843',
  organization: 'Lovelace Analytics',
};

let server: TestHerald;
let herald: RunningHerald;
let browser: Browser;
let context: BrowserContext;
let page: Page;

const shot = (name: string, target: Page = page) => screenshot(target, name);

const pathname = (target: Page = page) => new URL(target.url()).pathname;

async function logOut(target: Page = page) {
  await target.getByRole('button', { name: /^Account menu for/ }).click();
  await target.getByRole('menuitem', { name: 'Log out' }).click();
  await target.waitForURL((url) => url.pathname === '/login');
}

async function logIn(email: string, password: string, target: Page = page) {
  await target.getByLabel('Email').fill(email);
  await target.getByLabel('Password').fill(password);
  await target.getByRole('button', { name: 'Log in' }).click();
}

beforeAll(async () => {
  await buildDashboard();
  server = await startTestHerald();
  herald = server.herald;
  browser = await launchBrowser();
  context = await newContext(browser);
  page = await context.newPage();
}, 120_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
});

describe('dashboard', () => {
  beforeEach(({ task, onTestFailed }) => {
    // What the browser showed when a step failed is the fastest way to see why.
    onTestFailed(() => screenshotFailure(browser, task.name));
  });

  it('registers, logs out, logs back in and creates an API key that works', async () => {
    await page.goto(`${herald.url}/`);
    await page.waitForURL((url) => url.pathname === '/login');
    await page.getByRole('heading', { name: 'Log in to Herald' }).waitFor();
    await shot('01-login');

    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.waitForURL((url) => url.pathname === '/register');
    // Client-side checks first: nothing is sent until the form makes sense.
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText('Use at least 10 characters (5 so far).').waitFor();
    expect(await page.getByText('Enter your name.').isVisible()).toBe(true);
    await shot('02-register-validation');

    await page.getByLabel('Your name').fill(owner.name);
    await page.getByLabel('Work email').fill(owner.email);
    await page.getByLabel('Password').fill(owner.password);
    await page.getByLabel('Organization name').fill(owner.organization);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Welcome, Ada' }).waitFor();
    expect(pathname()).toBe('/');
    await shot('03-overview');

    await logOut();
    await logIn(owner.email, owner.password);
    await page.getByRole('heading', { name: 'Welcome, Ada' }).waitFor();
    expect(pathname()).toBe('/');

    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'API keys' })
      .click();
    await page.getByText('No API keys yet').waitFor();
    await shot('04-api-keys-empty');

    await page.getByRole('button', { name: 'Create API key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create API key' });
    await dialog.getByLabel('Name').fill('n8n production');
    await dialog.getByRole('combobox', { name: 'Role' }).click();
    await page.getByRole('option', { name: /Viewer/ }).click();
    await shot('05-api-key-dialog');
    await dialog.getByRole('button', { name: 'Create key' }).click();

    const created = page.getByRole('dialog', { name: 'Your new API key' });
    await created.getByText('It won’t be shown again.', { exact: false }).waitFor();
    const key = await created.getByLabel('API key').inputValue();
    expect(key).toMatch(/^hk_/);
    await shot('06-api-key-created');

    const me = await fetch(`${herald.url}/api/v1/me`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(me.status).toBe(200);
    const body = (await me.json()) as {
      principal: string;
      role: string;
      organization: { name: string };
    };
    expect(body).toMatchObject({
      principal: 'apiKey',
      role: 'viewer',
      organization: { name: owner.organization },
    });

    await created.getByRole('button', { name: 'I’ve saved my key' }).click();
    const row = page.getByRole('row', { name: /n8n production/ });
    await row.waitFor();
    expect(await row.textContent()).toContain(key.slice(0, 8));
    expect(await row.textContent()).not.toContain(key);
    await shot('07-api-keys-list');
  }, 120_000);

  it('shows an error for a wrong password and stays on /login', async () => {
    await logOut();
    await logIn(owner.email, 'not-the-password');
    const alert = page.getByRole('alert');
    await alert.getByText('Email or password is incorrect.').waitFor();
    expect(pathname()).toBe('/login');
    // The password is cleared so the next attempt starts clean; the email stays.
    expect(await page.getByLabel('Password').inputValue()).toBe('');
    expect(await page.getByLabel('Email').inputValue()).toBe(owner.email);
    await shot('08-login-error');

    await logIn(owner.email, owner.password);
    await page.getByRole('heading', { name: 'Welcome, Ada' }).waitFor();
  }, 60_000);

  it('invites a teammate who joins through the link as an editor', async () => {
    await page.goto(`${herald.url}/settings/members`);
    await page.getByRole('heading', { name: 'Members' }).waitFor();
    const teammate = `grace-${Date.now()}@example.com`;
    await page.getByLabel('Email address').fill(teammate);
    await page.getByRole('button', { name: 'Create invite link' }).click();
    const link = await page.getByLabel(/Invitation link/).inputValue();
    // The link must lead to this Herald, not to the server's localhost fallback.
    expect(link.startsWith(`${herald.url}/invite?token=`)).toBe(true);
    await page.getByRole('row', { name: new RegExp(teammate) }).waitFor();
    await shot('09-members-invited');

    // A fresh browser profile: the teammate has no session and no account yet.
    const guest = await newContext(browser);
    const guestPage = await guest.newPage();
    await guestPage.goto(link);
    await guestPage.getByRole('heading', { name: 'Join your team on Herald' }).waitFor();
    await shot('10-invite-register', guestPage);
    await guestPage.getByLabel('Your name').fill('Grace Hopper');
    await guestPage.getByLabel('Work email').fill(teammate);
    await guestPage.getByLabel('Password').fill('compilers-all-the-way');
    await guestPage.getByRole('button', { name: 'Create account and join' }).click();
    await guestPage.getByRole('heading', { name: 'Welcome, Grace' }).waitFor();
    await guestPage.getByText(`Welcome to ${owner.organization}. You joined as editor.`).waitFor();
    await guestPage.goto(`${herald.url}/settings/members`);
    await guestPage.getByRole('row', { name: /Ada Lovelace/ }).waitFor();
    // Editors see the team but get no controls they could not use.
    expect(await guestPage.getByRole('button', { name: 'Create invite link' }).count()).toBe(0);
    expect(await guestPage.getByRole('row', { name: /Grace Hopper/ }).textContent()).toContain(
      'Editor',
    );
    await shot('11-members-as-editor', guestPage);
    await guest.close();

    await page.reload();
    await page.getByRole('row', { name: /Grace Hopper/ }).waitFor();
    await page.getByText('No pending invitations').waitFor();
  }, 120_000);

  it('shows queues, retries and discards failed jobs', async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Queues' })
      .click();
    await page.getByRole('heading', { name: 'Queues', level: 1 }).waitFor();
    await page.getByText('No failed jobs').waitFor();
    await shot('12-queues-idle');

    // No screen makes jobs fail yet, so the fixtures come from the queue and dead-letter store.
    const orgId = await page.evaluate(
      () =>
        (
          JSON.parse(localStorage.getItem('herald.session') ?? '{}') as {
            organization: { id: string };
          }
        ).organization.id,
    );
    const deadLetters = createFailedJobsRepo(herald.runtime.database.db);
    await deadLetters.record({
      queue: 'imports',
      name: 'imports.run',
      jobKey: null,
      orgId,
      payload: { importId: randomUUID(), orgId },
      error: 'Error: The file has no "email" column.\n    at readHeader (imports.service.ts:42:11)',
      attempts: 3,
    });
    await deadLetters.record({
      queue: 'contacts',
      name: 'contacts.bulk',
      jobKey: null,
      orgId,
      payload: { orgId, action: 'add_tag', tag: 'vip' },
      error: 'Error: connection terminated unexpectedly',
      attempts: 3,
    });
    await herald.runtime.queue.enqueue('maintenance.purge', {}, { delayMs: 3_600_000 });

    // The page refreshes itself every 5 s: no reload needed to see new failures.
    const importRow = page.getByRole('row', { name: /imports\.run/ });
    await importRow.waitFor({ timeout: 12_000 });
    await page.getByRole('img', { name: /jobs per queue/ }).waitFor();
    await shot('13-queues-failed-jobs');

    await importRow.getByRole('button', { name: 'Retry imports.run' }).click();
    await page.getByText('imports.run queued to run again.').waitFor();
    await importRow.waitFor({ state: 'detached' });

    const bulkRow = page.getByRole('row', { name: /contacts\.bulk/ });
    await bulkRow.getByRole('button', { name: 'Discard contacts.bulk' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Discard this failed job?' });
    await confirm.getByRole('button', { name: 'Discard job' }).click();
    await bulkRow.waitFor({ state: 'detached' });
    await page.getByText('No failed jobs').waitFor();
  }, 60_000);

  it('shows feature previews and switches organization', async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: /Flows/ })
      .click();
    await page.getByText('No flows yet').waitFor();
    await shot('14-flows-empty');

    await page.getByRole('button', { name: /Switch organization/ }).click();
    await page.getByRole('menuitem', { name: /Lovelace Analytics/ }).waitFor();
    await shot('15-organization-switcher');
    await page.getByRole('menuitem', { name: 'Create organization' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create organization' });
    await dialog.getByLabel('Organization name').fill('Lovelace Europe');
    await dialog.getByRole('button', { name: 'Create and switch' }).click();
    await page.getByRole('button', { name: /Organization: Lovelace Europe/ }).waitFor();
    await page.getByRole('heading', { name: 'Welcome, Ada' }).waitFor();
    // The new organization starts empty: the key made in the first one does not leak across.
    await page.goto(`${herald.url}/settings/api-keys`);
    await page.getByText('No API keys yet').waitFor();

    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${herald.url}/`);
    await page.getByRole('heading', { name: 'Welcome, Ada' }).waitFor();
    await shot('16-overview-mobile');
    await page.setViewportSize({ width: 1280, height: 800 });
  }, 120_000);
});
