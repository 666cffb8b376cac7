import { mainNextTo, runExampleMain } from '@sightline/example-smoke-harness';
import { describe, expect, it } from 'vitest';

describe('examples/openai main.ts', () => {
  it('runs as a user would run it and exports its spans over OTLP with the API key', async () => {
    const run = await runExampleMain(mainNextTo(import.meta.dirname));
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^plain: +\S/m);
    expect(run.stdout).toMatch(/^streaming: +\S/m);
    expect(run.stdout).toMatch(/^tools: +\S/m);
    expect(new Set(run.spans.map((s) => s.service))).toEqual(new Set(['example-openai']));
    expect(run.spans.filter((s) => s.attributes['gen_ai.operation.name'] === 'chat').length).toBeGreaterThanOrEqual(4);
    expect(run.spans.some((s) => s.attributes['gen_ai.tool.name'] === 'get_weather')).toBe(true);
    expect(run.authorizations.every((a) => a === 'Bearer sl_example_smoke_test_key_0001')).toBe(true);
  });
});
