import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { build } from 'vite';
import { loadConfig } from '../../api/src/config.js';
import { startHerald, type RunningHerald } from '../../api/src/server.js';

/**
 * What every browser test needs: the dashboard built from the current source, a real Herald
 * (embedded PGlite, in-process worker) serving it, and the system Chromium.
 */

const DASHBOARD_ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(DASHBOARD_ROOT, 'dist');
const STAMP = join(DIST, '.e2e-build-stamp');
const SOURCES = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json'];
export const SCREENSHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));

// One lock per checkout: test files run in parallel processes and share dist/.
const LOCK = join(
  tmpdir(),
  `herald-dashboard-build-${createHash('sha1').update(DASHBOARD_ROOT).digest('hex').slice(0, 12)}.lock`,
);
const STALE_LOCK_MS = 5 * 60_000;

async function newestMtime(path: string): Promise<number> {
  const info = await stat(path).catch(() => null);
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  const entries = await readdir(path);
  const times = await Promise.all(entries.map((entry) => newestMtime(join(path, entry))));
  return Math.max(info.mtimeMs, ...times);
}

async function acquireLock(): Promise<() => Promise<void>> {
  for (;;) {
    try {
      await mkdir(LOCK);
      return () => rm(LOCK, { recursive: true, force: true });
    } catch {
      const info = await stat(LOCK).catch(() => null);
      // A crashed run leaves its lock behind; don't wait on it forever.
      if (info && Date.now() - info.mtimeMs > STALE_LOCK_MS) {
        await rm(LOCK, { recursive: true, force: true });
        continue;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/**
 * Builds dist/ unless it is newer than every source file, so the browser always runs what the
 * source says now, and parallel test files build it once between them.
 */
export async function buildDashboard(): Promise<void> {
  const release = await acquireLock();
  try {
    const sources = Math.max(
      ...(await Promise.all(SOURCES.map((s) => newestMtime(join(DASHBOARD_ROOT, s))))),
    );
    const built = (await stat(STAMP).catch(() => null))?.mtimeMs ?? 0;
    if (built > sources) return;
    // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await build({ root: DASHBOARD_ROOT, logLevel: 'warn' });
    } finally {
      process.env.NODE_ENV = nodeEnv;
    }
    await writeFile(STAMP, new Date().toISOString());
  } finally {
    await release();
  }
}

export interface TestHerald {
  herald: RunningHerald;
  close(): Promise<void>;
}

/**
 * A Herald on a random port with its own data directory, removed on close. `env` adds
 * configuration (e.g. WEBHOOK_ALLOWED_HOSTS for a receiver on loopback).
 */
export async function startTestHerald(env: Record<string, string> = {}): Promise<TestHerald> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const dataDir = await mkdtemp(join(tmpdir(), 'herald-e2e-'));
  const herald = await startHerald(
    loadConfig({
      HERALD_DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      ...env,
    }),
  );
  return {
    herald,
    close: async () => {
      await herald.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Reduced motion: screenshots show settled screens, not fades half-way through. */
export async function newContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    reducedMotion: 'reduce',
  });
  context.setDefaultTimeout(15_000);
  return context;
}

/** A full-page screenshot, from the top: scrolled, the fixed sidebar would be drawn mid-page. */
export async function screenshot(page: Page, name: string) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/**
 * Picks an option of an open select with the keyboard alone: Home, then ArrowDown until the
 * focused option's text matches, then Enter. Each key is followed by waiting for the focus to
 * land, since a loaded machine may handle it a frame later. Type-ahead would be shorter, but its
 * search resets after a pause between keys, and then lands on another option.
 */
export async function pickWithKeyboard(page: Page, name: RegExp) {
  const focused = () =>
    page.evaluate(() =>
      document.activeElement?.getAttribute('role') === 'option'
        ? (document.activeElement.textContent?.trim() ?? '')
        : null,
    );
  const settle = async (until: (text: string | null) => boolean) => {
    const deadline = Date.now() + 2_000;
    while (Date.now() < deadline && !until(await focused()))
      await new Promise((r) => setTimeout(r, 25));
  };
  await page.getByRole('option', { name }).first().waitFor();
  const first = (await page.getByRole('option').first().textContent())?.trim() ?? '';
  // The open list focuses an option once it takes keys; Home then reaches the first one.
  await settle((text) => text !== null);
  for (let attempt = 0; attempt < 5 && (await focused()) !== first; attempt++) {
    await page.keyboard.press('Home');
    await settle((text) => text === first);
  }
  for (let step = 0; step < 100; step++) {
    const text = await focused();
    if (text !== null && name.test(text)) {
      await page.keyboard.press('Enter');
      return;
    }
    await page.keyboard.press('ArrowDown');
    await settle((now) => now !== text);
  }
  throw new Error(`no option matching ${name} reached with the keyboard`);
}

/** What the browser showed when a step failed is the fastest way to see why. */
export async function screenshotFailure(browser: Browser | undefined, testName: string) {
  const name = testName.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
  const pages = browser?.contexts().flatMap((c) => c.pages()) ?? [];
  await Promise.all(
    pages.map((open, index) =>
      open.screenshot({ path: join(SCREENSHOTS, `failed-${name}-${index}.png`), fullPage: true }),
    ),
  );
}

export interface Account {
  email: string;
  password: string;
  token: string;
  /** An authenticated JSON call to the API, for fixtures and for checking what the UI did. */
  call: <T = unknown>(
    method: string,
    path: string,
    body?: unknown,
  ) => Promise<{ status: number; body: T }>;
}

let sequence = 0;

/**
 * A new user with a new organization (registered through the API), signed in through the login
 * page of a fresh browser context.
 */
export async function signUp(
  browser: Browser,
  baseUrl: string,
  name: string,
): Promise<{ account: Account; page: Page }> {
  const email = `${name.toLowerCase()}-${Date.now()}-${++sequence}@example.com`;
  const password = 'e2e-test-password';
  const response = await fetch(`${baseUrl}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password, name, organizationName: `${name}’s shop` }),
  });
  if (response.status !== 201) throw new Error(`sign-up failed: ${response.status}`);
  const { accessToken: token } = (await response.json()) as { accessToken: string };
  const call: Account['call'] = async (method, path, body) => {
    const answer = await fetch(`${baseUrl}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await answer.text();
    return { status: answer.status, body: (text ? JSON.parse(text) : null) as never };
  };

  const context = await newContext(browser);
  const page = await context.newPage();
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { name: `Welcome, ${name}` }).waitFor();
  return { account: { email, password, token, call }, page };
}
