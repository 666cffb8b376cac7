import { startSimulator, type RunningSimulator } from '@sightline/llm-simulator';
import type { LlmTarget } from './clients.ts';

/** The demo's "model weather": a few rate limits, outages and broken JSON, like a real provider's bad day. */
const FAULTS = { rateLimit: 0.03, serverError: 0.015, invalidJson: 0.03 };
/** The backfill runs 100× faster than the history it writes; the exporter stretches times back. */
export const BACKFILL_DILATION = 100;

export interface TargetSet {
  /** For the backfill: compressed time when simulated. */
  backfill: LlmTarget;
  live: LlmTarget;
  /** True when backfill durations must be stretched (the simulator ran in compressed time). */
  compressed: boolean;
  describe: string;
  close(): Promise<void>;
}

/**
 * Real endpoints when the environment names them; otherwise two in-process simulators, one in
 * compressed time for the backfill and one at real speed for live traffic.
 */
export async function resolveTargets(env: NodeJS.ProcessEnv, seed: number): Promise<TargetSet> {
  const modelOverride = env.DEMO_MODEL !== undefined && env.DEMO_MODEL !== '' ? env.DEMO_MODEL : undefined;
  if (env.OPENAI_BASE_URL !== undefined || env.OPENAI_API_KEY !== undefined) {
    // A single-model server (DEMO_MODEL) has no Claude and usually no embeddings model: the support
    // assistant then answers with that model and retrieves lexically, unless DEMO_EMBEDDING_MODEL names one.
    const anthropic = modelOverride === undefined && (env.ANTHROPIC_BASE_URL !== undefined || env.ANTHROPIC_API_KEY !== undefined);
    const target: LlmTarget = {
      openaiBaseURL: env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1',
      openaiApiKey: env.OPENAI_API_KEY ?? 'not-needed',
      anthropicBaseURL: anthropic ? (env.ANTHROPIC_BASE_URL ?? 'https://api.anthropic.com') : undefined,
      anthropicApiKey: anthropic ? (env.ANTHROPIC_API_KEY ?? 'not-needed') : undefined,
      simulated: env.DEMO_SIMULATED === '1',
      modelOverride,
      embeddingModel: env.DEMO_EMBEDDING_MODEL || (modelOverride === undefined ? 'text-embedding-3-small' : undefined),
    };
    return { backfill: target, live: target, compressed: false, describe: `LLM endpoint ${target.openaiBaseURL}${modelOverride ? ` (model ${modelOverride})` : ''}`, close: async () => undefined };
  }
  const sims: RunningSimulator[] = [
    await startSimulator({ seed, latency: 'realistic', timeScale: 1 / BACKFILL_DILATION, faults: FAULTS }),
    await startSimulator({ seed: seed + 1, latency: 'realistic', faults: FAULTS }),
  ];
  const asTarget = (sim: RunningSimulator): LlmTarget => ({
    openaiBaseURL: sim.openaiBaseURL,
    openaiApiKey: 'simulator',
    anthropicBaseURL: sim.anthropicBaseURL,
    anthropicApiKey: 'simulator',
    simulated: true,
    modelOverride,
  });
  const [fast, real] = sims as [RunningSimulator, RunningSimulator];
  return {
    backfill: asTarget(fast),
    live: asTarget(real),
    compressed: true,
    describe: `bundled LLM simulator at ${real.url} (offline; set OPENAI_BASE_URL for a real endpoint)`,
    close: async () => {
      await Promise.all(sims.map((s) => s.close()));
    },
  };
}
