import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const root = join(import.meta.dirname, '..');

// The benchmark is run by `npm run bench`, never by `npm test` (it measures, it does not prove).
describe('bench script', () => {
  it('is wired as `npm run bench` and is not a test file', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    assert.equal(pkg.scripts.bench, 'node --import tsx bench/run.ts');
    assert.ok(existsSync(join(root, 'bench/run.ts')));
    assert.doesNotMatch(pkg.scripts.test, /bench/);
    assert.match(readFileSync(join(root, 'scripts/test.mjs'), 'utf8'), /\.test\.ts/);
  });
});
