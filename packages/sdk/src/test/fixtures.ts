import type { Scripted } from './fake-llm-server.ts';

/** A Chat Completions answer with the usage shape of current OpenAI models. */
export function chatCompletion(opts: {
  content?: string | null;
  toolCalls?: Array<{ id: string; name: string; arguments: string }>;
  model?: string;
  cached?: number;
  reasoning?: number;
  finish?: string;
}): Scripted {
  return {
    kind: 'json',
    headers: { 'x-request-id': 'req_test_1' },
    body: {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: opts.model ?? 'gpt-4o-mini-2024-07-18',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: opts.content ?? null,
            refusal: null,
            ...(opts.toolCalls
              ? { tool_calls: opts.toolCalls.map((t) => ({ id: t.id, type: 'function', function: { name: t.name, arguments: t.arguments } })) }
              : {}),
          },
          finish_reason: opts.finish ?? (opts.toolCalls ? 'tool_calls' : 'stop'),
          logprobs: null,
        },
      ],
      usage: {
        prompt_tokens: 120,
        completion_tokens: 30,
        total_tokens: 150,
        prompt_tokens_details: { cached_tokens: opts.cached ?? 0 },
        completion_tokens_details: { reasoning_tokens: opts.reasoning ?? 0 },
      },
      service_tier: 'default',
    },
  };
}

/** A Chat Completions SSE stream of `pieces`, with the usage chunk when `usage` is true. */
export function chatStream(pieces: string[], opts: { usage?: boolean; abortAfter?: number; toolCall?: { id: string; name: string; args: string[] } } = {}): Scripted {
  const base = { id: 'chatcmpl-s1', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'gpt-4o-mini-2024-07-18' };
  const events: Array<{ data: unknown }> = [{ data: { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] } }];
  for (const p of pieces) events.push({ data: { ...base, choices: [{ index: 0, delta: { content: p }, finish_reason: null }] } });
  if (opts.toolCall) {
    const { id, name, args } = opts.toolCall;
    events.push({ data: { ...base, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id, type: 'function', function: { name, arguments: '' } }] }, finish_reason: null }] } });
    for (const a of args) events.push({ data: { ...base, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: a } }] }, finish_reason: null }] } });
  }
  events.push({ data: { ...base, choices: [{ index: 0, delta: {}, finish_reason: opts.toolCall ? 'tool_calls' : 'stop' }] } });
  if (opts.usage) {
    events.push({ data: { ...base, choices: [], usage: { prompt_tokens: 50, completion_tokens: pieces.length, total_tokens: 50 + pieces.length, prompt_tokens_details: { cached_tokens: 20 } } } });
  }
  return { kind: 'sse', events, ...(opts.abortAfter !== undefined ? { abortAfter: opts.abortAfter } : {}) };
}

/** An OpenAI-style error body. */
export function openaiError(status: number, message: string, headers: Record<string, string> = {}): Scripted {
  return { kind: 'json', status, headers, body: { error: { message, type: status === 429 ? 'rate_limit_exceeded' : 'server_error', code: null, param: null } } };
}

/** An Anthropic Messages answer. */
export function anthropicMessage(opts: { text?: string; toolUse?: { id: string; name: string; input: unknown }; cacheRead?: number; cacheWrite?: number }): Scripted {
  const content: unknown[] = [];
  if (opts.text !== undefined) content.push({ type: 'text', text: opts.text, citations: null });
  if (opts.toolUse) content.push({ type: 'tool_use', ...opts.toolUse });
  return {
    kind: 'json',
    body: {
      id: 'msg_01',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5-20250929',
      content,
      stop_reason: opts.toolUse ? 'tool_use' : 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 40, output_tokens: 25, cache_read_input_tokens: opts.cacheRead ?? 0, cache_creation_input_tokens: opts.cacheWrite ?? 0 },
    },
  };
}

/** An Anthropic raw event stream: message_start … message_stop. */
export function anthropicStream(pieces: string[], opts: { cacheRead?: number; cacheWrite?: number; abortAfter?: number } = {}): Scripted {
  const events: Array<{ event: string; data: unknown }> = [
    {
      event: 'message_start',
      data: {
        type: 'message_start',
        message: {
          id: 'msg_s1', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5-20250929', content: [], stop_reason: null, stop_sequence: null,
          usage: { input_tokens: 12, output_tokens: 1, cache_read_input_tokens: opts.cacheRead ?? 0, cache_creation_input_tokens: opts.cacheWrite ?? 0 },
        },
      },
    },
    { event: 'content_block_start', data: { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '', citations: null } } },
    ...pieces.map((p) => ({ event: 'content_block_delta', data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: p } } })),
    { event: 'content_block_stop', data: { type: 'content_block_stop', index: 0 } },
    { event: 'message_delta', data: { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: pieces.length } } },
    { event: 'message_stop', data: { type: 'message_stop' } },
  ];
  return { kind: 'sse', events, done: false, ...(opts.abortAfter !== undefined ? { abortAfter: opts.abortAfter } : {}) };
}
