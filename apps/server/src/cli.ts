import { EXIT_USAGE, UsageError, parseFlags, type CliCommand, type CliIo } from './cli/command.ts';
import { COMMANDS } from './cli/registry.ts';

/** The `sightline` CLI entry (bin/sightline.mjs loads this through tsx). */

const defaultIo: CliIo = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) };

export async function runCli(argv: string[], commands: CliCommand[] = COMMANDS, io: CliIo = defaultIo): Promise<number> {
  const words = argv.filter((a) => !a.startsWith('-'));
  const cmd = [...commands].sort((a, b) => b.path.length - a.path.length).find((c) => c.path.every((w, i) => words[i] === w));
  if (!cmd) {
    const asked = words.slice(0, 2).join(' ');
    if (asked && !argv.includes('--help') && !argv.includes('-h')) io.err(`sightline: unknown command "${asked}"\n`);
    io.err(help(commands));
    return asked && !argv.includes('--help') && !argv.includes('-h') ? EXIT_USAGE : 0;
  }
  const rest = [...argv];
  for (const w of cmd.path) rest.splice(rest.indexOf(w), 1);
  try {
    const args = parseFlags(cmd, rest);
    if (args.values.help === true) {
      io.out(`${cmd.summary}\n\nUsage: ${cmd.usage}`);
      return 0;
    }
    return await cmd.run(args, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`sightline ${cmd.path.join(' ')}: ${err.problems.join('; ')}\nUsage: ${cmd.usage}`);
      return EXIT_USAGE;
    }
    io.err(`sightline ${cmd.path.join(' ')}: ${(err as Error).message}`);
    return 1;
  }
}

function help(commands: CliCommand[]): string {
  const width = Math.max(...commands.map((c) => c.path.join(' ').length));
  return ['Usage: sightline <command> [flags]   (each command takes --help)', '', ...commands.map((c) => `  ${c.path.join(' ').padEnd(width)}  ${c.summary}`)].join('\n');
}
