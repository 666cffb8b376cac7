import { PricesFileError } from '@sightline/pricing';
import { AlertsFileError } from '../alerts/policy-file.ts';
import { loadConfig, startServer, type RunningServer } from '../main.ts';
import { EXIT_USAGE, type CliCommand } from './command.ts';

export const startCommand: CliCommand = {
  path: ['start'],
  summary: 'Start the server: OTLP/HTTP ingest, the API and the viewer on one port',
  usage: 'sightline start [--port N] [--host H] [--data-dir D]',
  options: { port: { type: 'string' }, host: { type: 'string' }, 'data-dir': { type: 'string' } },
  async run({ values }, io) {
    const loaded = loadConfig({
      ...(typeof values.port === 'string' ? { port: values.port } : {}),
      ...(typeof values.host === 'string' ? { host: values.host } : {}),
      ...(typeof values['data-dir'] === 'string' ? { dataDir: values['data-dir'] } : {}),
    });
    if (!loaded.ok) {
      io.err(`sightline start: invalid configuration\n${loaded.message}`);
      return EXIT_USAGE;
    }
    io.err('Starting Sightline (opening storage, applying migrations)…');
    let server: RunningServer;
    try {
      server = await startServer(loaded.config);
    } catch (err) {
      // The prices and alerts files are configuration too: a bad one is a usage error (exit 2).
      if (err instanceof PricesFileError || err instanceof AlertsFileError) {
        io.err(`sightline start: invalid configuration\n${err.message}`);
        return EXIT_USAGE;
      }
      throw err;
    }
    const lines = [
      `Sightline is running at ${server.url}`,
      `  OTLP/HTTP traces  ${server.url}/v1/traces`,
      `  Viewer            ${server.url}/`,
      `  Storage           ${server.storeDescription}`,
      `  Spool             ${server.spoolDir}`,
      server.allowLocalSession
        ? '  Access            loopback only: the viewer and /api work without a key here (default project)'
        : '  Access            listening beyond loopback: every /api call and the viewer need an API key',
    ];
    if (server.bootstrapKey) {
      lines.push(
        '',
        `  Default project API key (shown once, store it now): ${server.bootstrapKey}`,
        `  export OTEL_EXPORTER_OTLP_ENDPOINT=${server.url}`,
        `  export OTEL_EXPORTER_OTLP_HEADERS="Authorization=Bearer ${server.bootstrapKey}"`,
      );
    }
    io.err(lines.join('\n'));
    await new Promise<void>((resolve) => {
      const stop = (signal: string): void => {
        io.err(`\nReceived ${signal}, finishing in-flight requests…`);
        server.close().then(resolve, (err: unknown) => {
          io.err(`shutdown error: ${(err as Error).message}`);
          resolve();
        });
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    });
    return 0;
  },
};
