import { requestRng } from './determinism.ts';
import { generate, automaticCachedTokens, type GenerationInput, type ToolChoice, type ToolSpec } from './generation.ts';
import { asRecords, contentText, optionalNumber, requireString, unixSeconds, type HandlerContext } from './handler-context.ts';
import { ApiError, EventStream, nonStreamingDelay, paceFor, sendFault, sendJson } from './http-kit.ts';
import { requestedScenario } from './scenario.ts';
import { chunkText, estimateTokens, sliceEvenly } from './text.ts';

/** `POST /v1/chat/completions`, plain and streamed, with tools and structured outputs. */
export async function chatCompletions(ctx: HandlerContext): Promise<void> {
  const { body, options, res } = ctx;
  const model = requireString(body, 'model');
  const messages = asRecords(body.messages);
  if (messages.length === 0) throw new ApiError(400, 'invalid_request_error', "'messages' must be a non-empty array", 'messages');
  const lastUserIndex = messages.map((m) => m.role).lastIndexOf('user');
  const lastUserText = lastUserIndex >= 0 ? contentText(messages[lastUserIndex]?.content) : '';
  const scenario = requestedScenario(ctx.scenarioHeader, lastUserText);
  const rng = requestRng(options.seed, ctx.requestKey, 'content');
  const roll = ctx.faults.roll(ctx.requestKey);
  const fault = scenario === 'rate_limit' || scenario === 'server_error' ? scenario : roll.fault;
  if (fault !== undefined) return sendFault(res, 'openai', fault, options, rng);

  const tools = readTools(body.tools);
  const promptText = messages.map((m) => contentText(m.content) + JSON.stringify(m.tool_calls ?? '')).join('\n');
  const promptTokens = messages.reduce((sum, m) => sum + estimateTokens(contentText(m.content)) + 4, 3) + estimateTokens(tools.length > 0 ? JSON.stringify(body.tools) : '');
  const responseFormat = (body.response_format ?? {}) as Record<string, unknown>;
  const jsonSchema = responseFormat.type === 'json_schema' ? ((responseFormat.json_schema as Record<string, unknown> | undefined)?.schema ?? {}) : undefined;
  const n = optionalNumber(body, 'n') ?? 1;
  const input: GenerationInput = {
    model,
    promptText,
    lastUserText,
    tools,
    toolChoice: readToolChoice(body.tool_choice),
    toolRoundsThisTurn: messages.slice(lastUserIndex + 1).filter((m) => m.role === 'assistant' && Array.isArray(m.tool_calls)).length,
    jsonSchema,
    jsonObject: responseFormat.type === 'json_object',
    maxOutputTokens: optionalNumber(body, 'max_completion_tokens') ?? optionalNumber(body, 'max_tokens'),
    scenario,
    invalidJson: scenario === 'invalid_json' || roll.invalidJson,
    parallelToolCalls: body.parallel_tool_calls !== false,
    toolCallIdPrefix: 'call_',
  };
  const choices = Array.from({ length: Math.max(1, Math.floor(n)) }, () => generate(rng, input));
  const completionTokens = choices.reduce((s, c) => s + c.outputTokens, 0);
  const reasoningTokens = choices.reduce((s, c) => s + c.reasoningTokens, 0);
  const usage = {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: automaticCachedTokens(rng, promptTokens), audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: reasoningTokens, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
  const id = `chatcmpl-${rng.hex(24)}`;
  const created = unixSeconds();
  const pace = paceFor(options, rng);
  const headers = { 'x-request-id': `req_${rng.hex(24)}`, 'openai-model': model };

  if (body.stream !== true) {
    await nonStreamingDelay(pace, completionTokens);
    if (scenario === 'abort_stream') return void res.destroy();
    sendJson(res, 200, {
      id,
      object: 'chat.completion',
      created,
      model,
      system_fingerprint: 'fp_simulator',
      service_tier: 'default',
      choices: choices.map((c, index) => ({
        index,
        message: {
          role: 'assistant',
          content: c.toolCalls.length > 0 ? null : c.text,
          refusal: null,
          annotations: [],
          ...(c.toolCalls.length > 0 ? { tool_calls: c.toolCalls.map((t) => ({ id: t.id, type: 'function', function: { name: t.name, arguments: t.arguments } })) } : {}),
        },
        logprobs: null,
        finish_reason: c.finish,
      })),
      ...(scenario === 'no_usage' ? {} : { usage }),
    }, headers);
    return;
  }

  const includeUsage = (body.stream_options as Record<string, unknown> | undefined)?.include_usage === true && scenario !== 'no_usage';
  const stream = new EventStream(res, pace);
  await stream.open(headers);
  const chunk = (index: number, delta: Record<string, unknown>, finish: string | null) => ({
    id, object: 'chat.completion.chunk', created, model, system_fingerprint: 'fp_simulator', service_tier: 'default',
    choices: [{ index, delta, logprobs: null, finish_reason: finish }],
    ...(includeUsage ? { usage: null } : {}),
  });
  const events: { data: unknown; tokens: number }[] = [];
  choices.forEach((c, index) => {
    events.push({ data: chunk(index, { role: 'assistant', content: c.toolCalls.length > 0 ? null : '', refusal: null }, null), tokens: c.reasoningTokens });
    for (const piece of c.toolCalls.length > 0 ? [] : chunkText(rng, c.text)) events.push({ data: chunk(index, { content: piece }, null), tokens: estimateTokens(piece) });
    c.toolCalls.forEach((t, toolIndex) => {
      events.push({ data: chunk(index, { tool_calls: [{ index: toolIndex, id: t.id, type: 'function', function: { name: t.name, arguments: '' } }] }, null), tokens: 1 });
      for (const piece of sliceEvenly(t.arguments, 24)) events.push({ data: chunk(index, { tool_calls: [{ index: toolIndex, function: { arguments: piece } }] }, null), tokens: estimateTokens(piece) });
    });
    events.push({ data: chunk(index, {}, c.finish), tokens: 0 });
  });
  const abortAt = scenario === 'abort_stream' ? Math.max(1, Math.floor(events.length / 2)) : -1;
  for (const [i, e] of events.entries()) {
    if (i === abortAt) return stream.abort();
    if (stream.closed) return;
    await stream.send(e.data, { tokens: e.tokens });
  }
  if (includeUsage) await stream.send({ id, object: 'chat.completion.chunk', created, model, system_fingerprint: 'fp_simulator', service_tier: 'default', choices: [], usage });
  await stream.send('[DONE]');
  stream.end();
}

export function readTools(value: unknown): ToolSpec[] {
  const tools: ToolSpec[] = [];
  for (const t of asRecords(value)) {
    // Chat Completions nests the function; the Responses API and Anthropic put name and schema at the top.
    const fn = (typeof t.function === 'object' && t.function !== null ? t.function : t) as Record<string, unknown>;
    if (typeof fn.name !== 'string') continue;
    tools.push({ name: fn.name, parameters: fn.parameters ?? fn.input_schema ?? { type: 'object', properties: {} } });
  }
  return tools;
}

export function readToolChoice(value: unknown): ToolChoice {
  if (value === 'none' || value === 'required' || value === 'auto') return value;
  if (typeof value === 'object' && value !== null) {
    const v = value as Record<string, unknown>;
    const fn = v.function as Record<string, unknown> | undefined;
    const name = typeof fn?.name === 'string' ? fn.name : typeof v.name === 'string' ? v.name : undefined;
    if (name !== undefined) return { name };
    if (v.type === 'any') return 'required';
    if (v.type === 'none') return 'none';
  }
  return 'auto';
}
