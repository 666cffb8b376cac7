import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli.ts';
import type { CliIo } from './command.ts';

function capture(): { io: CliIo; text: () => string } {
  const lines: string[] = [];
  return { io: { out: (l) => lines.push(l), err: (l) => lines.push(l) }, text: () => lines.join('\n') };
}

const dataDir = mkdtempSync(join(tmpdir(), 'sightline-demo-test-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('sightline demo', () => {
  it('backfills history from the instrumented apps, fires the spend alert into the receiver, runs live traffic, then stops', async () => {
    const { io, text } = capture();
    const code = await runCli(['demo', '--data-dir', dataDir, '--port', '0', '--days', '1', '--per-day', '40', '--duration', '25', '--seed', '7'], undefined, io);
    const out = text();
    expect(code, out).toBe(0);
    expect(out).toMatch(/backfill: done, \d+ traces \(/);
    expect(out).toMatch(/▶ Viewer: http:\/\/127\.0\.0\.1:\d+\//);
    const alert = /alert: "Daily LLM spend over budget" set to \$([\d.]+) \(last 24 h spent \$([\d.]+)\)/.exec(out);
    expect(alert, out).not.toBeNull();
    expect(Number(alert?.[2])).toBeGreaterThan(Number(alert?.[1]));
    // The server evaluated the rule, signed the delivery, and the receiver verified the signature.
    expect(out).toMatch(/🔔 webhook received \(alert\.firing, signature verified\): Daily LLM spend over budget is firing/);
    expect(out).toMatch(/live: generating traffic/);
    expect(JSON.parse(readFileSync(join(dataDir, 'demo-backfill.json'), 'utf8'))).toMatchObject({ days: 1 });
  }, 240_000);

  it('skips the backfill on a data directory that already has demo history', async () => {
    expect(existsSync(join(dataDir, 'demo-backfill.json'))).toBe(true);
    const { io, text } = capture();
    const code = await runCli(['demo', '--data-dir', dataDir, '--port', '0', '--no-live', '--seed', '7'], undefined, io);
    expect(code, text()).toBe(0);
    expect(text()).toMatch(/Demo history is already in this store .*skipping the backfill/);
    expect(text()).not.toMatch(/backfill: done/);
  }, 120_000);

  it('removes the store it made for itself when it stops (no --data-dir)', async () => {
    const { io, text } = capture();
    const code = await runCli(['demo', '--port', '0', '--days', '1', '--per-day', '10', '--no-live', '--seed', '7'], undefined, io);
    expect(code, text()).toBe(0);
    const dir = /data in (\S+);/.exec(text())?.[1];
    expect(dir, text()).toBeDefined();
    expect(text()).toContain(`Removed the demo's data (${dir})`);
    expect(existsSync(dir!)).toBe(false);
    // A store the user named is theirs: kept (the tests above reuse it).
    expect(existsSync(dataDir)).toBe(true);
  }, 120_000);

  it('explains its flags and refuses bad ones', async () => {
    const help = capture();
    expect(await runCli(['demo', '--help'], undefined, help.io)).toBe(0);
    expect(help.text()).toMatch(/Usage: sightline demo/);
    const bad = capture();
    expect(await runCli(['demo', '--days', 'lots'], undefined, bad.io)).toBe(2);
    expect(bad.text()).toMatch(/--days must be a whole number/);
  });
});
