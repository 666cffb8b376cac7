import { insertSpans, type Driver } from '@sightline/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OverrideStore } from './override-store.ts';
import { PriceBooks, type PricesFileConfig } from './price-books.ts';
import { applyPricesFileChange } from './prices-file-sync.ts';
import { llmRow, openTestStore } from './test-support.ts';

let store: Awaited<ReturnType<typeof openTestStore>>;
let driver: Driver;
const now = Date.now();
const a = llmRow('proj_file_a', now - 3_600_000, 'gpt-4o-mini');
const b = llmRow('proj_file_b', now - 3_600_000, 'gpt-4o-mini');

const cost = async (traceId: string) =>
  (await driver.query<{ n: number }>('SELECT CostNanos AS n FROM spans FINAL WHERE TraceId = {t:String}', { t: traceId }))[0]?.n;

const start = (file: PricesFileConfig) => applyPricesFileChange(driver, new PriceBooks(new OverrideStore(driver), file), file);

beforeAll(async () => {
  store = await openTestStore();
  driver = store.driver;
  await insertSpans(driver, [a, b]);
});
afterAll(async () => store?.close());

describe('prices file changes between starts', () => {
  it('applies added, changed and removed file overrides to stored spans', async () => {
    const forA = { id: 'file-1', projectId: 'proj_file_a', kind: 'per_token' as const, provider: '*', model: 'gpt-4o-mini', effectiveFrom: '2020-01-01T00:00:00.000Z', rates: { input: 1, output: 1 } };
    expect(await start({ overrides: [forA], azureDeployments: {} })).toMatchObject({ changedOverrides: 1, projects: 1, changed: 1 });
    // 1100 tokens × 1000 for project A; project B keeps the table: 1000 × 150 + 100 × 600
    expect(await cost(a.TraceId)).toBe(1_100_000);
    expect(await cost(b.TraceId)).toBe(210_000);

    // Same file, keys in another order: nothing to do.
    const reordered = { rates: { output: 1, input: 1 }, effectiveFrom: forA.effectiveFrom, model: 'gpt-4o-mini', provider: '*', kind: 'per_token' as const, projectId: 'proj_file_a', id: 'file-1' };
    expect(await start({ overrides: [reordered], azureDeployments: {} })).toMatchObject({ changedOverrides: 0, changed: 0 });

    // Price changed, then the override removed from the file.
    expect(await start({ overrides: [{ ...forA, rates: { input: 2, output: 2 } }], azureDeployments: {} })).toMatchObject({ changed: 1 });
    expect(await cost(a.TraceId)).toBe(2_200_000);
    expect(await start({ overrides: [], azureDeployments: {} })).toMatchObject({ changedOverrides: 1, changed: 1 });
    expect(await cost(a.TraceId)).toBe(210_000);
  });
});
