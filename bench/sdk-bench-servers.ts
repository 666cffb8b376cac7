import { spawn, type ChildProcess } from 'node:child_process';

// Both servers run in child processes so their CPU never lands in the measured process.

// The canned answer every SDK bench gets: ~2 KB of text, plain or in 64-character chunks.
const TEXT = 'The quarterly revenue grew because of strong subscription renewals. '.repeat(30).slice(0, 2048);
const CHUNK_HEAD = { id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini-2024-07-18' };

/** The plain chat completion, as JSON text. */
export const CANNED_PLAIN = JSON.stringify({
  id: 'chatcmpl-bench', object: 'chat.completion', created: 1, model: 'gpt-4o-mini-2024-07-18',
  choices: [{ index: 0, message: { role: 'assistant', content: TEXT, refusal: null }, finish_reason: 'stop', logprobs: null }],
  usage: { prompt_tokens: 520, completion_tokens: 480, total_tokens: 1000, prompt_tokens_details: { cached_tokens: 256 }, completion_tokens_details: { reasoning_tokens: 0 } },
});

/** The streamed answer's chunks, each as JSON text: role, 32 pieces of text, finish, usage. */
export const CANNED_CHUNKS: readonly string[] = [
  { ...CHUNK_HEAD, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] },
  ...(TEXT.match(/.{1,64}/gs) ?? []).map((p) => ({ ...CHUNK_HEAD, choices: [{ index: 0, delta: { content: p }, finish_reason: null }] })),
  { ...CHUNK_HEAD, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
  { ...CHUNK_HEAD, choices: [], usage: { prompt_tokens: 520, completion_tokens: 480, total_tokens: 1000 } },
].map((c) => JSON.stringify(c));

const CANNED_SSE = `${CANNED_CHUNKS.map((c) => `data: ${c}\n\n`).join('')}data: [DONE]\n\n`;

/** An OpenAI-compatible server answering every chat call with the canned answer (plain or SSE). */
const LLM_SERVER = String.raw`
const http = require('node:http');
const plain = ${JSON.stringify(CANNED_PLAIN)};
const sse = ${JSON.stringify(CANNED_SSE)};
const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    if (body.includes('"stream":true')) { res.writeHead(200, { 'content-type': 'text/event-stream' }); res.end(sse); }
    else { res.writeHead(200, { 'content-type': 'application/json' }); res.end(plain); }
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
`;

/** An OTLP/HTTP sink: reads each export fully (as a collector would) and answers 200. */
const SINK = String.raw`
const http = require('node:http');
let requests = 0, bytes = 0;
const server = http.createServer((req, res) => {
  req.on('data', (c) => (bytes += c.length));
  req.on('end', () => { requests++; res.writeHead(200, { 'content-type': 'application/json' }); res.end('{}'); });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
process.on('SIGTERM', () => { console.error(JSON.stringify({ requests, bytes })); process.exit(0); });
`;

export interface BenchServer {
  url: string;
  stop(): void;
}

function startChild(source: string): Promise<BenchServer> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, ['-e', source], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.once('error', reject);
    child.stdout?.once('data', (d: Buffer) => {
      const { port } = JSON.parse(d.toString()) as { port: number };
      resolve({ url: `http://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') });
    });
  });
}

export const startLlmServer = (): Promise<BenchServer> => startChild(LLM_SERVER);
export const startSink = (): Promise<BenchServer> => startChild(SINK);

// The same answers, served in-process through the client's `fetch` option: lets the stall phase
// reach 5k calls/s on a small box, since no socket work competes with the SDK under test.
export const cannedFetch = async (_url: unknown, init?: { body?: unknown }): Promise<Response> => {
  const stream = typeof init?.body === 'string' && init.body.includes('"stream":true');
  return new Response(stream ? CANNED_SSE : CANNED_PLAIN, {
    status: 200,
    headers: { 'content-type': stream ? 'text/event-stream' : 'application/json' },
  });
};
