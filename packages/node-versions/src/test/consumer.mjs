// An ESM app using the built @sightline/sdk exactly as an installed package: no TypeScript, no
// source conditions. One agent turn: a tool, a plain chat call, a streamed one, an Anthropic call.
import Anthropic from '@anthropic-ai/sdk';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import OpenAI from 'openai';
import { init, shutdown, traceAgent, traceTool, withContext, wrapAnthropic, wrapOpenAI } from '@sightline/sdk';
import { converse, printDiagnostics } from './conversation.mjs';

printDiagnostics(diag, DiagLogLevel);
init({ serviceName: 'node-versions-esm' });
await converse({ OpenAI, Anthropic, traceAgent, traceTool, withContext, wrapAnthropic, wrapOpenAI });
await shutdown();
process.stdout.write(`${JSON.stringify({ node: process.version, module: 'esm' })}\n`);
