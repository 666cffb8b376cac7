export { runExampleMain, startExampleMain, mainNextTo } from './run-example.ts';
export type { ExampleRun, RunningExample } from './run-example.ts';
export { startOtlpSink } from './otlp-sink.ts';
export type { OtlpSink, SinkSpan } from './otlp-sink.ts';
