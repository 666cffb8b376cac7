import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SpanRow } from '@sightline/contracts';
import { createPriceBook } from '@sightline/pricing';
import { migrate, openDriver, type Driver } from '@sightline/storage';
import type { Attributes } from '../ingest/decoded-span.ts';
import { resourceSpans, span } from '../normalise/test-support.ts';
import { normaliseResourceSpans } from '../normalise/index.ts';

/** Shared by the cost tests: a real chDB store in a fresh directory, and spans through the real normaliser. */
export async function openTestStore(): Promise<{ driver: Driver; close(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sightline-cost-'));
  const driver = await openDriver({ mode: 'embedded', dataDir });
  await migrate(driver);
  return {
    driver,
    async close() {
      await driver.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

let traceSeq = 0;

/** An OpenAI chat span of 1000 input and 100 output tokens, 2 s long, priced by the bundled table. */
export function llmRow(projectId: string, atMs: number, model: string, extra: Attributes = {}): SpanRow {
  traceSeq++;
  const start = BigInt(atMs) * 1_000_000n;
  const s = span('chat', {
    'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': model, 'gen_ai.response.model': model,
    'gen_ai.usage.input_tokens': 1000, 'gen_ai.usage.output_tokens': 100, ...extra,
  }, { traceId: `${projectId.length.toString(16)}${traceSeq.toString(16)}`.padStart(32, 'a'), startTimeUnixNano: start.toString(), endTimeUnixNano: (start + 2_000_000_000n).toString() });
  const { rows } = normaliseResourceSpans(resourceSpans([s]), { projectId, priceBook: createPriceBook() });
  const row = rows[0];
  if (!row) throw new Error('fixture span was rejected');
  return row;
}
