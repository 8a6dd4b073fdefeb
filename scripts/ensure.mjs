// Shared by `npm start` and `npm test`: make a fresh checkout runnable without other commands.
// Plain JavaScript because it runs before `npm install` has fetched TypeScript tooling.
import { createHash } from 'node:crypto';
import { execSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const root = join(import.meta.dirname, '..');

function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed with ${res.status}`);
}

function hashOf(files) {
  const h = createHash('sha256');
  for (const f of files) if (existsSync(join(root, f))) h.update(readFileSync(join(root, f)));
  return h.digest('hex');
}

/** npm packages: install when node_modules is missing or package-lock.json changed since. */
export function ensurePackages() {
  const stamp = join(root, 'node_modules/.kehu-lock-hash');
  const want = hashOf(['package.json', 'package-lock.json']);
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === want) return;
  console.log('[kehu] installing npm packages …');
  run('npm', [existsSync(join(root, 'package-lock.json')) ? 'ci' : 'install', '--no-audit', '--no-fund']);
  writeFileSync(stamp, want);
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** The web app: rebuild when any source file is newer than the last build. */
export function ensureWebBuild() {
  const index = join(root, 'web/dist/index.html');
  const sources = Math.max(newestMtime(join(root, 'web/src')), statSync(join(root, 'web/index.html')).mtimeMs);
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  console.log('[kehu] building the web app …');
  run('npx', ['vite', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn']);
}

/** Debian's chromium and CJK fonts for browser tests; installed once, as root, when missing. */
export function ensureChromium() {
  if (existsSync('/usr/bin/chromium') && existsSync('/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc')) return;
  console.log('[kehu] installing chromium and CJK fonts from Debian …');
  const sudo = process.getuid?.() === 0 ? '' : 'sudo ';
  execSync(
    `${sudo}apt-get update -qq && ${sudo}env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk`,
    {
      stdio: 'inherit',
    },
  );
}
