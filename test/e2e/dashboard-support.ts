import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = path.join(ROOT, 'test-artifacts');

/** Chromium is Debian's package (`.ci/run` installs it); in CI its absence is a failure, never a skip. */
export function chromiumAvailable(): boolean {
  if (fs.existsSync(CHROMIUM)) return true;
  if (process.env.CI === 'true') {
    throw new Error(
      `${CHROMIUM} is missing: the dashboard's browser tests may not be skipped in CI (apt-get install -y chromium)`,
    );
  }
  console.warn(`dashboard browser tests skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);
  return false;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

/**
 * Builds the dashboard from the current sources with vite's JS API into a temporary folder named by a
 * hash of those sources, so a test never serves a stale build and parallel test files share one build.
 */
export async function buildDashboard(): Promise<string> {
  const inputs = [...filesUnder(path.join(ROOT, 'web')), path.join(ROOT, 'package-lock.json')];
  const hash = createHash('sha256');
  for (const f of inputs) hash.update(path.relative(ROOT, f)).update('\0').update(fs.readFileSync(f));
  const dir = path.join(os.tmpdir(), `docsort-dashboard-${hash.digest('hex').slice(0, 16)}`);
  if (fs.existsSync(path.join(dir, 'index.html'))) return dir;
  const tmp = `${dir}.tmp-${randomBytes(4).toString('hex')}`;
  const { build } = await import('vite');
  await build({
    configFile: path.join(ROOT, 'web', 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: tmp, emptyOutDir: true },
  });
  try {
    fs.renameSync(tmp, dir);
  } catch {
    // Another test file finished the same build first; theirs is identical.
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return dir;
}

/** Errors the page printed, minus the network failures a test provokes on purpose. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    // A refused sign-in or a 404 on purpose shows as "Failed to load resource"; the UI reports those itself.
    if (/Failed to load resource/.test(msg.text())) return;
    errors.push(`console: ${msg.text()}`);
  });
  return errors;
}

export async function screenshot(page: Page, name: string, fullPage = false): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage });
}

/** Sign in on the dashboard with an API key and wait for the runs list. */
export async function signInAs(page: Page, baseUrl: string, apiKey: string): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.getByLabel('API key').fill(apiKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Runs' }).waitFor();
}

/** Nothing wider than the window: no sideways scrolling at this size. */
export async function expectNoHorizontalScroll(page: Page): Promise<void> {
  // A string: the test project has no DOM types; this runs in the page.
  const { scroll, client } = (await page.evaluate(
    '({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })',
  )) as { scroll: number; client: number };
  expect(scroll).toBeLessThanOrEqual(client);
}

/**
 * One browser context per test: `open()` makes it (1280x800 unless told) and collects the page's errors;
 * `finish()`, from afterEach, screenshots a failed test as `failed-<label>`, closes the context and fails
 * the test on any error the page printed (CSP violations and uncaught exceptions surface here).
 */
export function pageSession(
  browser: () => Browser,
  label: string,
  prepare?: (context: BrowserContext) => Promise<void>,
) {
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  let errors: string[] = [];
  return {
    get context(): BrowserContext {
      if (!context) throw new Error('pageSession: open() a page first');
      return context;
    },
    async open(viewport = { width: 1280, height: 800 }): Promise<Page> {
      context = await browser().newContext({ viewport });
      await prepare?.(context);
      page = await context.newPage();
      errors = collectPageErrors(page);
      return page;
    },
    async finish(failed: boolean): Promise<void> {
      if (failed && page) await screenshot(page, `failed-${label}`).catch(() => {});
      await context?.close();
      expect(errors).toEqual([]);
    },
  };
}
