import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { chromiumAvailable, launchChromium } from './testing/chromium.ts';
import { buildViewer, startServer } from './testing/server-process.ts';
import type { RunningServer } from './testing/server-process.ts';

/**
 * On loopback the server lets the viewer in without a key: no prompt, an empty store shows empty
 * states (not errors), and a filter the server rejects shows the server's own message.
 */

const haveChromium = chromiumAvailable();

describe.skipIf(!haveChromium)('viewer on a loopback server', () => {
  let viewerDir = '';
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    viewerDir = await buildViewer();
    server = await startServer({ viewerDir, host: '127.0.0.1', key: `sl_loopback_${Date.now()}_0000000000` });
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (viewerDir) rmSync(viewerDir, { recursive: true, force: true });
  });

  it('needs no key and shows empty states on an empty store', async () => {
    await page.goto(`${server.url}/`);
    await page.getByText('No traces match these filters in this time range.').waitFor();
    expect(await page.getByRole('dialog').count()).toBe(0);
    await page.getByRole('link', { name: 'Dashboards' }).click();
    await page.getByText('No spend in this range.').first().waitFor();
    await page.getByRole('link', { name: 'Alerts' }).click();
    await page.getByText('No alert rules yet.').waitFor();
    expect(await page.locator('.error-box').count()).toBe(0);
  });

  it('shows the server’s validation message for a rejected filter, and recovers', async () => {
    await page.goto(`${server.url}/traces?minDurationMs=-5`);
    const error = page.getByRole('alert');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/Error 400/);
    expect(await error.textContent()).toContain('minDurationMs');
    await page.getByRole('button', { name: 'Clear 1 filter(s)' }).click();
    await page.getByText('No traces match these filters in this time range.').waitFor();
    expect(await page.locator('.error-box').count()).toBe(0);
  });

  it('routes unknown paths to a not-found page inside the app', async () => {
    await page.goto(`${server.url}/no/such/page`);
    await page.getByRole('heading', { name: 'Not found' }).waitFor();
    expect(pageErrors).toEqual([]);
  });
});
