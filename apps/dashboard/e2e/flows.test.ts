import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  buildDashboard,
  launchBrowser,
  screenshotFailure,
  signUp,
  startTestHerald,
  type TestHerald,
} from './harness.js';

/**
 * Flows in a real browser against a real Herald: a flow drawn in the builder (a step added by
 * clicking the palette, an edge dragged between handles), the API's problems shown on the
 * steps, publishing refused and then activation, an event sent to the event API, the run
 * followed to its end in the runs tab, its email in the built-in outbox, the numbers on the
 * canvas, and a simulation. Each test signs up its own organization.
 */

let server: TestHerald;
let browser: Browser;
const url = () => server.herald.url;
// Kept out of the repository: these are for looking at, not for committing.
const SHOTS = join(tmpdir(), 'herald-flows-screenshots');

beforeAll(async () => {
  await buildDashboard();
  await mkdir(SHOTS, { recursive: true });
  server = await startTestHerald();
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function shot(page: Page, name: string) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

const nav = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click();

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Opens a Radix select and picks the option whose name starts with `option`. */
async function choose(page: Page, select: Locator, option: string) {
  await select.click();
  await page.getByRole('option', { name: new RegExp(`^${escape(option)}`) }).click();
}

const TEMPLATE = {
  name: 'Welcome aboard',
  subject: 'Welcome, {{ contact.firstName | default: "friend" }}',
  format: 'html',
  body: [
    '<h1>Hi {{ contact.firstName | default: "there" }}</h1>',
    '<p>Glad you signed up.</p>',
    '<p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p>',
  ].join('\n'),
};

const step = (page: Page, id: string) => page.locator(`.react-flow__node[data-id="${id}"]`);
const problems = (page: Page) => page.getByRole('region', { name: 'Problems' });

describe('flows', () => {
  beforeEach(({ task, onTestFailed }) => {
    onTestFailed(() => screenshotFailure(browser, task.name));
  });

  it('builds a flow in the builder, activates it and follows a run from an event to the outbox', async () => {
    const { account, page } = await signUp(browser, url(), 'Flo');
    expect((await account.call('POST', '/templates', TEMPLATE)).status).toBe(201);

    await nav(page, 'Flows');
    await page.getByText('No flows yet').waitFor();
    await shot(page, 'flows-01-list-empty');

    await page.getByRole('button', { name: 'Create your first flow' }).click();
    const dialog = page.getByRole('dialog', { name: 'New flow' });
    // A name is needed, and the dialog says so instead of sending nothing.
    await dialog.getByRole('button', { name: 'Create and open the builder' }).click();
    await dialog.getByText('Give the flow a name').waitFor();
    await dialog.getByLabel('Flow name').fill('Welcome series');
    await dialog.getByRole('button', { name: 'Create and open the builder' }).click();
    await page.waitForURL((u) => /^\/flows\/[0-9a-f-]{36}$/.test(u.pathname));
    const flowId = new URL(page.url()).pathname.split('/')[2]!;
    await page.getByRole('heading', { name: 'Welcome series' }).waitFor();
    await page
      .getByText('Set the trigger on the right, then add steps from the bar above.')
      .waitFor();
    // A trigger with nothing after it is not publishable, and the builder doesn't say otherwise.
    await step(page, 'trigger').getByText('Connect the trigger to the first step').waitFor();
    expect(await page.getByText('No problems: this draft can be published.').count()).toBe(0);
    await shot(page, 'flows-02a-builder-new');

    // The trigger, in the flow settings (the side panel while nothing is selected).
    const panel = page.getByRole('complementary', { name: 'Side panel' });
    await choose(page, panel.getByRole('combobox', { name: 'Starts when' }), 'An event happens');
    await panel.getByLabel('Event name').fill('signed_up');
    await step(page, 'trigger').getByText('When “signed_up” happens').waitFor();

    // Click-to-add: with the trigger selected, the email step lands below it, connected.
    await step(page, 'trigger').click();
    await page.getByRole('button', { name: 'Add Send email', exact: true }).click();
    await step(page, 'email-1').waitFor();
    await panel.getByRole('heading', { name: 'Send email' }).waitFor();

    // Saved without a template, the draft comes back with the problem marked on the step.
    const problemList = problems(page);
    await problemList.getByText('Template: choose one').waitFor();
    await step(page, 'email-1').getByText('Template: choose one').waitFor();
    expect(await step(page, 'email-1').locator('[aria-invalid="true"]').count()).toBe(1);
    await shot(page, 'flows-03-builder-problems');

    // Publishing an invalid draft is refused with the reason, and nothing is published.
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await page
      .getByRole('dialog', { name: /Publish version 1/ })
      .getByRole('button', { name: 'Publish v1' })
      .click();
    await page.getByRole('alert').filter({ hasText: 'can’t be published yet' }).waitFor();
    expect(
      (await account.call<{ publishedVersion: number | null }>('GET', `/flows/${flowId}`)).body
        .publishedVersion,
    ).toBeNull();

    // A problem in the list takes you to its step.
    await step(page, 'trigger').click();
    await problemList.getByRole('button', { name: /email-1 · Template/ }).click();
    await panel.getByRole('heading', { name: 'Send email' }).waitFor();
    await choose(page, panel.getByRole('combobox', { name: 'Template' }), 'Welcome aboard');
    await step(page, 'email-1').getByText('Welcome aboard').waitFor();

    // An exit step added with nothing selected stands alone; its edge is dragged by hand.
    await panel.getByRole('button', { name: 'Close panel' }).click();
    await panel.getByRole('heading', { name: 'Flow settings' }).waitFor();
    await page.getByRole('button', { name: 'Add Exit', exact: true }).click();
    await step(page, 'exit-1').waitFor();
    await problemList.getByText('No path from the trigger reaches this step').waitFor();
    const from = step(page, 'email-1').locator('.react-flow__handle.source');
    const to = step(page, 'exit-1').locator('.react-flow__handle.target');
    await from.dragTo(to);
    await page.getByText('No problems: this draft can be published.').waitFor();
    await page.getByText('All changes saved').waitFor();
    const { body: saved } = await account.call<{
      definition: { edges: { source: string; target: string }[] };
      problems: unknown[];
    }>('GET', `/flows/${flowId}`);
    expect(saved.problems).toEqual([]);
    expect(saved.definition.edges.map((e) => `${e.source}>${e.target}`).sort()).toEqual([
      'email-1>exit-1',
      'trigger>email-1',
    ]);

    await step(page, 'email-1').click();
    await page.getByRole('button', { name: 'Fit View' }).click();
    await shot(page, 'flows-02-builder-side-panel');

    await page.getByRole('button', { name: 'Activate' }).click();
    const activate = page.getByRole('dialog', { name: 'Activate “Welcome series”?' });
    await activate.getByText('when “signed_up” happens').waitFor();
    await activate.getByRole('button', { name: 'Activate' }).click();
    await page.getByText('“Welcome series” is active.').waitFor();
    await page.getByText('v1 live').waitFor();
    expect((await account.call<{ status: string }>('GET', `/flows/${flowId}`)).body.status).toBe(
      'active',
    );

    // The event API starts a run for the contact the event's email names.
    const contact = await account.call('POST', '/contacts', {
      email: 'newbie@example.com',
      firstName: 'Nova',
    });
    expect(contact.status).toBe(201);
    const tracked = await fetch(`${url()}/api/v1/track`, {
      method: 'POST',
      headers: { authorization: `Bearer ${account.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        userId: 'user-42',
        event: 'signed_up',
        messageId: 'signup-user-42',
        context: { traits: { email: 'newbie@example.com' } },
      }),
    });
    expect(tracked.status).toBeLessThan(300);

    await page
      .getByRole('navigation', { name: 'Flow sections' })
      .getByRole('link', { name: /Runs/ })
      .click();
    const runs = page.getByRole('table', { name: 'Runs' });
    const row = runs.getByRole('row', { name: /newbie@example\.com/ });
    await expect
      .poll(
        async () => {
          if (!(await row.isVisible())) await page.reload();
          return (await row.isVisible()) ? row.textContent() : '';
        },
        { timeout: 30_000, interval: 1_000 },
      )
      .toContain('Completed');
    expect(
      await row.getByRole('link', { name: 'newbie@example.com', exact: true }).getAttribute('href'),
    ).toMatch(/^\/contacts\/[0-9a-f-]{36}$/);
    await shot(page, 'flows-05-runs');
    await page.getByRole('button', { name: /^Failed/ }).click();
    await page.getByText('No failed runs').waitFor();
    await page.getByRole('button', { name: /^All/ }).click();

    await row.getByRole('link', { name: /View path/ }).click();
    await page.waitForURL((u) => /\/runs\/[0-9a-f-]{36}$/.test(u.pathname));
    const path = page.getByRole('list', { name: 'Path' });
    await path.getByText('email-1').waitFor();
    await path.getByText('exit-1').waitFor();
    await page.getByRole('region', { name: 'Run path on version 1' }).waitFor();
    await step(page, 'email-1')
      .getByText(/completed/)
      .waitFor();
    await shot(page, 'flows-06-run-path');

    // The numbers on the canvas: one contact in, one email sent.
    await page
      .getByRole('navigation', { name: 'Flow sections' })
      .getByRole('link', { name: 'Builder' })
      .click();
    const numbers = step(page, 'email-1').getByLabel('Step numbers');
    await expect.poll(() => numbers.textContent(), { timeout: 20_000 }).toContain('1 sent');
    expect(await numbers.textContent()).toContain('1 entered');
    await shot(page, 'flows-04-builder-stats');

    // A simulation walks the draft for a contact and shows what would be sent.
    await page.getByRole('button', { name: 'Simulate' }).click();
    const simulation = page.getByRole('form', { name: 'Simulation' });
    await simulation.getByRole('searchbox', { name: 'Contact' }).fill('newbie');
    await page
      .getByRole('list', { name: 'Matching contacts' })
      .getByRole('button', { name: /newbie@example\.com/ })
      .click();
    await simulation.getByRole('button', { name: 'Run simulation' }).click();
    const simulated = page.getByRole('region', { name: 'Simulated path' });
    await simulated.getByText('“Welcome, Nova”', { exact: true }).waitFor();
    await simulated.getByText('Would be sent').waitFor();
    await step(page, 'exit-1').getByText('would run').waitFor();
    await shot(page, 'flows-07-simulate');

    // The email itself, in the built-in outbox.
    await nav(page, 'Senders');
    await page.getByRole('link', { name: 'Outbox', exact: true }).click();
    await page.getByRole('link', { name: 'Welcome, Nova' }).waitFor();
    await shot(page, 'flows-08-outbox');

    await nav(page, 'Flows');
    const listed = page.getByRole('row', { name: /Welcome series/ });
    await listed.getByText('Active').waitFor();
    await expect.poll(() => listed.textContent()).toContain('When “signed_up” happens');
    await shot(page, 'flows-09-list');
    await page.getByRole('button', { name: 'Drafts' }).click();
    await page.getByText('No draft flows').waitFor();
    await page.context().close();
  }, 180_000);

  it('draws every kind of step with its ways out, and edits, connects and deletes by keyboard', async () => {
    const { account, page } = await signUp(browser, url(), 'Kit');
    const template = await account.call<{ id: string }>('POST', '/templates', TEMPLATE);
    const list = await account.call<{ id: string }>('POST', '/lists', { name: 'Customers' });
    const at = (x: number, y: number) => ({ x, y });
    const definition = {
      reEntry: 'once',
      exitConditions: [{ type: 'event', name: 'Unsubscribed everywhere', propertyFilter: [] }],
      nodes: [
        {
          id: 'trigger',
          type: 'trigger',
          position: at(300, 0),
          config: { type: 'list_added', listId: list.body.id },
        },
        {
          id: 'wait-1',
          type: 'wait',
          position: at(300, 170),
          config: { mode: 'duration', duration: { amount: 2, unit: 'days' } },
        },
        {
          id: 'branch-1',
          type: 'branch',
          position: at(300, 340),
          label: 'Opened?',
          config: { match: 'all', conditions: [{ type: 'email', action: 'opened', op: 'has' }] },
        },
        {
          id: 'email-1',
          type: 'send_email',
          position: at(0, 540),
          config: { templateId: template.body.id },
        },
        {
          id: 'wait-event-1',
          type: 'wait_for_event',
          position: at(0, 720),
          config: {
            name: 'Order Completed',
            propertyFilter: [],
            timeout: { amount: 3, unit: 'days' },
          },
        },
        { id: 'exit-1', type: 'exit', position: at(0, 900), config: {} },
        {
          id: 'split-1',
          type: 'random_split',
          position: at(600, 540),
          config: {
            branches: [
              { id: 'a', label: 'A', percent: 50 },
              { id: 'b', label: 'B', percent: 50 },
            ],
          },
        },
        {
          id: 'webhook-1',
          type: 'webhook',
          position: at(450, 720),
          config: {
            url: 'https://n8n.example.com/webhook/vip',
            method: 'POST',
            headers: {},
            responseMapping: {},
            onFailure: 'continue',
          },
        },
        {
          id: 'update-1',
          type: 'update_contact',
          position: at(780, 720),
          config: {
            actions: [
              { type: 'add_tag', tag: 'unengaged' },
              { type: 'add_to_list', listId: list.body.id },
            ],
          },
        },
      ],
      edges: [
        { id: 'e1', source: 'trigger', target: 'wait-1' },
        { id: 'e2', source: 'wait-1', target: 'branch-1' },
        { id: 'e3', source: 'branch-1', sourceHandle: 'yes', target: 'email-1' },
        { id: 'e4', source: 'branch-1', sourceHandle: 'no', target: 'split-1' },
        { id: 'e5', source: 'email-1', target: 'wait-event-1' },
        { id: 'e6', source: 'wait-event-1', sourceHandle: 'event', target: 'exit-1' },
        { id: 'e7', source: 'split-1', sourceHandle: 'a', target: 'webhook-1' },
        { id: 'e8', source: 'split-1', sourceHandle: 'b', target: 'update-1' },
      ],
    };
    const created = await account.call<{ id: string; problems: unknown[] }>('POST', '/flows', {
      name: 'Win-back',
      definition,
    });
    expect(created.status).toBe(201);
    expect(created.body.problems).toEqual([]);
    const flowId = created.body.id;
    const saved = async () =>
      (
        await account.call<{
          definition: typeof definition;
          problems: { nodeId?: string; message: string }[];
        }>('GET', `/flows/${flowId}`)
      ).body;

    await page.goto(`${url()}/flows/${flowId}`);
    await step(page, 'trigger').waitFor();
    // A big flow opens at a readable zoom; Fit View shows all of it.
    await page.getByRole('button', { name: 'Fit View' }).click();
    // Each step says what it does in a line, and names its ways out.
    await step(page, 'trigger').getByText('When added to Customers').waitFor();
    await step(page, 'wait-1').getByText('Wait 2 days').waitFor();
    await step(page, 'branch-1').getByText('Has opened the last email').waitFor();
    for (const handle of ['Yes', 'No'])
      await step(page, 'branch-1').getByText(handle, { exact: true }).waitFor();
    for (const handle of ['Event happened', 'Timed out'])
      await step(page, 'wait-event-1').getByText(handle).waitFor();
    await step(page, 'split-1').getByText('A · 50 %').waitFor();
    await step(page, 'webhook-1').getByText('POST n8n.example.com/webhook/vip').waitFor();
    await step(page, 'update-1').getByText('Tag “unengaged” and 1 more').waitFor();
    await shot(page, 'flows-10-builder-every-step');

    const panel = page.getByRole('complementary', { name: 'Side panel' });
    // Keyboard: focus a step, Enter selects it and opens its settings.
    await step(page, 'branch-1').focus();
    await page.keyboard.press('Enter');
    await panel.getByRole('heading', { name: 'Opened?' }).waitFor();
    await choose(page, panel.getByRole('combobox', { name: 'Condition 1' }), 'Contact rules');
    await panel.getByRole('group', { name: 'Rules' }).waitFor();
    await shot(page, 'flows-11-branch-panel');
    await choose(page, panel.getByRole('combobox', { name: 'Condition 1' }), 'Email engagement');

    // A way out connected from the side panel instead of by dragging.
    await step(page, 'wait-event-1').focus();
    await page.keyboard.press('Enter');
    await choose(
      page,
      panel.getByRole('combobox', { name: 'Timed out: goes to' }),
      'Exit (exit-1)',
    );
    await expect
      .poll(
        async () =>
          (await saved()).definition.edges.some(
            (e) =>
              e.source === 'wait-event-1' && e.sourceHandle === 'timeout' && e.target === 'exit-1',
          ),
        { timeout: 10_000 },
      )
      .toBe(true);

    // Split shares that don't add up are flagged in the form and, once saved, on the step.
    await step(page, 'split-1').click();
    await panel.getByLabel('Branch 1 percentage').fill('70');
    await panel.getByText('the shares must add up to 100 %', { exact: false }).waitFor();
    await step(page, 'split-1')
      .getByText('percentages add up to 120, not 100', { exact: false })
      .waitFor();
    await shot(page, 'flows-12-split-problem');
    await panel.getByRole('button', { name: 'Split evenly' }).click();
    await page.getByText('No problems: this draft can be published.').waitFor();

    await step(page, 'webhook-1').click();
    await panel.getByLabel('URL').fill('n8n.example.com/hook');
    await step(page, 'webhook-1').locator('[aria-invalid="true"]').waitFor();
    await panel.getByLabel('URL').fill('https://n8n.example.com/webhook/vip');
    await panel.getByRole('button', { name: 'Add header' }).click();
    await panel.getByLabel('Header 1: name').fill('Authorization');
    await panel.getByLabel('Header 1: value').fill('Bearer secret');
    await shot(page, 'flows-13-webhook-panel');

    // Delete: a step with the Delete key, a connection with the panel's button.
    await step(page, 'update-1').click();
    await page.keyboard.press('Delete');
    await step(page, 'update-1').waitFor({ state: 'detached' });
    await page.locator('.react-flow__edge[data-id="e7"]').focus();
    await page.keyboard.press('Enter');
    await panel.getByRole('heading', { name: 'Connection' }).waitFor();
    await panel.getByRole('button', { name: 'Delete connection' }).click();
    await page.locator('.react-flow__edge[data-id="e7"]').waitFor({ state: 'detached' });
    await problems(page).getByText('No path from the trigger reaches this step').waitFor();
    await expect
      .poll(
        async () => {
          const { definition: now } = await saved();
          return {
            nodes: now.nodes.map((n) => n.id).includes('update-1'),
            edges: now.edges.map((e) => e.id).sort(),
            headers: (now.nodes.find((n) => n.id === 'webhook-1')?.config as { headers?: unknown })
              .headers,
          };
        },
        { timeout: 10_000 },
      )
      .toEqual({
        nodes: false,
        edges: expect.arrayContaining(['e1', 'e2', 'e3', 'e4', 'e5', 'e6']),
        headers: { Authorization: 'Bearer secret' },
      });
    expect((await saved()).definition.edges.map((e) => e.id)).not.toContain('e7');
    expect((await saved()).problems.map((p) => p.nodeId)).toEqual(['webhook-1']);
    await page.context().close();
  }, 180_000);
});
