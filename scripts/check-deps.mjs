// Fails when a workspace package depends on one it must not (see ARCHITECTURE.md): arrows point one
// way, contracts ← pricing ← storage ← server; contracts ← sdk; contracts ← viewer; apps never import
// each other. Checks package.json declarations and every import specifier in the sources.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const allowed = {
  '@sightline/contracts': [],
  '@sightline/pricing': ['@sightline/contracts'],
  '@sightline/storage': ['@sightline/contracts', '@sightline/pricing'],
  '@sightline/sdk': ['@sightline/contracts'],
  '@sightline/llm-simulator': [],
  '@sightline/server': ['@sightline/contracts', '@sightline/pricing', '@sightline/storage'],
  '@sightline/viewer': ['@sightline/contracts'],
  '@sightline/node-versions': [],
};
// Test-only arrows: tests may drive a package with its real neighbours (the SDK against the server).
const allowedInTests = {
  '@sightline/sdk': ['@sightline/llm-simulator'],
  '@sightline/server': ['@sightline/sdk', '@sightline/llm-simulator'],
  '@sightline/viewer': ['@sightline/sdk', '@sightline/llm-simulator'],
  // Runs the SDK's suite, its built package and the server's CLI on every supported Node.
  '@sightline/node-versions': ['@sightline/sdk', '@sightline/llm-simulator', '@sightline/example-smoke-harness'],
};

const errors = [];
const dirs = ['packages', 'apps'].flatMap((top) => readdirSync(top).map((d) => join(top, d)));
for (const dir of dirs) {
  let pkg;
  try {
    pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  } catch {
    continue; // not a package
  }
  const ok = allowed[pkg.name];
  if (!ok) {
    errors.push(`${dir}: ${pkg.name} is not in the dependency graph of scripts/check-deps.mjs`);
    continue;
  }
  const okTest = [...ok, ...(allowedInTests[pkg.name] ?? [])];
  for (const dep of Object.keys(pkg.dependencies ?? {})) {
    if (dep.startsWith('@sightline/') && !ok.includes(dep)) errors.push(`${pkg.name} must not depend on ${dep}`);
  }
  for (const dep of Object.keys(pkg.devDependencies ?? {})) {
    if (dep.startsWith('@sightline/') && !okTest.includes(dep)) errors.push(`${pkg.name} must not depend on ${dep} (even in tests)`);
  }
  for (const file of walk(join(dir, 'src'))) {
    const text = readFileSync(file, 'utf8');
    const isTest = /\.(test|browser\.test)\.tsx?$/.test(file) || file.includes('/test/') || file.includes('/testing/');
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*['"](@sightline\/[a-z-]+)/g)) {
      const dep = m[1];
      if (dep === pkg.name) continue;
      if (!(isTest ? okTest : ok).includes(dep)) errors.push(`${file} imports ${dep}: not an allowed arrow for ${pkg.name}`);
    }
  }
}

function* walk(dir) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const e of entries) {
    const p = join(dir, e);
    if (e === 'node_modules' || e === 'dist') continue;
    if (statSync(p).isDirectory()) yield* walk(p);
    else if (/\.(ts|tsx|mjs|js)$/.test(e)) yield p;
  }
}

if (errors.length > 0) {
  console.error(`dependency arrows: ${errors.length} violation(s)\n  ${errors.join('\n  ')}`);
  process.exit(1);
}
console.log(`dependency arrows: ok (${dirs.length} packages)`);
