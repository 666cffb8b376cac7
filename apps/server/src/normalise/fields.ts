import type { Attributes } from '../ingest/decoded-span.ts';
import { num, str, stringList } from './attributes.ts';

export function userIdOf(attrs: Attributes): string {
  return str(attrs, 'sightline.user.id', 'user.id', 'ai.telemetry.metadata.userId', 'traceloop.association.properties.user_id', 'enduser.id');
}

export function sessionIdOf(attrs: Attributes): string {
  return str(attrs, 'sightline.session.id', 'session.id', 'gen_ai.conversation.id', 'ai.telemetry.metadata.sessionId', 'traceloop.association.properties.session_id');
}

export function environmentOf(resource: Attributes): string {
  return str(resource, 'deployment.environment.name', 'deployment.environment');
}

export function toolNameOf(attrs: Attributes): string {
  const name = str(attrs, 'gen_ai.tool.name', 'tool.name', 'ai.toolCall.name');
  if (name !== '') return name;
  return str(attrs, 'traceloop.span.kind') === 'tool' ? str(attrs, 'traceloop.entity.name') : '';
}

export function promptOf(attrs: Attributes): { name: string; version: string } {
  return {
    name: str(attrs, 'sightline.prompt.name', 'traceloop.prompt.key', 'llm.prompt_template.name'),
    version: str(attrs, 'sightline.prompt.version', 'traceloop.prompt.version', 'llm.prompt_template.version'),
  };
}

export function finishReasonsOf(attrs: Attributes): string[] {
  const list = stringList(attrs['gen_ai.response.finish_reasons']);
  if (list.length > 0) return list;
  const vercel = str(attrs, 'ai.response.finishReason');
  if (vercel !== '') return [vercel];
  const indexed: string[] = [];
  for (let i = 0; i < 128; i++) {
    const r = str(attrs, `gen_ai.completion.${i}.finish_reason`);
    if (r === '') break;
    indexed.push(r);
  }
  return indexed;
}

/** Milliseconds to the first chunk: GenAI and our SDK write seconds, Vercel milliseconds. */
export function ttftMsOf(attrs: Attributes): number | null {
  const seconds = num(attrs, 'gen_ai.response.time_to_first_chunk');
  if (seconds !== undefined && seconds >= 0) return Math.round(seconds * 1e6) / 1e3;
  const ms = num(attrs, 'ai.response.msToFirstChunk');
  return ms !== undefined && ms >= 0 ? ms : null;
}

/** `auto`, `scale`, `standard` and `on_demand` are all the default tier as far as prices go. */
export function serviceTierOf(attrs: Attributes): string {
  const t = str(attrs, 'openai.response.service_tier', 'openai.request.service_tier', 'gen_ai.openai.response.service_tier', 'gen_ai.openai.request.service_tier').toLowerCase();
  if (t === '') return '';
  return t === 'batch' || t === 'flex' || t === 'priority' ? t : 'default';
}

export function isStreaming(attrs: Attributes, spanName: string): boolean {
  const v = attrs['gen_ai.request.stream'] ?? attrs['llm.is_streaming'];
  return v === true || v === 'true' || str(attrs, 'ai.operationId').startsWith('ai.stream') || spanName.startsWith('ai.stream');
}

const SDK_DIAGNOSTICS: Record<string, string> = {
  stream_usage_missing: 'usage.missing: stream without include_usage',
  usage_missing: 'usage.missing: response carried no usage',
};

/** Diagnostics the SDK noticed itself (`sightline.diagnostics`, a JSON array of codes). */
export function sdkDiagnostics(attrs: Attributes): string[] {
  return stringList(attrs['sightline.diagnostics']).map((code) => SDK_DIAGNOSTICS[code] ?? `sdk.${code}`);
}
