// Run as a separate process by data-dir-lock.test.ts: opens the embedded store on argv[2] and
// reports the outcome on stdout as JSON, so the test can assert what a second process sees.
import { StorageError } from '../errors.ts';
import { openDriver } from '../open-driver.ts';

const dataDir = process.argv[2] ?? '';
try {
  const driver = await openDriver({ mode: 'embedded', dataDir });
  await driver.ping();
  await driver.close();
  process.stdout.write(JSON.stringify({ opened: true }));
} catch (error) {
  const { code, message } = error instanceof StorageError ? error : { code: 'UNKNOWN', message: String(error) };
  process.stdout.write(JSON.stringify({ opened: false, code, message }));
}
