export { backfill, runDemoTraffic, DEMO_APPS } from './traffic.ts';
export type { BackfillOptions, BackfillResult, LiveOptions, RunOutcome } from './traffic.ts';
export { createClients } from './clients.ts';
export type { DemoClients, LlmTarget } from './clients.ts';
export { startTelemetry } from './telemetry.ts';
export type { DemoTelemetry, TelemetryOptions } from './telemetry.ts';
export { DemoSpanExporter, TraceRegistry } from './trace-shift.ts';
export { ResumeSchema } from './apps/resume-analyser.ts';
