import type { FailureClass, SpanClass } from '@sightline/contracts';
import type { Attributes, DecodedEvent } from '../ingest/decoded-span.ts';
import { num, str } from './attributes.ts';

const CANCELLED = /abort|cancel/i;
const RATE_LIMIT = /rate.?limit|too many requests|quota|resource.?exhausted/i;
const TIMEOUT = /time.?out|timed out|deadline.?exceeded|etimedout/i;
const SERVER = /internal.?server|service.?unavailable|bad.?gateway|overloaded|server.?error/i;
const CLIENT = /bad.?request|unauthori[sz]ed|authentication|permission|forbidden|not.?found|unprocessable|invalid.?request|content.?filter|conflict/i;

/**
 * Why a span failed, from the HTTP status, `error.type`, the status message and exception events,
 * in order of how specific the evidence is. '' when the span did not fail.
 */
export function failureClass(attrs: Attributes, events: readonly DecodedEvent[], statusCode: number, statusMessage: string, cls: SpanClass): FailureClass | '' {
  if (str(attrs, 'sightline.validation.status') === 'failed') return 'validation';
  const errorType = str(attrs, 'error.type');
  const exceptions = events.filter((e) => e.name === 'exception');
  if (statusCode !== 2 && errorType === '' && exceptions.length === 0) return '';
  const status =
    num(attrs, 'http.response.status_code', 'http.status_code') ??
    (/^\d{3}$/.test(errorType) ? Number(errorType) : undefined);
  const text = [errorType, statusMessage, ...exceptions.map((e) => `${str(e.attributes, 'exception.type')} ${str(e.attributes, 'exception.message')}`)].join(' ');

  if (CANCELLED.test(text)) return 'cancelled';
  if (status === 429 || RATE_LIMIT.test(text)) return 'rate_limit';
  if (status === 408 || status === 504 || TIMEOUT.test(text)) return 'timeout';
  if (cls === 'tool') return 'tool_error';
  if ((status !== undefined && status >= 500 && status <= 599) || SERVER.test(text)) return 'provider_5xx';
  if ((status !== undefined && status >= 400 && status <= 499) || CLIENT.test(text)) return 'client_4xx';
  return 'other';
}
