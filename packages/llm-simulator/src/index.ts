export { startSimulator } from './server.ts';
export type { RunningSimulator } from './server.ts';
export type { SimulatorOptions } from './options.ts';
export { SCENARIOS, SCENARIO_HEADER } from './scenario.ts';
export type { Scenario } from './scenario.ts';
export { estimateTokens } from './text.ts';
export { OPENAI_MODELS, ANTHROPIC_MODELS } from './openai-misc.ts';
export { createRng } from './determinism.ts';
export type { Rng } from './determinism.ts';
