// tsc keeps `./foo.ts` specifiers in emitted declarations (rewriteRelativeImportExtensions only
// rewrites JS); consumers resolve `./foo.js` to `./foo.d.ts`, so rewrite them after the build.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function* walk(dir) {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) yield* walk(p);
    else if (p.endsWith('.d.ts')) yield p;
  }
}

let count = 0;
for (const file of walk(new URL('../dist', import.meta.url).pathname)) {
  const text = readFileSync(file, 'utf8');
  const fixed = text.replace(/(from\s+|import\s*\(\s*)(['"])(\.{1,2}\/[^'"]+)\.ts\2/g, '$1$2$3.js$2');
  if (fixed !== text) {
    writeFileSync(file, fixed);
    count++;
  }
}
console.log(`fix-dts: rewrote .ts specifiers in ${count} declaration files`);
