import { parseArgs, type ParseArgsConfig } from 'node:util';

/**
 * One CLI command. Commands live one per file and are listed in cli/registry.ts, so another part
 * (the demo) adds itself with a single import line.
 */
export interface CliCommand {
  /** Words after `sightline`, e.g. ['keys', 'create']. */
  path: string[];
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** Returns the process exit code. */
  run(args: { values: Record<string, string | boolean | undefined>; positionals: string[] }, io: CliIo): Promise<number>;
}

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

/** Exit code for bad flags or configuration. */
export const EXIT_USAGE = 2;

export class UsageError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'UsageError';
  }
}

/** Parses flags strictly; every unknown flag or missing value is collected and reported together. */
export function parseFlags(cmd: CliCommand, argv: string[]): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  const problems: string[] = [];
  const known = new Set(Object.keys(cmd.options));
  for (const arg of argv) {
    if (!arg.startsWith('--') || arg === '--') continue;
    const name = arg.slice(2).split('=', 1)[0] ?? '';
    if (!known.has(name) && name !== 'help') problems.push(`unknown flag --${name}`);
  }
  if (problems.length > 0) throw new UsageError(problems);
  try {
    const { values, positionals } = parseArgs({ args: argv, options: { ...cmd.options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (err) {
    throw new UsageError([(err as Error).message.replace(/^.*?: /, '')]);
  }
}
