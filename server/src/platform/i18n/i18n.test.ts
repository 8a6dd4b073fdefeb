import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import '../../start.ts'; // loads every module, so every module's messages are registered
import { catalogues, localeFromHeader, translator } from './i18n.ts';

function flatten(obj: Record<string, unknown>, prefix = '', out = new Set<string>()): Set<string> {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object') flatten(v as Record<string, unknown>, key, out);
    else out.add(key);
  }
  return out;
}

function keysOf(locale: 'zh-CN' | 'en'): Set<string> {
  const all = new Set<string>();
  for (const c of catalogues[locale]) for (const k of flatten(c)) all.add(k);
  return all;
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) sourceFiles(p, out);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

describe('server messages', () => {
  it('has the same keys in zh-CN and en', () => {
    const zh = keysOf('zh-CN');
    const en = keysOf('en');
    assert.deepEqual(
      [...zh].filter((k) => !en.has(k)),
      [],
      'keys only in zh-CN',
    );
    assert.deepEqual(
      [...en].filter((k) => !zh.has(k)),
      [],
      'keys only in en',
    );
  });

  it('translates every error code thrown anywhere in the server', () => {
    const src = join(import.meta.dirname, '../..');
    const codes = new Set<string>();
    for (const file of sourceFiles(src)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/new DomainError\(\s*'[a-z_]+',\s*'([A-Z0-9_]+)'/g)) codes.add(m[1]);
    }
    assert.ok(codes.size > 5);
    for (const locale of ['zh-CN', 'en'] as const) {
      const keys = keysOf(locale);
      const missing = [...codes].filter((c) => !keys.has(`errors.${c}`));
      assert.deepEqual(missing, [], `error codes without a ${locale} message`);
    }
  });

  it('picks the language from Accept-Language, Chinese by default', () => {
    assert.equal(localeFromHeader(undefined), 'zh-CN');
    assert.equal(localeFromHeader('zh-TW,zh;q=0.9'), 'zh-CN');
    assert.equal(localeFromHeader('en-GB,en;q=0.9,zh;q=0.1'), 'en');
    assert.equal(localeFromHeader('fr-FR'), 'en');
    assert.equal(localeFromHeader('fr;q=0.5,zh-CN;q=0.9'), 'zh-CN');
    assert.equal(translator('en')('errors.UNAUTHENTICATED'), 'Please sign in');
  });
});
