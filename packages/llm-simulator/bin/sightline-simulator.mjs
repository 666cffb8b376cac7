#!/usr/bin/env node
// Runs the simulator from TypeScript source through tsx's loader: it is a dev and demo tool, never
// published, so there is no build step to forget.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
