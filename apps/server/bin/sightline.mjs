#!/usr/bin/env node
// The `sightline` CLI runs from TypeScript source through tsx's loader: the server is an app, not
// a published library, so there is no separate compile step to forget.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli.ts');
process.exitCode = await runCli(process.argv.slice(2));
