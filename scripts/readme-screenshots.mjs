// Takes the README's screenshots from a running Sightline with demo data:
//   node apps/server/bin/sightline.mjs demo --data-dir /tmp/demo --port 4455 --no-live
//   node apps/server/bin/sightline.mjs start --data-dir /tmp/demo --port 4455 &
//   node scripts/readme-screenshots.mjs http://127.0.0.1:4455
// The browser tests save their own screenshots under test-artifacts/screenshots on every run.
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';

const require = createRequire(new URL('../apps/viewer/package.json', import.meta.url));
const { chromium } = require('playwright-core');
const base = process.argv[2] ?? 'http://127.0.0.1:4455';
const out = new URL('../docs/screenshots/', import.meta.url).pathname;
mkdirSync(out, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  const shot = async (path, file, fullPage = false) => {
    await page.goto(base + path);
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: `${out}${file}.png`, fullPage });
  };
  await shot('/', 'explorer');
  await shot('/dashboards?range=7d', 'dashboards', true);
  await shot('/alerts', 'alerts');
  // A support-assistant trace (retrieval, embeddings, Claude) with its LLM span selected.
  await page.goto(`${base}/traces?service=support-assistant`);
  await page.waitForLoadState('networkidle');
  const href = await page.$$eval('a', (as) => as.map((a) => a.getAttribute('href')).find((h) => h && /^\/traces\/[0-9a-f]{32}/.test(h)));
  if (!href) throw new Error('no support-assistant trace: run the demo first');
  await page.goto(base + href);
  await page.waitForLoadState('networkidle');
  const llmRows = await page.$$('text=/^chat /');
  await llmRows.at(-1)?.click();
  await page.waitForTimeout(500);
  await page.screenshot({ path: `${out}trace-llm-span.png` });
  console.log(`screenshots written to ${out}`);
} finally {
  await browser.close();
}
