// The same app as consumer.mjs, written as CommonJS: `require()` of the SDK (an ES module), which
// Node supports from 20.19 on; the SDK's floor is that version for this reason.
const OpenAI = require('openai');
const Anthropic = require('@anthropic-ai/sdk');
const { diag, DiagLogLevel } = require('@opentelemetry/api');
const { init, shutdown, traceAgent, traceTool, withContext, wrapAnthropic, wrapOpenAI } = require('@sightline/sdk');

(async () => {
  const { converse, printDiagnostics } = await import('./conversation.mjs');
  printDiagnostics(diag, DiagLogLevel);
  init({ serviceName: 'node-versions-cjs' });
  await converse({ OpenAI: OpenAI.default ?? OpenAI, Anthropic: Anthropic.default ?? Anthropic, traceAgent, traceTool, withContext, wrapAnthropic, wrapOpenAI });
  await shutdown();
  process.stdout.write(`${JSON.stringify({ node: process.version, module: 'cjs' })}\n`);
})().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
});
