// One agent turn through every kind of call the SDK wraps; the SDK comes in as arguments so the ESM
// and CommonJS consumers load it their own way.

/** The SDK reports problems through OpenTelemetry's diag logger: print them, marked, for the test to see. */
export function printDiagnostics(diag, DiagLogLevel) {
  const print = (...args) => process.stderr.write(`[diag] ${args.map(String).join(' ')}\n`);
  const quiet = () => undefined;
  diag.setLogger({ error: print, warn: print, info: quiet, debug: quiet, verbose: quiet }, DiagLogLevel.WARN);
}

export async function converse({ OpenAI, Anthropic, traceAgent, traceTool, withContext, wrapAnthropic, wrapOpenAI }) {
  const openai = wrapOpenAI(new OpenAI({ baseURL: process.env.OPENAI_BASE_URL, apiKey: 'simulator', maxRetries: 0 }));
  const anthropic = wrapAnthropic(new Anthropic({ baseURL: process.env.ANTHROPIC_BASE_URL, apiKey: 'simulator', maxRetries: 0 }));
  const messages = [{ role: 'user', content: 'What is the capital of Norway?' }];
  await withContext({ userId: 'user-node-versions' }, () =>
    traceAgent('travel', async () => {
      await traceTool('lookup', async () => ({ city: 'Oslo' }));
      await openai.chat.completions.create({ model: 'gpt-4o-mini', messages });
      const stream = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true } });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
      if (!text) throw new Error('the stream gave no text');
      await anthropic.messages.create({ model: 'claude-haiku-4-5', max_tokens: 100, messages });
    }),
  );
}
