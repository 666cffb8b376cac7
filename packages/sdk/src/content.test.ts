import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capBytes, contentJson, prepareContent, redactSecrets, safeStringify } from './content.ts';
import { withContext } from './scope.ts';
import { settings } from './settings.ts';
import { FakeLlmServer } from './test/fake-llm-server.ts';
import { chatCompletion } from './test/fixtures.ts';
import { createTestCapture } from './testing.ts';
import { wrapOpenAI } from './openai/wrap.ts';

const policy = { capture: true, redactSecrets: true, mask: undefined, maxAttributeBytes: 1024 };

describe('redaction', () => {
  it.each([
    ['OpenAI key', 'use sk-proj-abcdefghijklmnopqrstuvwxyz0123 please'],
    ['Anthropic key', 'key=sk-ant-api03-abcdefghijklmnopqrstuvwxyz'],
    ['AWS access key', 'AKIAIOSFODNN7EXAMPLE is mine'],
    ['AWS secret', 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
    ['JWT', 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'],
    ['private key', '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----'],
    ['GitHub token', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789'],
    ['GitHub fine-grained token', 'token github_pat_11ABCDEFG0abcdefghijklmnopqrstuvwxyz0123456789 here'],
    ['Google API key', 'key AIzaSyA1234567890abcdefghijklmnopqrstuv in the url'],
    ['Slack token', 'slack xoxb-1234567890-abcdefghijkl set'],
    ['Hugging Face token', 'hf token hf_abcdefghijklmnopqrstuvwxyz0123456789'],
    ['Groq key', 'groq gsk_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH'],
  ])('removes a %s', (_name, text) => {
    const out = redactSecrets(text);
    expect(out).toContain('[REDACTED]');
    expect(out).not.toMatch(/sk-|AKIA|eyJhbGci|MIIEp|ghp_|wJalrXUtn|github_pat_|AIza|xoxb-|hf_|gsk_/);
  });

  it('finds a secret whether or not other text holds an underscore (two pre-scans)', () => {
    for (const text of ['plain words AKIAIOSFODNN7EXAMPLE', 'snake_case words AKIAIOSFODNN7EXAMPLE', 'a_b ghp_abcdefghijklmnopqrstuvwxyz0123456789']) {
      expect(redactSecrets(text)).toContain('[REDACTED]');
    }
  });

  it('leaves ordinary text alone', () => {
    expect(redactSecrets('the skeleton key is under the mat')).toBe('the skeleton key is under the mat');
  });
});

describe('mask, cap and serialisation', () => {
  it('fails closed when the mask throws', () => {
    const mask = () => {
      throw new Error('mask bug');
    };
    expect(prepareContent('secret stuff', 'k', { ...policy, mask }).value).toBe('[REDACTED]');
  });

  it('applies the mask after redaction', () => {
    const mask = (t: string) => t.replace(/\d{3}-\d{2}-\d{4}/g, '<ssn>');
    expect(prepareContent('ssn 123-45-6789', 'k', { ...policy, mask }).value).toBe('ssn <ssn>');
  });

  it('caps by UTF-8 bytes without splitting a character and flags it', () => {
    const { value, truncated } = capBytes('é'.repeat(1000), 101);
    expect(truncated).toBe(true);
    expect(Buffer.byteLength(value)).toBeLessThanOrEqual(101);
    expect(value).toBe('é'.repeat(50));
  });

  it('stringifies circular values and BigInt', () => {
    const a: Record<string, unknown> = { n: 10n };
    a.self = a;
    expect(safeStringify(a)).toBe('{"n":"10","self":"[Circular]"}');
  });
});

describe('contentJson', () => {
  it('serves a repeated clean text from memory and never remembers one that held a secret', () => {
    const clean = `${'plain words '.repeat(30)}"quoted"\n`;
    const first = contentJson(clean, true);
    expect(first).toBe(JSON.stringify(clean));
    expect(contentJson(clean.slice(0), true)).toBe(first);
    const secret = `${'text '.repeat(60)} ghp_abcdefghijklmnopqrstuvwxyz0123456789`;
    expect(contentJson(secret, true)).toContain('[REDACTED]');
    expect(contentJson(secret, true)).toContain('[REDACTED]');
    expect(contentJson(secret, false)).toBe(JSON.stringify(secret));
  });
});

describe('content through a wrapped client', () => {
  let server: FakeLlmServer;
  let openai: OpenAI;
  beforeAll(async () => {
    server = await FakeLlmServer.start();
    openai = wrapOpenAI(new OpenAI({ apiKey: 'sk-test', baseURL: `${server.url}/v1`, maxRetries: 0 }));
  });
  afterAll(() => server.close());

  it('handles 10 MB strings, circular metadata and a throwing mask without an exception reaching the app', async () => {
    const capture = createTestCapture({ mask: () => { throw new Error('bad mask'); } });
    const huge = 'x'.repeat(10 * 1024 * 1024);
    const meta: Record<string, unknown> = { a: 1 };
    meta.loop = meta;
    server.script('/v1/chat/completions', chatCompletion({ content: huge }));
    const res = await withContext({ userId: 'u', metadata: { meta } }, () =>
      openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: huge }] }),
    );
    expect(res.choices[0]?.message.content).toHaveLength(huge.length);
    const span = capture.llmSpans()[0];
    expect(span?.attributes['gen_ai.input.messages']).toBe('[REDACTED]');
    expect(span?.attributes['sightline.metadata.meta']).toBe('{"a":1,"loop":"[Circular]"}');
    await capture.dispose();
  });

  it('caps 10 MB content to the attribute budget and names the cut keys', async () => {
    const capture = createTestCapture();
    const huge = 'y'.repeat(10 * 1024 * 1024);
    server.script('/v1/chat/completions', chatCompletion({ content: huge }));
    await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    const span = capture.llmSpans()[0];
    expect(String(span?.attributes['gen_ai.output.messages']).length).toBeLessThanOrEqual(settings.content.maxAttributeBytes);
    expect(span?.attributes['sightline.truncated']).toBe('gen_ai.output.messages');
    await capture.dispose();
  });

  it('redacts secrets in chat messages and answers, in text sent once or again', async () => {
    const capture = createTestCapture();
    const clean = 'You answer questions about invoices. '.repeat(10);
    const secret = `${'Context follows. '.repeat(20)} my key is sk-proj-abcdefghijklmnopqrstuvwxyz0123 thanks`;
    for (let i = 0; i < 2; i++) {
      server.script('/v1/chat/completions', chatCompletion({ content: `${'Here is the answer. '.repeat(15)} use AKIAIOSFODNN7EXAMPLE` }));
      await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'system', content: clean }, { role: 'user', content: secret }] });
    }
    const spans = capture.llmSpans();
    expect(spans).toHaveLength(2);
    for (const span of spans) {
      const input = span.json('gen_ai.input.messages') as Array<{ parts: Array<{ content: string }> }>;
      expect(input[0]?.parts[0]?.content).toBe(clean);
      expect(input[1]?.parts[0]?.content).toContain('[REDACTED]');
      expect(String(span.attributes['gen_ai.input.messages'])).not.toContain('sk-proj');
      expect(String(span.attributes['gen_ai.output.messages'])).not.toContain('AKIA');
      expect(String(span.attributes['gen_ai.output.messages'])).toContain('[REDACTED]');
    }
    await capture.dispose();
  });

  it('records no content when capture is off, but still usage', async () => {
    const capture = createTestCapture({ captureContent: false });
    server.script('/v1/chat/completions', chatCompletion({ content: 'private' }));
    await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'private question' }] });
    const span = capture.llmSpans()[0];
    expect(span?.attributes['gen_ai.input.messages']).toBeUndefined();
    expect(span?.attributes['gen_ai.output.messages']).toBeUndefined();
    expect(span?.attributes['gen_ai.usage.output_tokens']).toBe(30);
    await capture.dispose();
  });
});
