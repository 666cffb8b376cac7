import { migrate, openDriver } from '@sightline/storage';
import { DEFAULT_PROJECT_ID, KeyStore, type ApiKeyInfo } from '../auth/key-store.ts';
import { cliApiKey, loadConfig, type LoadedConfig } from '../main.ts';
import { EXIT_USAGE, UsageError, type CliCommand, type CliIo } from './command.ts';

/**
 * `sightline keys create|list|revoke`. chDB locks its data directory, so while a server runs the
 * CLI goes through that server's /api/keys; otherwise it opens the store itself.
 */

interface KeyOps {
  create(name: string): Promise<ApiKeyInfo & { key: string }>;
  list(): Promise<ApiKeyInfo[]>;
  revoke(id: string): Promise<boolean>;
  close(): Promise<void>;
}

const common = { port: { type: 'string' }, host: { type: 'string' }, 'data-dir': { type: 'string' }, key: { type: 'string' } } as const;

function configFrom(values: Record<string, string | boolean | undefined>) {
  const flags: Record<string, string> = {};
  if (typeof values.port === 'string') flags.port = values.port;
  if (typeof values.host === 'string') flags.host = values.host;
  if (typeof values['data-dir'] === 'string') flags.dataDir = values['data-dir'];
  return loadConfig(flags);
}

async function withKeys(values: Record<string, string | boolean | undefined>, io: CliIo, fn: (ops: KeyOps) => Promise<number>): Promise<number> {
  const loaded = configFrom(values);
  if (!loaded.ok) {
    io.err(`sightline keys: invalid configuration\n${loaded.message}`);
    return EXIT_USAGE;
  }
  const apiKey = typeof values.key === 'string' ? values.key : cliApiKey();
  const ops = (await viaServer(loaded.config, apiKey)) ?? (await direct(loaded.config));
  try {
    return await fn(ops);
  } finally {
    await ops.close();
  }
}

async function viaServer(config: LoadedConfig, apiKey: string | undefined): Promise<KeyOps | null> {
  const host = ['0.0.0.0', '::', '[::]'].includes(config.server.host) ? '127.0.0.1' : config.server.host;
  const base = `http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${config.server.port}`;
  try {
    const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(1000) });
    if (!res.ok) return null;
  } catch {
    return null; // nothing listening: open the store directly
  }
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (apiKey) headers.authorization = `Bearer ${apiKey}`;
  const call = async (method: string, path: string, body?: unknown): Promise<Response> => {
    const res = await fetch(`${base}/api/keys${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    if (res.status === 401) throw new UsageError([`the server at ${base} needs an API key: pass --key or set SIGHTLINE_API_KEY`]);
    return res;
  };
  return {
    async create(name) {
      const res = await call('POST', '', { name });
      if (!res.ok) throw new Error(`server answered ${res.status}: ${await res.text()}`);
      return (await res.json()) as ApiKeyInfo & { key: string };
    },
    async list() {
      const res = await call('GET', '');
      if (!res.ok) throw new Error(`server answered ${res.status}: ${await res.text()}`);
      return ((await res.json()) as { items: ApiKeyInfo[] }).items;
    },
    async revoke(id) {
      const res = await call('DELETE', `/${encodeURIComponent(id)}`);
      if (res.status === 404) return false;
      if (!res.ok) throw new Error(`server answered ${res.status}: ${await res.text()}`);
      return true;
    },
    close: async () => undefined,
  };
}

async function direct(config: LoadedConfig): Promise<KeyOps> {
  const driver = await openDriver(config.store);
  await migrate(driver, { cluster: config.store.cluster, retentionDays: config.store.retentionDays });
  const keys = new KeyStore(driver, config.server.keyPepper);
  await keys.ensureDefaultProject();
  return {
    create: async (name) => {
      const { key, info } = await keys.createKey(DEFAULT_PROJECT_ID, name);
      return { ...info, key };
    },
    list: () => keys.listKeys(DEFAULT_PROJECT_ID),
    revoke: (id) => keys.revokeKey(DEFAULT_PROJECT_ID, id),
    close: () => driver.close(),
  };
}

export const keysCreateCommand: CliCommand = {
  path: ['keys', 'create'],
  summary: 'Create an API key (printed once; only its hash is stored)',
  usage: 'sightline keys create [--name NAME] [--port N] [--host H] [--data-dir D] [--key ADMIN_KEY]',
  options: { ...common, name: { type: 'string' } },
  run: ({ values }, io) =>
    withKeys(values, io, async (ops) => {
      const created = await ops.create(typeof values.name === 'string' ? values.name : 'cli');
      io.out(created.key);
      io.err(`Created ${created.id} (${created.prefix}…) for project ${created.projectId}. The key is shown only now.`);
      return 0;
    }),
};

export const keysListCommand: CliCommand = {
  path: ['keys', 'list'],
  summary: 'List API keys (id, name, prefix, created, revoked, last used)',
  usage: 'sightline keys list [--port N] [--host H] [--data-dir D] [--key ADMIN_KEY]',
  options: { ...common },
  run: ({ values }, io) =>
    withKeys(values, io, async (ops) => {
      const items = await ops.list();
      io.out(['ID'.padEnd(26), 'NAME'.padEnd(16), 'PREFIX'.padEnd(12), 'CREATED'.padEnd(26), 'REVOKED'.padEnd(26), 'LAST USED'].join(' '));
      for (const k of items) {
        io.out([k.id.padEnd(26), k.name.slice(0, 16).padEnd(16), `${k.prefix}…`.padEnd(12), k.createdAt.padEnd(26), (k.revokedAt ?? '-').padEnd(26), k.lastUsedAt ?? 'never'].join(' '));
      }
      return 0;
    }),
};

export const keysRevokeCommand: CliCommand = {
  path: ['keys', 'revoke'],
  summary: 'Revoke an API key by id (takes effect within seconds)',
  usage: 'sightline keys revoke <id> [--port N] [--host H] [--data-dir D] [--key ADMIN_KEY]',
  options: { ...common },
  run: ({ values, positionals }, io) => {
    const id = positionals[0];
    if (!id || positionals.length > 1) throw new UsageError(['keys revoke takes exactly one key id']);
    return withKeys(values, io, async (ops) => {
      if (!(await ops.revoke(id))) {
        io.err(`No key ${id} in this project.`);
        return 1;
      }
      io.err(`Revoked ${id}.`);
      return 0;
    });
  },
};
