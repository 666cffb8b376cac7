import type { CliCommand } from './command.ts';
import { keysCreateCommand, keysListCommand, keysRevokeCommand } from './keys.ts';
import { migrateCommand } from './migrate.ts';
import { startCommand } from './start.ts';
import { demoCommand } from './demo.ts';

/** Every `sightline` command. One line per command. */
export const COMMANDS: CliCommand[] = [startCommand, migrateCommand, keysCreateCommand, keysListCommand, keysRevokeCommand, demoCommand];
