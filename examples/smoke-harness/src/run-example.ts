import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { startSimulator } from '@sightline/llm-simulator';
import { startOtlpSink, type SinkSpan } from './otlp-sink.ts';

export interface ExampleRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  spans: SinkSpan[];
  authorizations: string[];
}

/**
 * Runs an example's `src/main.ts` exactly as a user would (a separate Node process, configured only
 * through the environment) against the LLM simulator and a loopback OTLP sink, and returns what it
 * printed and exported.
 */
export async function runExampleMain(mainPath: string, env: Record<string, string> = {}, timeoutMs = 60_000): Promise<ExampleRun> {
  const sim = await startSimulator({ seed: 9 });
  const sink = await startOtlpSink();
  try {
    const child = spawn(process.execPath, ['--conditions=@sightline/source', '--import', 'tsx', mainPath], {
      cwd: dirname(dirname(mainPath)),
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        SIGHTLINE_ENDPOINT: sink.url,
        SIGHTLINE_API_KEY: 'sl_example_smoke_test_key_0001',
        OPENAI_BASE_URL: sim.openaiBaseURL,
        OPENAI_API_KEY: 'simulator',
        ANTHROPIC_BASE_URL: sim.anthropicBaseURL,
        ANTHROPIC_API_KEY: 'simulator',
        VLLM_BASE_URL: sim.url,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${mainPath} did not finish within ${timeoutMs} ms\n${stderr}`));
      }, timeoutMs);
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
    return { exitCode, stdout, stderr, spans: [...sink.spans], authorizations: [...sink.authorizations] };
  } finally {
    await sink.close();
    await sim.close();
  }
}

/** The path of `src/main.ts` next to a test file (pass `import.meta.dirname`). */
export function mainNextTo(dir: string): string {
  return join(dir, 'main.ts');
}
