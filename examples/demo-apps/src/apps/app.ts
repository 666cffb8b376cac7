import type { Span } from '@opentelemetry/api';
import type { DemoClients } from '../clients.ts';
import type { Rng } from '../world.ts';

/** What one run of a demo app gets: clients, randomness, and the moment it plays at. */
export interface AppRun {
  clients: DemoClients;
  rng: Rng;
  /** Epoch ms the run happens at in the story (the past for backfill, now when live). */
  atMs: number;
  /** Epoch ms of the real present: prompt and model roll-outs are dated relative to it. */
  nowMs: number;
  /** Must be called with the run's root span as soon as it exists. */
  register(root: Span): void;
}

/** A demo service: its `service.name`, its share of the traffic, and one unit of its work. */
export interface DemoApp {
  service: string;
  weight: number;
  run(run: AppRun): Promise<void>;
}

export const DAY_MS = 24 * 3_600_000;

/**
 * The week's provider incident: two days ago, 14:00–14:45 UTC, most Claude calls failed with 5xx.
 * Only played against the simulator (it is a scenario, not something to ask of a real endpoint).
 */
export function inAnthropicIncident(run: AppRun): boolean {
  const day = new Date(run.nowMs - 2 * DAY_MS);
  const start = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), 14, 0);
  return run.atMs >= start && run.atMs < start + 45 * 60_000;
}
