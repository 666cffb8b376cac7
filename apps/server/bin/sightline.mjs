#!/usr/bin/env node
// The `sightline` CLI runs from TypeScript source through tsx's loader: the server is an app, not
// a published library, so there is no separate compile step to forget.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
