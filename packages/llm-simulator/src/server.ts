import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { messages } from './anthropic-messages.ts';
import type { HandlerContext } from './handler-context.ts';
import { ApiError, readJsonBody, sendError, sendJson, type Dialect } from './http-kit.ts';
import { chatCompletions } from './openai-chat.ts';
import { completions, embeddings, listModels } from './openai-misc.ts';
import { responses } from './openai-responses.ts';
import { resolveOptions, type SimulatorOptions } from './options.ts';
import { FaultRoller, SCENARIO_HEADER, ScenarioError } from './scenario.ts';

export interface RunningSimulator {
  /** Base URL without a path, e.g. `http://127.0.0.1:8787`. */
  url: string;
  /** `url + '/v1'`: the `baseURL` of the `openai` client. */
  openaiBaseURL: string;
  /** `url`: the `baseURL` of `@anthropic-ai/sdk` (it appends `/v1/messages` itself). */
  anthropicBaseURL: string;
  close(): Promise<void>;
}

type Handler = (ctx: HandlerContext) => Promise<void> | void;

const ROUTES: Record<string, { handler: Handler; dialect: Dialect }> = {
  'POST /v1/chat/completions': { handler: chatCompletions, dialect: 'openai' },
  'POST /v1/responses': { handler: responses, dialect: 'openai' },
  'POST /v1/embeddings': { handler: embeddings, dialect: 'openai' },
  'POST /v1/completions': { handler: completions, dialect: 'openai' },
  'GET /v1/models': { handler: listModels, dialect: 'openai' },
  'POST /v1/messages': { handler: messages, dialect: 'anthropic' },
};

/**
 * Starts a deterministic OpenAI- and Anthropic-compatible server on loopback.
 *
 * @example
 * const sim = await startSimulator({ seed: 7 });
 * const openai = new OpenAI({ apiKey: 'sim', baseURL: sim.openaiBaseURL });
 * const reply = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
 * await sim.close();
 */
export async function startSimulator(opts?: SimulatorOptions): Promise<RunningSimulator> {
  const options = resolveOptions(opts);
  const faults = new FaultRoller(options);

  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      // Last resort: a handler bug must answer 500, not hang the client or kill the process.
      if (!res.headersSent) sendJson(res, 500, { error: { message: `simulator bug: ${(err as Error).message}`, type: 'server_error' } });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const route = ROUTES[`${req.method} ${path}`];
    if (route === undefined) {
      const dialect: Dialect = req.headers['anthropic-version'] !== undefined ? 'anthropic' : 'openai';
      if (path === '/health' || path === '/healthz') return sendJson(res, 200, { status: 'ok' });
      return sendError(res, dialect, new ApiError(404, 'not_found_error', `no route for ${req.method} ${path}`));
    }
    try {
      const { raw, json } = req.method === 'GET' ? { raw: '', json: {} } : await readJsonBody(req);
      const header = req.headers[SCENARIO_HEADER];
      await route.handler({ req, res, body: json, requestKey: `${path}\n${raw}`, options, faults, scenarioHeader: Array.isArray(header) ? header[0] : header });
    } catch (err) {
      if (res.headersSent) return void res.destroy();
      if (err instanceof ApiError) return sendError(res, route.dialect, err);
      if (err instanceof ScenarioError) return sendError(res, route.dialect, new ApiError(400, 'invalid_request_error', err.message));
      throw err;
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  return {
    url,
    openaiBaseURL: `${url}/v1`,
    anthropicBaseURL: url,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Keep-alive sockets and open streams would hold close() forever.
        server.closeAllConnections();
      }),
  };
}
