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

export interface RunningExample {
  /** Resolves with the first stdout match of `pattern` (e.g. a "listening on" line). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Waits for the process to exit (sending SIGTERM first when `terminate`), then reports. */
  finish(opts?: { terminate?: boolean; timeoutMs?: number }): Promise<ExampleRun>;
}

/**
 * Starts an example's `src/main.ts` exactly as a user would (a separate Node process, configured
 * only through the environment) against the LLM simulator and a loopback OTLP sink.
 */
export async function startExampleMain(mainPath: string, env: Record<string, string> = {}): Promise<RunningExample> {
  const sim = await startSimulator({ seed: 9 });
  const sink = await startOtlpSink();
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
  const waiters: { pattern: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    for (const w of [...waiters]) {
      const m = stdout.match(w.pattern);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const cleanup = async () => {
    await sink.close();
    await sim.close();
  };
  return {
    waitFor(pattern, timeoutMs = 30_000) {
      const now = stdout.match(pattern);
      if (now) return Promise.resolve(now);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${pattern} on stdout within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`)), timeoutMs);
        waiters.push({ pattern, resolve: (m) => (clearTimeout(timer), resolve(m)) });
        void exited.then(() => reject(new Error(`process exited before ${pattern}\nstderr: ${stderr}`)));
      });
    },
    async finish(opts = {}) {
      if (opts.terminate === true) child.kill('SIGTERM');
      const timeoutMs = opts.timeoutMs ?? 60_000;
      let timer: NodeJS.Timeout | undefined;
      try {
        const exitCode = await Promise.race([
          exited,
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => {
              child.kill('SIGKILL');
              reject(new Error(`did not finish within ${timeoutMs} ms\nstderr: ${stderr}`));
            }, timeoutMs);
          }),
        ]);
        return { exitCode, stdout, stderr, spans: [...sink.spans], authorizations: [...sink.authorizations] };
      } finally {
        clearTimeout(timer);
        await cleanup();
      }
    },
  };
}

/** Runs a `main.ts` that does its work and exits. */
export async function runExampleMain(mainPath: string, env: Record<string, string> = {}, timeoutMs = 60_000): Promise<ExampleRun> {
  return (await startExampleMain(mainPath, env)).finish({ timeoutMs });
}

/** The path of `src/main.ts` next to a test file (pass `import.meta.dirname`). */
export function mainNextTo(dir: string): string {
  return join(dir, 'main.ts');
}
