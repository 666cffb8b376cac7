import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PricesFileError } from '@sightline/pricing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCostEngine } from './index.ts';
import { openTestStore } from './test-support.ts';

let store: Awaited<ReturnType<typeof openTestStore>>;
beforeAll(async () => {
  store = await openTestStore();
});
afterAll(async () => store?.close());

describe('createCostEngine', () => {
  it('refuses to start on a bad prices file, naming the key', async () => {
    const bad = join(tmpdir(), `engine-prices-${process.pid}.json`);
    writeFileSync(bad, JSON.stringify({ overrides: [{ kind: 'per_token', model: 'm', effectiveFrom: '2025-01-01', rates: { input: 'cheap', output: 1 } }] }));
    const err = await createCostEngine({ driver: store.driver, pricesFile: bad }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PricesFileError);
    expect((err as Error).message).toContain('overrides[0].rates.input');
  });

  it('wires file prices into the books and reconciles once', async () => {
    const good = join(tmpdir(), `engine-prices-ok-${process.pid}.json`);
    writeFileSync(good, JSON.stringify({ overrides: [{ kind: 'gpu_hour', model: 'house', effectiveFrom: '2025-01-01', hourlyUsd: 3.6 }] }));
    const engine = await createCostEngine({ driver: store.driver, pricesFile: good });
    expect((await engine.books.get('default')).resolve('vllm', 'house', new Date())).toMatchObject({ kind: 'gpu_hour', hourlyUsd: 3.6 });
    const first = await engine.reconcile();
    expect(first.file.changedOverrides).toBe(1);
    expect((await engine.reconcile()).file.changedOverrides).toBe(0);
    expect(engine.routes().routes.length).toBeGreaterThanOrEqual(8);
  });
});
