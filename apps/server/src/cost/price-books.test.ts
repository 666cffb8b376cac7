import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OverrideStore } from './override-store.ts';
import { PriceBooks } from './price-books.ts';
import { openTestStore } from './test-support.ts';

let store: Awaited<ReturnType<typeof openTestStore>>;
beforeAll(async () => {
  store = await openTestStore();
});
afterAll(async () => store?.close());

const P = 'proj_books_race';
const perToken = (effectiveFrom: string, price: number) => ({ kind: 'per_token' as const, model: 'gpt-4o-mini', effectiveFrom, rates: { input: price, output: price } });

describe('PriceBooks', () => {
  it('does not keep a book read while a write invalidated it: the next reader sees the write', async () => {
    const overrides = new OverrideStore(store.driver);
    const books = new PriceBooks(overrides);
    await overrides.put(P, perToken('2020-01-01', 5));

    // The first reader's overrides are read before the second write, and come back after it.
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const list = overrides.list.bind(overrides);
    let held = false;
    overrides.list = async (projectId: string) => {
      const rows = await list(projectId);
      if (!held) {
        held = true;
        await gate;
      }
      return rows;
    };
    const early = books.get(P);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await overrides.put(P, perToken('2021-01-01', 7));
    books.invalidate(P);
    release();

    const at = new Date('2022-01-01');
    expect((await early).resolve('openai', 'gpt-4o-mini', at)).toMatchObject({ entry: { rates: { input: 5 } } });
    expect((await books.get(P)).resolve('openai', 'gpt-4o-mini', at)).toMatchObject({ entry: { rates: { input: 7 } } });
  });
});
