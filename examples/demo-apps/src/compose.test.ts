import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDemoArgs } from './cli-options.ts';

/**
 * docker/compose.yaml runs these demo apps next to Sightline, so its checks live with them. The
 * static checks always run; `docker compose config` runs where a docker client with the compose
 * plugin exists (no engine is needed for it).
 */

const root = resolve(import.meta.dirname, '../../..');
const composePath = join(root, 'docker/compose.yaml');
const compose = readFileSync(composePath, 'utf8');

/** A service's `command:` flow sequence; double-quoted YAML flow sequences are JSON arrays. */
function commandOf(service: string): string[] {
  const block = new RegExp(`\\n  ${service}:\\n([\\s\\S]*?)(?=\\n  [a-z-]+:\\n|\\nvolumes:)`).exec(compose)?.[1] ?? '';
  const command = /command: (\[[\s\S]*?\])\n/.exec(block)?.[1];
  if (command === undefined) throw new Error(`no command for service ${service}`);
  return JSON.parse(command.replace(/\n\s*/g, ' ')) as string[];
}

describe('docker/compose.yaml', () => {
  it('refers only to files that exist', () => {
    expect(existsSync(join(root, 'docker/Dockerfile'))).toBe(true);
    expect(existsSync(join(root, 'docker/otel-collector.yaml'))).toBe(true);
    for (const service of ['sightline', 'simulator', 'demo']) {
      const files = commandOf(service).filter((a) => /\.(ts|mjs)$/.test(a));
      expect(files.length).toBeGreaterThan(0);
      for (const f of files) expect(existsSync(join(root, f)), f).toBe(true);
    }
  });

  it('starts the demo apps with flags they accept', () => {
    const cmd = commandOf('demo');
    const args = cmd.slice(cmd.indexOf('examples/demo-apps/src/main.ts') + 1);
    const opts = parseDemoArgs(args, { SIGHTLINE_ENDPOINT: 'http://sightline:4318' });
    // The alert set-up talks to Sightline even when traces go through the collector.
    expect(opts).toMatchObject({ apiUrl: 'http://sightline:4318', backfillDays: 7, live: true, alert: true, webhookPublicHost: 'demo', webhookPort: 9000 });
  });

  it('pins every image it pulls', () => {
    const images = [...compose.matchAll(/^\s+image: (\S+)$/gm)].map((m) => m[1] ?? '');
    expect(images.length).toBeGreaterThanOrEqual(4);
    for (const image of images.filter((i) => i !== 'sightline:local')) expect(image, image).toMatch(/:[0-9v][\w.-]*$/);
  });

  it('passes `docker compose config` with every profile', (ctx) => {
    const docker = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' });
    if (docker.error !== undefined) return ctx.skip('docker is not installed: compose config not checked');
    if (docker.status !== 0) return ctx.skip(`the docker compose plugin is not installed: compose config not checked (${docker.stderr.trim()})`);
    // Where compose is present, a config it rejects is a failure everywhere, not only in CI.
    try {
      execFileSync('docker', ['compose', '-f', composePath, '--profile', 'collector', '--profile', 'vllm', 'config', '--quiet'], { encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      throw new Error(`docker compose config failed: ${(error as { stderr?: string }).stderr ?? (error as Error).message}`);
    }
  });
});
