import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { startSimulator } from './index.ts';

const ask = (client: OpenAI, i: number, init?: OpenAI.RequestOptions) =>
  client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `question number ${i}` }] }, init);

describe('faults and scenarios', () => {
  it('injects configured fault rates, deterministically per seed', async () => {
    const outcomes = async (seed: number) => {
      const sim = await startSimulator({ seed, faults: { rateLimit: 0.2, serverError: 0.1 } });
      const client = new OpenAI({ apiKey: 'k', baseURL: sim.openaiBaseURL, maxRetries: 0 });
      try {
        const res = await Promise.all(Array.from({ length: 200 }, (_, i) => ask(client, i).then(() => 200, (e: { status?: number }) => e.status ?? -1)));
        return res;
      } finally {
        await sim.close();
      }
    };
    const a = await outcomes(1);
    const b = await outcomes(1);
    expect(b).toEqual(a);
    const rate429 = a.filter((s) => s === 429).length / a.length;
    const rate5xx = a.filter((s) => s === 500 || s === 503).length / a.length;
    expect(rate429).toBeGreaterThan(0.1);
    expect(rate429).toBeLessThan(0.3);
    expect(rate5xx).toBeGreaterThan(0.03);
    expect(rate5xx).toBeLessThan(0.18);
  });

  it('lets the client retry through faults: a retried body rolls again', async () => {
    const sim = await startSimulator({ seed: 5, faults: { rateLimit: 0.5 } });
    try {
      const client = new OpenAI({ apiKey: 'k', baseURL: sim.openaiBaseURL, maxRetries: 6 });
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => ask(client, i)));
      expect(results.every((r) => r.choices.length === 1)).toBe(true);
    } finally {
      await sim.close();
    }
  });

  it('forces each scenario by header and by marker', async () => {
    const sim = await startSimulator();
    const client = new OpenAI({ apiKey: 'k', baseURL: sim.openaiBaseURL, maxRetries: 0 });
    try {
      await expect(ask(client, 1, { headers: { 'x-simulator-scenario': 'server_error' } })).rejects.toMatchObject({ status: expect.any(Number) as unknown });
      const marker = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi [[scenario:rate_limit]]' }] }).catch((e: { status: number }) => e.status);
      expect(marker).toBe(429);
      const noUsage = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }], stream: true, stream_options: { include_usage: true } }, { headers: { 'x-simulator-scenario': 'no_usage' } });
      let sawUsage = false;
      for await (const c of noUsage) if (c.usage) sawUsage = true;
      expect(sawUsage).toBe(false);
      const aborted = (async () => {
        const s = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x [[scenario:abort_stream]]' }], stream: true });
        for await (const _ of s) void _;
      })();
      await expect(aborted).rejects.toThrow();
    } finally {
      await sim.close();
    }
  });

  it('paces answers when latency is realistic (time to first token 150-900 ms)', async () => {
    const sim = await startSimulator({ latency: 'realistic', seed: 2 });
    try {
      const client = new OpenAI({ apiKey: 'k', baseURL: sim.openaiBaseURL });
      const started = performance.now();
      const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }], stream: true, max_tokens: 8 });
      let first = 0;
      for await (const c of stream) if (first === 0 && c.choices[0]?.delta.content) first = performance.now() - started;
      expect(first).toBeGreaterThanOrEqual(140);
    } finally {
      await sim.close();
    }
  });

  it('scales realistic delays with timeScale, keeping their proportions', async () => {
    const sim = await startSimulator({ latency: 'realistic', seed: 2, timeScale: 0.01 });
    try {
      const client = new OpenAI({ apiKey: 'k', baseURL: sim.openaiBaseURL });
      const started = performance.now();
      const res = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'write at length' }], max_tokens: 400 });
      const tokens = res.usage?.completion_tokens ?? 0;
      // Unscaled, this answer takes at least 150 ms + tokens / 120 tokens/s; scaled by 0.01 it takes a
      // hundredth. The bound sits far from both so a loaded machine cannot flip the result.
      const unscaledMinimumMs = 150 + (tokens / 120) * 1000;
      expect(tokens).toBeGreaterThan(100);
      expect(performance.now() - started).toBeLessThan(unscaledMinimumMs / 2);
    } finally {
      await sim.close();
    }
    await expect(startSimulator({ timeScale: 0 })).rejects.toThrow(/timeScale/);
  });
});
