import { requestRng } from './determinism.ts';
import { automaticCachedTokens, generate, isReasoningModel } from './generation.ts';
import { asRecords, contentText, optionalNumber, requireString, unixSeconds, type HandlerContext } from './handler-context.ts';
import { ApiError, EventStream, nonStreamingDelay, paceFor, sendFault, sendJson } from './http-kit.ts';
import { readToolChoice, readTools } from './openai-chat.ts';
import { requestedScenario } from './scenario.ts';
import { chunkText, estimateTokens, sliceEvenly } from './text.ts';

/** `POST /v1/responses`: the Responses API, plain and as its typed event stream. */
export async function responses(ctx: HandlerContext): Promise<void> {
  const { body, options, res } = ctx;
  const model = requireString(body, 'model');
  const items = typeof body.input === 'string' ? [{ role: 'user', content: body.input }] : asRecords(body.input);
  if (items.length === 0) throw new ApiError(400, 'invalid_request_error', "'input' must be a string or a non-empty array", 'input');
  const lastUserIndex = items.map((m) => m.role).lastIndexOf('user');
  const lastUserText = lastUserIndex >= 0 ? contentText(items[lastUserIndex]?.content) : '';
  const scenario = requestedScenario(ctx.scenarioHeader, lastUserText);
  const rng = requestRng(options.seed, ctx.requestKey, 'content');
  const roll = ctx.faults.roll(ctx.requestKey);
  const fault = scenario === 'rate_limit' || scenario === 'server_error' ? scenario : roll.fault;
  if (fault !== undefined) return sendFault(res, 'openai', fault, options, rng);

  const instructions = typeof body.instructions === 'string' ? body.instructions : '';
  const promptText = [instructions, ...items.map((i) => contentText(i.content) + (typeof i.output === 'string' ? i.output : '') + (typeof i.arguments === 'string' ? i.arguments : ''))].join('\n');
  const tools = readTools(body.tools);
  const inputTokens = estimateTokens(promptText) + items.length * 4 + estimateTokens(tools.length > 0 ? JSON.stringify(body.tools) : '');
  const format = ((body.text as Record<string, unknown> | undefined)?.format ?? { type: 'text' }) as Record<string, unknown>;
  const gen = generate(rng, {
    model,
    promptText,
    lastUserText,
    tools,
    toolChoice: readToolChoice(body.tool_choice),
    toolRoundsThisTurn: items.slice(lastUserIndex + 1).filter((i) => i.type === 'function_call_output').length,
    jsonSchema: format.type === 'json_schema' ? (format.schema ?? {}) : undefined,
    jsonObject: format.type === 'json_object',
    maxOutputTokens: optionalNumber(body, 'max_output_tokens'),
    scenario,
    invalidJson: scenario === 'invalid_json' || roll.invalidJson,
    parallelToolCalls: body.parallel_tool_calls !== false,
    toolCallIdPrefix: 'call_',
  });

  const output: Record<string, unknown>[] = [];
  if (isReasoningModel(model)) output.push({ type: 'reasoning', id: `rs_${rng.hex(24)}`, summary: [] });
  for (const call of gen.toolCalls) {
    output.push({ type: 'function_call', id: `fc_${rng.hex(24)}`, call_id: call.id, name: call.name, arguments: call.arguments, status: 'completed' });
  }
  const messageId = `msg_${rng.hex(24)}`;
  if (gen.toolCalls.length === 0) {
    output.push({ type: 'message', id: messageId, status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: gen.text, annotations: [], logprobs: [] }] });
  }
  const usage = {
    input_tokens: inputTokens,
    input_tokens_details: { cached_tokens: automaticCachedTokens(rng, inputTokens) },
    output_tokens: gen.outputTokens,
    output_tokens_details: { reasoning_tokens: gen.reasoningTokens },
    total_tokens: inputTokens + gen.outputTokens,
  };
  const incomplete = gen.finish === 'length';
  const responseId = `resp_${rng.hex(32)}`;
  const response = (status: string, out: unknown[], withUsage: boolean) => ({
    id: responseId, object: 'response', created_at: unixSeconds(), status,
    error: null, incomplete_details: incomplete && status !== 'in_progress' ? { reason: 'max_output_tokens' } : null,
    instructions: instructions || null, max_output_tokens: body.max_output_tokens ?? null, model, output: out,
    parallel_tool_calls: body.parallel_tool_calls !== false, previous_response_id: body.previous_response_id ?? null,
    reasoning: { effort: null, summary: null }, store: body.store !== false, temperature: body.temperature ?? 1,
    text: { format }, tool_choice: body.tool_choice ?? 'auto', tools: body.tools ?? [], top_p: body.top_p ?? 1,
    truncation: 'disabled', usage: withUsage && scenario !== 'no_usage' ? usage : null, user: null, metadata: {},
  });
  const finalStatus = incomplete ? 'incomplete' : 'completed';
  const pace = paceFor(options, rng);
  const headers = { 'x-request-id': `req_${rng.hex(24)}` };
  const final = response(finalStatus, output, true);

  if (body.stream !== true) {
    await nonStreamingDelay(pace, gen.outputTokens);
    if (scenario === 'abort_stream') return void res.destroy();
    sendJson(res, 200, final, headers);
    return;
  }
  const stream = new EventStream(res, pace);
  await stream.open(headers);
  let sequence = 0;
  const events: { type: string; data: Record<string, unknown>; tokens: number }[] = [];
  const push = (type: string, data: Record<string, unknown>, tokens = 0) => events.push({ type, data, tokens });
  push('response.created', { response: response('in_progress', [], false) });
  push('response.in_progress', { response: response('in_progress', [], false) });
  output.forEach((item, outputIndex) => {
    if (item.type === 'reasoning') {
      push('response.output_item.added', { output_index: outputIndex, item }, gen.reasoningTokens);
      push('response.output_item.done', { output_index: outputIndex, item });
    } else if (item.type === 'function_call') {
      const args = String(item.arguments);
      push('response.output_item.added', { output_index: outputIndex, item: { ...item, arguments: '', status: 'in_progress' } }, 1);
      for (const piece of sliceEvenly(args, 24)) push('response.function_call_arguments.delta', { item_id: item.id, output_index: outputIndex, delta: piece }, estimateTokens(piece));
      push('response.function_call_arguments.done', { item_id: item.id, output_index: outputIndex, arguments: args });
      push('response.output_item.done', { output_index: outputIndex, item });
    } else {
      const part = { type: 'output_text', text: '', annotations: [], logprobs: [] };
      push('response.output_item.added', { output_index: outputIndex, item: { ...item, status: 'in_progress', content: [] } });
      push('response.content_part.added', { item_id: messageId, output_index: outputIndex, content_index: 0, part });
      for (const piece of chunkText(rng, gen.text)) push('response.output_text.delta', { item_id: messageId, output_index: outputIndex, content_index: 0, delta: piece, logprobs: [] }, estimateTokens(piece));
      push('response.output_text.done', { item_id: messageId, output_index: outputIndex, content_index: 0, text: gen.text, logprobs: [] });
      push('response.content_part.done', { item_id: messageId, output_index: outputIndex, content_index: 0, part: { ...part, text: gen.text } });
      push('response.output_item.done', { output_index: outputIndex, item });
    }
  });
  push(incomplete ? 'response.incomplete' : 'response.completed', { response: final });
  const abortAt = scenario === 'abort_stream' ? Math.max(1, Math.floor(events.length / 2)) : -1;
  for (const [i, e] of events.entries()) {
    if (i === abortAt) return stream.abort();
    if (stream.closed) return;
    await stream.send({ type: e.type, sequence_number: sequence++, ...e.data }, { event: e.type, tokens: e.tokens });
  }
  stream.end();
}
