import type { Rng } from './determinism.ts';
import { requestRng } from './determinism.ts';
import { generate } from './generation.ts';
import { asRecords, contentText, optionalNumber, requireString, type HandlerContext } from './handler-context.ts';
import { ApiError, EventStream, nonStreamingDelay, paceFor, sendFault, sendJson } from './http-kit.ts';
import { readToolChoice, readTools } from './openai-chat.ts';
import { requestedScenario } from './scenario.ts';
import { chunkText, estimateTokens, sliceEvenly } from './text.ts';

const isToolResultMessage = (m: Record<string, unknown>): boolean =>
  m.role === 'user' && Array.isArray(m.content) && asRecords(m.content).some((b) => b.type === 'tool_result');

/**
 * Prompt caching as Anthropic reports it: only with explicit `cache_control` breakpoints; a prefix is
 * either written (first sight) or read, and `input_tokens` counts only the uncached remainder.
 */
function cacheSplit(rng: Rng, body: Record<string, unknown>, promptTokens: number): { read: number; created: number } {
  if (!JSON.stringify([body.system ?? null, body.tools ?? null, body.messages]).includes('"cache_control"')) return { read: 0, created: 0 };
  const cached = Math.floor(promptTokens * (0.6 + rng.next() * 0.3));
  return rng.chance(0.75) ? { read: cached, created: 0 } : { read: 0, created: cached };
}

/** `POST /v1/messages`: Anthropic Messages, plain and as its event stream, with tool_use. */
export async function messages(ctx: HandlerContext): Promise<void> {
  const { body, options, res } = ctx;
  const model = requireString(body, 'model');
  const maxTokens = optionalNumber(body, 'max_tokens');
  if (maxTokens === undefined) throw new ApiError(400, 'invalid_request_error', 'max_tokens: Field required', 'max_tokens');
  const msgs = asRecords(body.messages);
  if (msgs.length === 0) throw new ApiError(400, 'invalid_request_error', 'messages: at least one message is required', 'messages');
  const turnStart = msgs.findLastIndex((m) => m.role === 'user' && !isToolResultMessage(m));
  const lastUserText = turnStart >= 0 ? contentText(msgs[turnStart]?.content) : '';
  const scenario = requestedScenario(ctx.scenarioHeader, lastUserText);
  const rng = requestRng(options.seed, ctx.requestKey, 'content');
  const roll = ctx.faults.roll(ctx.requestKey);
  const fault = scenario === 'rate_limit' || scenario === 'server_error' ? scenario : roll.fault;
  if (fault !== undefined) return sendFault(res, 'anthropic', fault, options, rng);

  const system = contentText(body.system);
  const tools = readTools(body.tools);
  const promptText = [system, ...msgs.map((m) => contentText(m.content))].join('\n');
  const promptTokens = estimateTokens(promptText) + msgs.length * 3 + estimateTokens(tools.length > 0 ? JSON.stringify(body.tools) : '');
  const gen = generate(rng, {
    model, promptText, lastUserText, tools,
    toolChoice: readToolChoice(body.tool_choice),
    toolRoundsThisTurn: msgs.slice(turnStart + 1).filter((m) => m.role === 'assistant' && asRecords(m.content).some((b) => b.type === 'tool_use')).length,
    maxOutputTokens: maxTokens, scenario, invalidJson: scenario === 'invalid_json' || roll.invalidJson,
    parallelToolCalls: (body.tool_choice as Record<string, unknown> | undefined)?.disable_parallel_tool_use !== true,
    toolCallIdPrefix: 'toolu_',
  });
  // Claude often says a few words before it calls a tool.
  const preamble = gen.toolCalls.length > 0 && rng.chance(0.5) ? "I'll look that up." : '';
  const content: Record<string, unknown>[] = [];
  if (gen.text !== '' || preamble !== '') content.push({ type: 'text', text: gen.text || preamble });
  for (const call of gen.toolCalls) content.push({ type: 'tool_use', id: call.id, name: call.name, input: JSON.parse(call.arguments) as unknown });
  const outputTokens = gen.outputTokens + estimateTokens(preamble);
  const cache = cacheSplit(rng, body, promptTokens);
  const usage = {
    input_tokens: promptTokens - cache.read - cache.created,
    cache_creation_input_tokens: cache.created,
    cache_read_input_tokens: cache.read,
    output_tokens: outputTokens,
    service_tier: 'standard',
  };
  const stopReason = gen.finish === 'tool_calls' ? 'tool_use' : gen.finish === 'length' ? 'max_tokens' : 'end_turn';
  const id = `msg_${rng.hex(24)}`;
  const pace = paceFor(options, rng);
  const headers = { 'request-id': `req_${rng.hex(24)}` };

  if (body.stream !== true) {
    await nonStreamingDelay(pace, outputTokens);
    if (scenario === 'abort_stream') return void res.destroy();
    sendJson(res, 200, { id, type: 'message', role: 'assistant', model, content, stop_reason: stopReason, stop_sequence: null, usage }, headers);
    return;
  }
  const stream = new EventStream(res, pace);
  await stream.open(headers);
  const events: { type: string; data: Record<string, unknown>; tokens: number }[] = [];
  const push = (type: string, data: Record<string, unknown>, tokens = 0) => events.push({ type, data: { type, ...data }, tokens });
  push('message_start', { message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } } });
  push('ping', {});
  content.forEach((block, index) => {
    if (block.type === 'text') {
      push('content_block_start', { index, content_block: { type: 'text', text: '' } });
      for (const piece of chunkText(rng, String(block.text))) push('content_block_delta', { index, delta: { type: 'text_delta', text: piece } }, estimateTokens(piece));
    } else {
      push('content_block_start', { index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } }, 1);
      for (const piece of sliceEvenly(JSON.stringify(block.input), 24)) push('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: piece } }, estimateTokens(piece));
    }
    push('content_block_stop', { index });
  });
  push('message_delta', { delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: outputTokens } });
  push('message_stop', {});
  const abortAt = scenario === 'abort_stream' ? Math.max(1, Math.floor(events.length / 2)) : -1;
  for (const [i, e] of events.entries()) {
    if (i === abortAt) return stream.abort();
    if (stream.closed) return;
    await stream.send(e.data, { event: e.type, tokens: e.tokens });
  }
  stream.end();
}
