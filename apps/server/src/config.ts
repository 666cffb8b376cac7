import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';

/**
 * The server's one configuration schema. Sources, later winning: defaults, environment, CLI flags.
 * `loadServerConfig` never throws on bad input: it returns every problem, each naming its key, so the
 * CLI can print them all and exit 2.
 */

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const bool = z.enum(['1', '0', 'true', 'false', 'yes', 'no']).transform((v) => v === '1' || v === 'true' || v === 'yes');

export const ServerConfigSchema = z.object({
  port: port.default(4318),
  host: z.string().min(1).default('127.0.0.1'),
  dataDir: z.string().min(1).default(join(homedir(), '.sightline', 'data')),
  spoolDir: z.string().min(1).optional(),
  bootstrapKey: z.string().min(20, 'must be at least 20 characters').max(200).regex(/^[\x21-\x7e]+$/, 'printable characters without spaces').optional(),
  keyPepper: z.string().min(16, 'must be at least 16 characters').default('sightline-api-key-v1'),
  spoolHighWaterMb: positiveInt.default(2048),
  maxQueuedRows: positiveInt.default(50_000),
  maxConcurrentRequests: positiveInt.default(64),
  insertTimeoutMs: positiveInt.default(5000),
  flushDelayMs: z.coerce.number().int().min(0).max(1000).default(20),
  flushRows: positiveInt.default(5000),
  /**
   * Rows per insert when the spool writer drains a backlog. Bigger blocks cost the engine less per row
   * in the storage bench (10k → 50k rows: ~76 → ~57 µs CPU per 4.6 KB span) but hold ~5 KB per row in
   * memory per insert in flight (two at most); end to end at 2–4k spans/s no difference was measurable.
   */
  insertBatchRows: z.coerce.number().int().min(100).max(200_000).default(10_000),
  faultInjection: bool.default(false),
  /** /readyz fails when the spool writer made no progress for this long with work pending. */
  readinessStallMs: positiveInt.default(60_000),
  logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  viewerDir: z.string().min(1).optional(),
  /** Public base URL of the viewer, for links in alert notifications. */
  publicUrl: z.url().optional(),
  alertsFile: z.string().min(1).optional(),
  pricesFile: z.string().min(1).optional(),
  webhookAllowPrivate: bool.default(false),
  alertsEnabled: bool.default(true),
});
export type ServerConfig = z.infer<typeof ServerConfigSchema>;

/** Environment variable → config key. */
const ENV_KEYS: Record<string, keyof ServerConfig> = {
  SIGHTLINE_PORT: 'port',
  SIGHTLINE_HOST: 'host',
  SIGHTLINE_DATA_DIR: 'dataDir',
  SIGHTLINE_SPOOL_DIR: 'spoolDir',
  SIGHTLINE_BOOTSTRAP_KEY: 'bootstrapKey',
  SIGHTLINE_KEY_PEPPER: 'keyPepper',
  SIGHTLINE_SPOOL_HIGH_WATER_MB: 'spoolHighWaterMb',
  SIGHTLINE_MAX_QUEUED_ROWS: 'maxQueuedRows',
  SIGHTLINE_MAX_CONCURRENT_REQUESTS: 'maxConcurrentRequests',
  SIGHTLINE_INSERT_TIMEOUT_MS: 'insertTimeoutMs',
  SIGHTLINE_FLUSH_DELAY_MS: 'flushDelayMs',
  SIGHTLINE_FLUSH_ROWS: 'flushRows',
  SIGHTLINE_INSERT_BATCH_ROWS: 'insertBatchRows',
  SIGHTLINE_FAULT_INJECTION: 'faultInjection',
  SIGHTLINE_READINESS_STALL_MS: 'readinessStallMs',
  SIGHTLINE_LOG_LEVEL: 'logLevel',
  SIGHTLINE_VIEWER_DIR: 'viewerDir',
  SIGHTLINE_PUBLIC_URL: 'publicUrl',
  SIGHTLINE_ALERTS_FILE: 'alertsFile',
  SIGHTLINE_PRICES_FILE: 'pricesFile',
  SIGHTLINE_WEBHOOK_ALLOW_PRIVATE: 'webhookAllowPrivate',
  SIGHTLINE_ALERTS: 'alertsEnabled',
};

export type ConfigResult = { ok: true; config: ServerConfig } | { ok: false; message: string };

export function loadServerConfig(env: NodeJS.ProcessEnv, flags: Partial<Record<keyof ServerConfig, string>>): ConfigResult {
  const input: Record<string, string> = {};
  const source: Record<string, string> = {};
  for (const [envKey, key] of Object.entries(ENV_KEYS)) {
    const v = env[envKey];
    if (v !== undefined && v.trim() !== '') {
      input[key] = v.trim();
      source[key] = envKey;
    }
  }
  for (const [key, v] of Object.entries(flags)) {
    if (v !== undefined) {
      input[key] = v;
      source[key] = `--${key.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`)}`;
    }
  }
  const parsed = ServerConfigSchema.safeParse(input);
  if (!parsed.success) {
    // Name each key as the user wrote it (SIGHTLINE_PORT or --port), not our internal field.
    const issues = parsed.error.issues.map((issue) => {
      const key = issue.path[0];
      return typeof key === 'string' && source[key] ? { ...issue, path: [source[key]] } : issue;
    });
    return { ok: false, message: z.prettifyError(new z.ZodError(issues)) };
  }
  const config = parsed.data;
  config.dataDir = absolute(config.dataDir);
  if (config.spoolDir) config.spoolDir = absolute(config.spoolDir);
  return { ok: true, config };
}

function absolute(p: string): string {
  const expanded = p.startsWith('~/') ? join(homedir(), p.slice(2)) : p;
  return isAbsolute(expanded) ? expanded : resolve(expanded);
}

/** True when `host` only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
