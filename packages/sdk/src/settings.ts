import { trace, type Tracer } from '@opentelemetry/api';
import type { ContentPolicy } from './content.ts';
import type { BudgetGuard } from './budget.ts';
import { SDK_NAME, SDK_VERSION } from './version.ts';

/**
 * Process-wide runtime settings the wrappers read on every call. Defaults apply before `init()`,
 * so wrapped clients work (and export through any provider the host registered) without it.
 */
export interface RuntimeSettings {
  content: ContentPolicy;
  tracer: Tracer | undefined;
  budget: BudgetGuard | undefined;
  serverless: boolean;
  /** How long a finished LLM span waits for `recordValidation()`; 0 = until the next event-loop turn. */
  validationWindowMs: number;
  /** `init({ configVersion })`: recorded on every LLM span unless a `withContext` scope sets its own. */
  configVersion: string | undefined;
  flush: (() => Promise<void>) | undefined;
}

export const settings: RuntimeSettings = {
  content: { capture: true, redactSecrets: true, mask: undefined, maxAttributeBytes: 64 * 1024 },
  tracer: undefined,
  budget: undefined,
  serverless: false,
  validationWindowMs: 0,
  configVersion: undefined,
  flush: undefined,
};

let globalTracer: Tracer | undefined;

/** The tracer the SDK writes to: the one `init()` or a test capture installed, else the global one. */
export function sdkTracer(): Tracer {
  if (settings.tracer) return settings.tracer;
  globalTracer ??= trace.getTracer(SDK_NAME, SDK_VERSION);
  return globalTracer;
}
