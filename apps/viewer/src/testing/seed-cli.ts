// Seeds a running server from a process of its own, as an instrumented app would:
//   node --conditions=@sightline/source --import tsx seed-cli.ts <serverUrl> <apiKey>
// Prints the `Seeded` summary as one JSON line on stdout.
import { seed } from './seed.ts';

const [serverUrl, apiKey] = process.argv.slice(2);
if (!serverUrl || !apiKey) {
  process.stderr.write('usage: seed-cli.ts <serverUrl> <apiKey>\n');
  process.exit(2);
}
const seeded = await seed(serverUrl, apiKey);
process.stdout.write(`${JSON.stringify(seeded)}\n`);
