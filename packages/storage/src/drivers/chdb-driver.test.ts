import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { openDriver } from '../open-driver.ts';
import { describeDriverConformance } from '../testing/driver-conformance.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'sightline-chdb-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describeDriverConformance('chdb', () =>
  openDriver({ mode: 'embedded', dataDir, database: `sl_conf_${process.pid}` }),
);
