import type { MigrationContext } from './context.ts';

/**
 * One schema step. `id` is an ordered string (`0001-spans`); storage owns 0001–0099, ingest/keys
 * 0100–0199, pricing 0200–0299, alerts 0300–0399, queries 0400–0499. Statements must be idempotent
 * (`CREATE ... IF NOT EXISTS`, `ADD COLUMN IF NOT EXISTS`): two servers starting at once may both
 * run them before either records the migration.
 */
export interface Migration {
  id: string;
  description: string;
  up: (ctx: MigrationContext) => string[];
}
