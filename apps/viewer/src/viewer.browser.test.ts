import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { chromiumAvailable, launchChromium } from './testing/chromium.ts';
import { TraceListResponse } from '@sightline/contracts';
import { REPO_ROOT, buildViewer, seedServer, startReceiver, startServer, waitFor } from './testing/server-process.ts';
import type { Receiver, RunningServer } from './testing/server-process.ts';
import { LONG_MARKER } from './testing/seed-shape.ts';
import type { Seeded } from './testing/seed-shape.ts';
import { XSS_MARKER } from './testing/xss-corpus.ts';

/**
 * The viewer end to end: the real server (child process, chDB), spans from the real SDK around the
 * real openai client, the production viewer build, real Chromium. The server listens beyond
 * loopback, so the viewer must ask for a key first.
 */

const haveChromium = chromiumAvailable();

const SHOTS = join(REPO_ROOT, 'test-artifacts/screenshots');
const KEY = `sl_e2e_${Math.random().toString(36).slice(2)}_${Date.now()}`;

describe.skipIf(!haveChromium)('viewer in Chromium against the real server', () => {
  let viewerDir = '';
  let server: RunningServer;
  let receiver: Receiver;
  let seeded: Seeded;
  let browser: Browser;
  let page: Page;
  const external: string[] = [];
  const dialogs: string[] = [];
  const pageErrors: string[] = [];
  const cspViolations: string[] = [];
  /** Set just before a click that must open a confirm() (revoke): that one is accepted, not recorded. */
  let expectConfirm = false;

  const api = async (path: string) => {
    const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${KEY}` } });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<unknown>;
  };
  const rows = () => page.locator('table.traces tbody tr');
  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    viewerDir = await buildViewer();
    receiver = await startReceiver();
    // The alert webhook posts to a loopback receiver: allowed for this server only.
    server = await startServer({ viewerDir, host: '0.0.0.0', key: KEY, env: { SIGHTLINE_WEBHOOK_ALLOW_PRIVATE: 'true' } });
    seeded = await seedServer<Seeded>(server.url, KEY);
    await waitFor('seeded traces in the API', async () => {
      const list = TraceListResponse.parse(await api('/api/traces?range=all&limit=100'));
      return list.items.length >= seeded.traceCount ? list : undefined;
    });
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    // Any request leaving this server is a failure: model content must never make the viewer fetch.
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if ((url.hostname === '127.0.0.1' || url.hostname === 'localhost') && url.origin === server.url) return route.continue();
      if (url.protocol === 'data:') return route.continue();
      external.push(route.request().url());
      return route.abort();
    });
    page = await context.newPage();
    page.on('dialog', (d) => {
      if (expectConfirm && d.type() === 'confirm') {
        expectConfirm = false;
        void d.accept();
        return;
      }
      dialogs.push(`${d.type()}: ${d.message()}`);
      void d.dismiss();
    });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await receiver?.close();
    if (viewerDir) rmSync(viewerDir, { recursive: true, force: true });
  });

  it('serves the viewer under a strict CSP and asks for a key beyond loopback', async () => {
    const res = await fetch(`${server.url}/traces`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect((await fetch(`${server.url}/api/traces`)).status).toBe(401);

    await page.goto(`${server.url}/traces?range=all`);
    const prompt = page.getByRole('dialog', { name: 'API key required' });
    await prompt.waitFor();
    await prompt.getByLabel('API key').fill('sl_wrong_key_000000000000000000');
    await prompt.getByRole('button', { name: 'Sign in' }).click();
    await prompt.getByRole('alert').waitFor();
    await prompt.getByLabel('API key').fill(KEY);
    await prompt.getByRole('button', { name: 'Sign in' }).click();
    await prompt.waitFor({ state: 'detached' });
    await waitFor('trace rows', async () => ((await rows().count()) === seeded.traceCount ? true : undefined));
  });

  it('lists traces newest first, and the session cookie survives a reload', async () => {
    const starts = await rows().locator('td:first-child').evaluateAll((tds) => tds.map((td) => td.getAttribute('title') ?? ''));
    expect(starts).toHaveLength(seeded.traceCount);
    expect([...starts].sort().reverse()).toEqual(starts);
    await page.reload();
    await waitFor('rows after reload', async () => ((await rows().count()) === seeded.traceCount ? true : undefined));
    expect(await page.getByRole('dialog').count()).toBe(0);
    await shot('explorer');
  });

  it('filters change the results and live in the URL', async () => {
    await page.getByLabel('Status').selectOption('error');
    await waitFor('error rows', async () => ((await rows().count()) === seeded.errorTraces ? true : undefined));
    expect(page.url()).toContain('status=error');
    await expect(rows().first().locator('.badge-error').count()).resolves.toBeGreaterThan(0);
    await page.getByRole('button', { name: /Clear 1 filter/ }).click();
    await waitFor('all rows', async () => ((await rows().count()) === seeded.traceCount ? true : undefined));

    const expected = TraceListResponse.parse(await api('/api/traces?model=gpt-4o&limit=100')).items.length;
    expect(expected).toBeGreaterThan(0);
    expect(expected).toBeLessThan(seeded.traceCount);
    await page.getByLabel('Model').fill('gpt-4o');
    await page.getByLabel('Model').press('Enter');
    await waitFor('model rows', async () => ((await rows().count()) === expected ? true : undefined));
    expect(page.url()).toContain('model=gpt-4o');
    await page.reload();
    await waitFor('model rows after reload', async () => ((await rows().count()) === expected ? true : undefined));
    expect(await page.getByLabel('Model').inputValue()).toBe('gpt-4o');
    await page.goBack();
    await waitFor('rows after back', async () => ((await rows().count()) === seeded.traceCount ? true : undefined));

    // Attribute filters are chips: key=value on span attributes, here the SDK's user metadata.
    await page.getByLabel('Attribute').fill('no equals sign');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByText('Use key=value').waitFor();
    await page.getByLabel('Attribute').fill('sightline.metadata.tenant=acme');
    await page.getByLabel('Attribute').press('Enter');
    await waitFor('tenant rows', async () => ((await rows().count()) === 1 ? true : undefined));
    expect(await rows().first().textContent()).toContain('answer-ticket');
    expect(new URL(page.url()).searchParams.getAll('attr')).toEqual(['sightline.metadata.tenant=acme']);
    await page.getByRole('button', { name: 'Remove sightline.metadata.tenant=acme' }).click();
    await waitFor('rows without the chip', async () => ((await rows().count()) === seeded.traceCount ? true : undefined));
  });

  it('opens a trace: waterfall, span tree and an LLM span as a conversation with tokens and cost', async () => {
    await page.getByRole('link', { name: 'answer-ticket' }).click();
    await page.locator('.waterfall').waitFor();
    const classes = await page.locator('.wf-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-span-class')));
    expect(classes).toEqual(expect.arrayContaining(['workflow', 'retrieval', 'llm', 'tool']));
    expect(classes.filter((c) => c === 'llm')).toHaveLength(2);
    // The first LLM call is selected by default.
    const panel = page.locator('.span-panel');
    await panel.locator('.message[data-role="system"]').waitFor();
    await expect(panel.locator('.message[data-role="user"]').count()).resolves.toBeGreaterThan(0);
    await expect(panel.locator('.message[data-role="assistant"]').count()).resolves.toBeGreaterThan(0);
    expect(await panel.textContent()).toContain('You are a support agent');
    expect(await panel.textContent()).toMatch(/Input tokens\s*[1-9]/);
    expect(await panel.textContent()).toContain('gpt-4o-mini');
    expect(await panel.textContent()).toContain('support-reply @ v2');
    expect(await panel.textContent()).toMatch(/Config version\s*support-cfg-12/);
    // A successful call's status is left unset by instrumentations: it reads as no error, not as "unset".
    expect(await panel.locator('h2 .badge').first().textContent()).toBe('no error');
    await shot('trace-llm-span');

    await page.locator('.wf-row[data-span-class="retrieval"]').click();
    await panel.locator('.documents li').first().waitFor();
    expect(await panel.textContent()).toContain('kb-12');
    await page.locator('.wf-row[data-span-class="tool"]').click();
    await panel.getByText('A-1001').first().waitFor();
    expect(page.url()).toMatch(/span=[0-9a-f]{16}/);
    await page.locator('.wf-row[data-span-class="llm"]').nth(1).click();
    await panel.getByText('Time to first token').waitFor();

    await page.getByRole('link', { name: 'Session sess-alice-1' }).click();
    await waitFor('session traces', async () => ((await rows().count()) === 1 ? true : undefined));
    expect(await rows().first().textContent()).toContain('answer-ticket');
    await page.goBack();
    await page.locator('.waterfall').waitFor();

    await page.getByRole('button', { name: 'Collapse answer-ticket' }).click();
    expect(await page.locator('.wf-row').count()).toBe(1);
    await page.getByRole('button', { name: 'Expand answer-ticket' }).click();
    expect(await page.locator('.wf-row').count()).toBe(classes.length);
  });

  it('previews large content and loads the rest on request', async () => {
    await page.goto(`${server.url}/traces?range=all&q=${LONG_MARKER}`);
    await waitFor('the long trace', async () => ((await rows().count()) === 1 ? true : undefined));
    await rows().first().locator('a.trace-link').click();
    const user = page.locator('.span-panel .message[data-role="user"] pre');
    await user.waitFor();
    const preview = (await user.textContent()) ?? '';
    expect(preview.length).toBe(4000);
    await page.locator('.span-panel').getByRole('button', { name: /Show all \(3\d\.\d KB\)/ }).click();
    const full = (await user.textContent()) ?? '';
    expect(full.length).toBeGreaterThan(30_000);
    expect(full.trimEnd().endsWith(LONG_MARKER)).toBe(true);
  });

  it('renders the XSS corpus as inert text: no script, no dialog, no request, no injected element', async () => {
    await page.goto(`${server.url}/traces?range=all&q=${XSS_MARKER}`);
    await page.getByRole('link', { name: 'xss-probe' }).click();
    const panel = page.locator('.span-panel');
    await panel.locator('.message[data-role="system"]').waitFor();
    for (const row of await page.locator('.wf-row').all()) {
      await row.click();
      await panel.locator('details').evaluateAll((ds) => ds.forEach((d) => ((d as HTMLDetailsElement).open = true)));
      for (const btn of await panel.getByRole('button', { name: /Show all/ }).all()) await btn.click();
    }
    await page.locator('.wf-row[data-span-class="llm"]').click();
    expect(await panel.textContent()).toContain(`<script>window.__xss = 'script'`);
    expect(await panel.textContent()).toContain('![tracking pixel](https://evil.example/md-image.png)');
    await page.waitForTimeout(500);
    const injected = await page.evaluate(() => ({
      xss: (window as unknown as { __xss?: unknown }).__xss ?? null,
      scripts: document.querySelectorAll('script').length,
      inMain: document.querySelectorAll('main img, main iframe, main object, main embed, main style, main link, main base, main meta, main script, main [onerror], main [onload], #injected-link').length,
      svgs: document.querySelectorAll('main svg circle').length,
    }));
    expect(injected).toEqual({ xss: null, scripts: 1, inMain: 0, svgs: 0 });
    await shot('trace-xss-corpus');
  });

  it('draws non-empty dashboards: spend by model over time, breakdowns, failures, latency, top lists', async () => {
    await page.goto(`${server.url}/dashboards?range=24h`);
    await page.locator('[data-chart="stacked-bars"] rect.bar').first().waitFor();
    const spendBars = await page.locator('[data-chart="stacked-bars"] rect.bar').count();
    expect(spendBars).toBeGreaterThan(0);
    const legend = await page.locator('article[aria-label="Spend over time by model"] .legend li').allTextContents();
    expect(legend).toEqual(expect.arrayContaining(seeded.models));
    const byUser = page.locator('ul[aria-label="Spend by user"] li');
    await byUser.first().waitFor();
    expect(await byUser.allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('alice'), expect.stringContaining('bob')]));
    const failures = page.locator('ul[aria-label="Failures by class"]');
    await failures.waitFor();
    expect(await failures.textContent()).toContain('rate_limit');
    // With every call in one hourly bucket a percentile is a single point: its dot must be drawn.
    await page.locator('svg[aria-label="Latency percentiles"] circle.dot').first().waitFor();
    expect(await page.locator('svg[aria-label="Latency percentiles"] path.line').first().getAttribute('d')).toMatch(/^M\d/);
    const top = page.locator('table[data-top-list="costliest-users"] tbody tr');
    await top.first().waitFor();
    expect(await top.count()).toBeGreaterThan(0);
    await shot('dashboards');
    // Spend per endpoint from the rollups: the SDK names each call's endpoint (its workflow) as it is made.
    const byEndpoint = page.locator('ul[aria-label="Spend by endpoint"] li');
    await byEndpoint.first().waitFor();
    expect(await byEndpoint.allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('answer-ticket')]));
    await page.locator('select[name="spendBy"]').selectOption('endpoint');
    const endpointLegend = page.locator('article[aria-label="Spend over time by endpoint"] .legend li');
    // The chart keeps showing the models until the new series arrive.
    await waitFor('spend stacked by endpoint', async () => ((await endpointLegend.allTextContents()).some((t) => t.includes('answer-ticket')) ? true : undefined));
    // Calls outside any workflow are their own requests: "chat gpt-4o", not the model "gpt-4o".
    const stacked = await endpointLegend.allTextContents();
    expect(stacked).toEqual(expect.arrayContaining(['answer-ticket', 'chat gpt-4o']));
    for (const model of seeded.models) expect(stacked).not.toContain(model);
    expect(page.url()).toContain('spendBy=endpoint');
    // Spend per endpoint: the seed's requests are `answer-ticket` workflows of support-bot.
    await page.getByRole('tab', { name: 'Costliest endpoints' }).click();
    const endpoints = page.locator('table[data-top-list="costliest-endpoints"] tbody tr');
    await endpoints.first().waitFor();
    expect(await endpoints.allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/^answer-ticket\s*support-bot/)]));
    // An endpoint opens its requests in the explorer, costliest first.
    await endpoints.getByRole('link', { name: 'answer-ticket' }).click();
    await waitFor('answer-ticket traces', async () => ((await rows().count()) > 0 ? true : undefined));
    expect(page.url()).toContain('endpoint=answer-ticket');
    for (const text of await rows().allTextContents()) expect(text).toContain('answer-ticket');
    await page.goBack();

    // Drill-down: a breakdown row opens the explorer filtered to it, over the same window.
    await page.locator('ul[aria-label="Spend by user"]').getByRole('link', { name: 'alice' }).click();
    await waitFor('alice traces', async () => ((await rows().count()) === 1 ? true : undefined));
    expect(page.url()).toContain('userId=alice');
    expect(await rows().first().textContent()).toContain('answer-ticket');
    await page.goBack();

    await page.getByLabel('A', { exact: true }).fill('gpt-4o-mini');
    await page.getByLabel('B', { exact: true }).fill('gpt-4o');
    await page.getByRole('button', { name: 'Compare', exact: true }).click();
    await page.locator('table.compare').waitFor();
    expect(await page.locator('table.compare thead').textContent()).toContain('gpt-4o-mini');

    // Config versions compare the same way; the seed runs as support-cfg-12, which the picker offers.
    await page.locator('select[name="cmpDim"]').selectOption('configVersion');
    await waitFor('config versions offered', async () =>
      (await page.locator('#compare-options option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value))).includes('support-cfg-12') ? true : undefined,
    );
    await page.getByLabel('A', { exact: true }).fill('support-cfg-12');
    await page.getByLabel('B', { exact: true }).fill('support-cfg-11');
    await page.getByRole('button', { name: 'Compare', exact: true }).click();
    await waitFor('config versions compared', async () => ((await page.locator('table.compare thead').textContent())?.includes('support-cfg-12') ? true : undefined));
    expect(page.url()).toContain('cmpDim=configVersion');
  });

  it('creates and revokes an API key, showing the key once', async () => {
    await page.goto(`${server.url}/keys`);
    await page.getByLabel('Name').fill('e2e ingest');
    await page.getByRole('button', { name: 'Create key' }).click();
    const secret = page.locator('.created-key code.secret');
    await secret.waitFor();
    const created = (await secret.textContent()) ?? '';
    expect(created).toMatch(/^sl_/);
    const row = page.locator('tr', { hasText: 'e2e ingest' });
    await row.waitFor();
    await shot('keys');
    expectConfirm = true;
    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.getByText(/revoked/).waitFor();
    expect(expectConfirm).toBe(false);
    expect((await fetch(`${server.url}/api/traces`, { headers: { authorization: `Bearer ${created}` } })).status).toBe(401);
  });

  it('manages alerts: webhook, rule, "Test" evaluates now, the delivery log and redeliver', async () => {
    await page.goto(`${server.url}/alerts`);
    const hookForm = page.getByRole('form', { name: 'New webhook' });
    await hookForm.getByLabel('Name', { exact: true }).fill('e2e-receiver');
    await hookForm.getByLabel('URL', { exact: true }).fill(`${receiver.url}/hook`);
    await hookForm.getByRole('button', { name: 'Add webhook' }).click();
    await expect(page.locator('.notice code.secret').textContent()).resolves.toMatch(/^whsec_/);

    await page.getByRole('button', { name: 'New rule' }).click();
    const ruleForm = page.getByRole('form', { name: 'New alert rule' });
    await ruleForm.getByLabel('Name', { exact: true }).fill('Any spend');
    await ruleForm.getByLabel('Threshold', { exact: true }).fill('0');
    await ruleForm.getByLabel('e2e-receiver').check();
    await ruleForm.getByRole('button', { name: 'Create rule' }).click();
    const rule = page.locator('tr', { hasText: 'Any spend' });
    await rule.waitFor();
    expect(await rule.textContent()).toContain('spend > $0 over 24h');

    await rule.getByRole('button', { name: 'Test' }).click();
    await rule.locator('.test-result').getByText('breached').waitFor();
    await page.locator('table', { hasText: 'Notifications' }).getByText('firing').first().waitFor();

    await page.getByRole('button', { name: 'Deliveries' }).click();
    const messages = page.getByRole('table', { name: 'Messages to e2e-receiver' });
    await messages.getByText('delivered').first().waitFor({ timeout: 30_000 });
    await waitFor('webhook delivery', async () => (receiver.requests.length > 0 ? true : undefined));
    const first = receiver.requests[0]!;
    expect(first.headers['webhook-signature']).toMatch(/^v1,/);
    await shot('alerts');

    const before = receiver.requests.length;
    await messages.getByRole('button', { name: 'Redeliver' }).first().click();
    await waitFor('redelivery', async () => (receiver.requests.length > before ? true : undefined));
    expect(receiver.requests.at(-1)!.headers['webhook-id']).toBe(first.headers['webhook-id']);

    // A monthly project budget below what the seeded calls cost shows as exhausted.
    const budgetForm = page.getByRole('form', { name: 'New budget' });
    await budgetForm.getByLabel('Limit (USD)').fill('0.0001');
    await budgetForm.getByRole('button', { name: 'Add budget' }).click();
    const budget = page.getByRole('table', { name: 'Budgets' }).locator('tbody tr').first();
    await budget.getByText('exhausted').waitFor();
    expect(await budget.textContent()).toContain('whole project');
  });

  it('shows ingest diagnostics', async () => {
    await page.goto(`${server.url}/diagnostics`);
    await page.getByRole('heading', { name: 'Models without a price' }).waitFor();
    await page.locator('.loading').first().waitFor({ state: 'detached' });
    expect(await page.locator('.error-box').count()).toBe(0);
  });

  it('marks a trace whose root has not arrived as in progress, and its page follows it until the root lands', async () => {
    const traceId = 'ab'.repeat(16);
    const rootId = '11'.repeat(8);
    const startNs = BigInt(Date.now()) * 1_000_000n;
    const postSpan = async (span: Record<string, unknown>) => {
      const body = { resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'late-root' } }] }, scopeSpans: [{ scope: { name: 'test' }, spans: [span] }] }] };
      const res = await fetch(`${server.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` }, body: JSON.stringify(body) });
      expect(res.status).toBe(200);
    };
    const ns = (offsetMs: number) => String(startNs + BigInt(offsetMs) * 1_000_000n);
    // The child ends first and is exported first, as in a running trace.
    await postSpan({ traceId, spanId: '22'.repeat(8), parentSpanId: rootId, name: 'lookup-order', kind: 1, startTimeUnixNano: ns(5), endTimeUnixNano: ns(50) });
    await waitFor('the child span in the API', async () => ((await api(`/api/traces/${traceId}`)) as { spans: unknown[] }).spans.length === 1 || undefined);

    await page.goto(`${server.url}/traces`);
    const row = page.locator(`table.traces tbody tr[data-trace-id="${traceId}"]`);
    await row.waitFor();
    expect(await row.locator('.badge', { hasText: 'in progress' }).count()).toBe(1);
    await row.getByRole('link', { name: 'lookup-order' }).click();
    await page.locator('h1 .badge', { hasText: 'in progress' }).waitFor();

    await postSpan({ traceId, spanId: rootId, name: 'handle-late-request', kind: 2, startTimeUnixNano: ns(0), endTimeUnixNano: ns(80) });
    // No reload: the page refreshes itself while the root is missing.
    await page.getByRole('heading', { level: 1, name: 'handle-late-request' }).waitFor({ timeout: 20_000 });
    expect(await page.locator('h1 .badge').count()).toBe(0);
  });

  it('left nothing behind: no external request, dialog, page error or CSP violation', () => {
    expect({ external, dialogs, pageErrors, cspViolations }).toEqual({ external: [], dialogs: [], pageErrors: [], cspViolations: [] });
  });
});
