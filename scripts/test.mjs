// `npm test`: install what the tests need, then run every test file (server and browser).
// Integration tests use PGlite unless TEST_DATABASE_URL points at a PostgreSQL server.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ensureChromium, ensurePackages, ensureWebBuild, root } from './ensure.mjs';

ensurePackages();
ensureWebBuild();
ensureChromium();

function find(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const p = join(dir, entry.name);
    if (entry.isDirectory()) find(p, out);
    else if (entry.name.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out;
}

const filter = process.argv.slice(2);
// bench/ holds only the generator's tests; the benchmark itself (npm run bench) is never a test
let files = [...find(join(root, 'server')), ...find(join(root, 'bench')), ...find(join(root, 'e2e'))];
if (filter.length) files = files.filter((f) => filter.some((x) => f.includes(x)));
const res = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files],
  { stdio: 'inherit', cwd: root, env: { ...process.env, KEHU_TEST: '1' } },
);
process.exit(res.status ?? 1);
