import type { CliCommand } from './command.ts';
import { keysCreateCommand, keysListCommand, keysRevokeCommand } from './keys.ts';
import { migrateCommand } from './migrate.ts';
import { startCommand } from './start.ts';
// import { demoCommand } from './demo.ts'; // added by the demo part when apps/server/src/cli/demo.ts exists

/** Every `sightline` command. One line per command. */
export const COMMANDS: CliCommand[] = [startCommand, migrateCommand, keysCreateCommand, keysListCommand, keysRevokeCommand];
