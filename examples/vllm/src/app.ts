import type OpenAI from 'openai';
import { traceLLM, withContext } from '@sightline/sdk';

/**
 * A self-hosted model behind vLLM. Its chat endpoint is OpenAI-compatible, so the wrapped `openai`
 * client covers it; its raw `/v1/completions` is called with `fetch` and traced with `traceLLM`,
 * which is how any client the SDK does not wrap gets the same spans.
 */

export interface VllmTarget {
  /** The vLLM server, without `/v1` (e.g. http://gpu-box:8000). */
  baseUrl: string;
  model: string;
}

export async function chat(openai: OpenAI, target: VllmTarget, question: string): Promise<string> {
  const res = await openai.chat.completions.create({ model: target.model, messages: [{ role: 'user', content: question }], max_tokens: 200 });
  return res.choices[0]?.message.content ?? '';
}

interface CompletionResponse {
  id: string;
  model: string;
  choices: { text: string; finish_reason: string | null }[];
  usage?: { prompt_tokens: number; completion_tokens: number };
}

function serverOf(baseUrl: string): { serverAddress: string; serverPort: number } {
  const url = new URL(baseUrl);
  return { serverAddress: url.hostname, serverPort: Number(url.port || (url.protocol === 'https:' ? 443 : 80)) };
}

/** Raw text completion; a non-2xx answer becomes an error the span records (and the caller sees). */
export async function rawCompletion(target: VllmTarget, prompt: string, maxTokens = 64): Promise<string> {
  return traceLLM({ model: target.model, provider: 'vllm', operation: 'text_completion', input: prompt, maxTokens, ...serverOf(target.baseUrl) }, async (llm) => {
    const res = await fetch(`${target.baseUrl}/v1/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: target.model, prompt, max_tokens: maxTokens }),
    });
    if (!res.ok) throw new Error(`vLLM answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
    const json = (await res.json()) as CompletionResponse;
    const text = json.choices[0]?.text ?? '';
    llm.setResponseId(json.id);
    llm.setModel(json.model);
    llm.setOutput(text);
    if (json.choices[0]?.finish_reason) llm.setFinishReason(json.choices[0].finish_reason);
    if (json.usage) llm.setUsage({ inputTokens: json.usage.prompt_tokens, outputTokens: json.usage.completion_tokens });
    return text;
  });
}

/** Streamed raw completion: `recordChunk()` per chunk gives the span its time to first token. */
export async function rawCompletionStream(target: VllmTarget, prompt: string, maxTokens = 64): Promise<string> {
  return traceLLM({ model: target.model, provider: 'vllm', operation: 'text_completion', input: prompt, maxTokens, stream: true, ...serverOf(target.baseUrl) }, async (llm) => {
    const res = await fetch(`${target.baseUrl}/v1/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: target.model, prompt, max_tokens: maxTokens, stream: true, stream_options: { include_usage: true } }),
    });
    if (!res.ok || res.body === null) throw new Error(`vLLM answered ${res.status}`);
    let text = '';
    let buffered = '';
    const decoder = new TextDecoder();
    for await (const bytes of res.body) {
      buffered += decoder.decode(bytes, { stream: true });
      const events = buffered.split('\n\n');
      buffered = events.pop() ?? '';
      for (const event of events) {
        const data = event.replace(/^data: /, '').trim();
        if (data === '' || data === '[DONE]') continue;
        const chunk = JSON.parse(data) as CompletionResponse;
        const piece = chunk.choices[0]?.text ?? '';
        llm.recordChunk(piece !== '');
        text += piece;
        if (chunk.choices[0]?.finish_reason) llm.setFinishReason(chunk.choices[0].finish_reason);
        if (chunk.usage) llm.setUsage({ inputTokens: chunk.usage.prompt_tokens, outputTokens: chunk.usage.completion_tokens });
      }
    }
    llm.setOutput(text);
    return text;
  });
}

export async function runExamples(openai: OpenAI, target: VllmTarget, log: (line: string) => void): Promise<void> {
  await withContext({ userId: 'batch-job', sessionId: 'nightly-summaries' }, async () => {
    log(`chat:       ${await chat(openai, target, 'Explain KV-cache paging in one paragraph.')}`);
    log(`completion: ${await rawCompletion(target, 'The three laws of thermodynamics are')}`);
    log(`streamed:   ${await rawCompletionStream(target, 'Once upon a time, a GPU')}`);
  });
}
