import { MIGRATIONS, migrate, openDriver } from '@sightline/storage';
import { loadConfig, redactUrl } from '../main.ts';
import { EXIT_USAGE, type CliCommand } from './command.ts';

export const migrateCommand: CliCommand = {
  path: ['migrate'],
  summary: 'Apply pending storage migrations and exit (start does this too)',
  usage: 'sightline migrate [--data-dir D]',
  options: { 'data-dir': { type: 'string' } },
  async run({ values }, io) {
    const loaded = loadConfig(typeof values['data-dir'] === 'string' ? { dataDir: values['data-dir'] } : {});
    if (!loaded.ok) {
      io.err(`sightline migrate: invalid configuration\n${loaded.message}`);
      return EXIT_USAGE;
    }
    const { store } = loaded.config;
    io.err(`Opening ${store.mode === 'embedded' ? `embedded chDB at ${store.dataDir ?? ''}` : `ClickHouse at ${redactUrl(store.url ?? '')}`}…`);
    const driver = await openDriver(store);
    try {
      io.err(`Checking ${MIGRATIONS.length} migrations…`);
      const started = Date.now();
      const result = await migrate(driver, { cluster: store.cluster, retentionDays: store.retentionDays });
      for (const id of result.applied) io.out(`applied ${id}`);
      io.err(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s: ${result.applied.length} applied, ${result.skipped.length} already up to date.`);
      return 0;
    } finally {
      await driver.close();
    }
  },
};
