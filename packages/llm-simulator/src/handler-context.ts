import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from './http-kit.ts';
import type { ResolvedOptions } from './options.ts';
import type { FaultRoller } from './scenario.ts';

/** Everything an endpoint handler needs about one request. */
export interface HandlerContext {
  req: IncomingMessage;
  res: ServerResponse;
  body: Record<string, unknown>;
  /** Path and raw body: the identity of the request for every seeded choice. */
  requestKey: string;
  options: ResolvedOptions;
  faults: FaultRoller;
  scenarioHeader: string | undefined;
}

export function requireString(body: Record<string, unknown>, key: string): string {
  const value = body[key];
  if (typeof value !== 'string' || value === '') throw new ApiError(400, 'invalid_request_error', `'${key}' is required and must be a non-empty string`, key);
  return value;
}

export function optionalNumber(body: Record<string, unknown>, key: string): number | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new ApiError(400, 'invalid_request_error', `'${key}' must be a non-negative number`, key);
  return value;
}

/** Text of a message content in any of the dialects' shapes: a string or a list of typed parts. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const parts: string[] = [];
  for (const part of content) {
    if (typeof part === 'string') parts.push(part);
    else if (typeof part === 'object' && part !== null) {
      const p = part as Record<string, unknown>;
      if (typeof p.text === 'string') parts.push(p.text);
      else if (typeof p.content === 'string' || Array.isArray(p.content)) parts.push(contentText(p.content));
      else if (typeof p.output === 'string') parts.push(p.output);
    }
  }
  return parts.join('\n');
}

export function asRecords(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)) : [];
}

export function newId(prefix: string, hex: string): string {
  return `${prefix}${hex}`;
}

export function unixSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
