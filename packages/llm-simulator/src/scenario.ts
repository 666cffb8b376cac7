import { hash32, requestRng } from './determinism.ts';
import type { ResolvedOptions } from './options.ts';

/** What a test can force on one request, by header or by a `[[scenario:…]]` marker in the last user message. */
export const SCENARIOS = ['rate_limit', 'server_error', 'invalid_json', 'tool_call', 'abort_stream', 'no_usage'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export const SCENARIO_HEADER = 'x-simulator-scenario';
const MARKER = /\[\[scenario:([a-z_]+)\]\]/;

export class ScenarioError extends Error {}

function parseScenario(raw: string, where: string): Scenario {
  const value = raw.trim();
  if ((SCENARIOS as readonly string[]).includes(value)) return value as Scenario;
  throw new ScenarioError(`unknown scenario '${value}' in ${where}; expected one of ${SCENARIOS.join(', ')}`);
}

/** The scenario asked for explicitly; the header wins over the marker. */
export function requestedScenario(header: string | undefined, lastUserText: string): Scenario | undefined {
  if (header !== undefined && header.trim() !== '') return parseScenario(header, `header ${SCENARIO_HEADER}`);
  const marker = MARKER.exec(lastUserText);
  return marker?.[1] !== undefined ? parseScenario(marker[1], 'the [[scenario:…]] marker') : undefined;
}

export interface FaultRoll {
  /** A transport-level fault to answer with instead of a completion. */
  fault: 'rate_limit' | 'server_error' | undefined;
  /** Break the JSON of a structured output (ignored when none was asked for). */
  invalidJson: boolean;
}

/**
 * Rolls the configured fault probabilities. The roll depends on the seed, the request body and how many
 * times that body has been seen, so results are deterministic whatever the interleaving of concurrent
 * requests, and a client's retry of the same body gets a fresh roll instead of failing forever.
 */
export class FaultRoller {
  private readonly seen = new Map<number, number>();

  constructor(private readonly options: ResolvedOptions) {}

  roll(requestKey: string): FaultRoll {
    const { rateLimit, serverError, invalidJson } = this.options.faults;
    if (rateLimit === 0 && serverError === 0 && invalidJson === 0) return { fault: undefined, invalidJson: false };
    const bodyHash = hash32(requestKey, this.options.seed);
    const attempt = this.seen.get(bodyHash) ?? 0;
    // Bounded memory for long demo runs: forgetting old bodies only restarts their attempt count.
    if (this.seen.size > 100_000) this.seen.clear();
    this.seen.set(bodyHash, attempt + 1);
    const rng = requestRng(this.options.seed, `${requestKey}#${attempt}`, 'faults');
    const r = rng.next();
    const fault = r < rateLimit ? 'rate_limit' : r < rateLimit + serverError ? 'server_error' : undefined;
    return { fault, invalidJson: rng.next() < invalidJson };
  }
}
