import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

// The web app's two catalogues must hold the same keys, and every key the code names must exist.
const dir = join(import.meta.dirname, '../../web/src/i18n');
const load = (name: string) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as Record<string, unknown>;

function flatten(obj: Record<string, unknown>, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v))
      for (const [kk, vv] of flatten(v as Record<string, unknown>, key)) out.set(kk, vv);
    else out.set(key, v);
  }
  return out;
}

const zh = flatten(load('zh-CN.json'));
const en = flatten(load('en.json'));

test('web i18n: every key exists in both zh-CN and en', () => {
  const onlyZh = [...zh.keys()].filter((k) => !en.has(k));
  const onlyEn = [...en.keys()].filter((k) => !zh.has(k));
  assert.deepEqual({ onlyZh, onlyEn }, { onlyZh: [], onlyEn: [] });
});

test('web i18n: no empty translations, and the same {{placeholders}} in both languages', () => {
  for (const [key, value] of zh) {
    assert.ok(typeof value === 'string' && value.trim(), `zh-CN ${key} is empty`);
    const other = en.get(key);
    assert.ok(typeof other === 'string' && other.trim(), `en ${key} is empty`);
    const vars = (s: string) => [...s.matchAll(/{{\s*(\w+)\s*}}/g)].map((m) => m[1]).sort();
    assert.deepEqual(vars(other), vars(value), `placeholders differ in ${key}`);
  }
});

function sources(d: string): string[] {
  return readdirSync(d).flatMap((name) => {
    const p = join(d, name);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.tsx?$/.test(name) ? [p] : [];
  });
}

test('web i18n: every literal t("key") used in web/src exists', () => {
  const missing: string[] = [];
  for (const file of sources(join(dir, '..'))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\bt\(\s*'([A-Za-z0-9_.]+)'/g)) {
      if (!zh.has(m[1])) missing.push(`${m[1]} (${file.split('web/src/')[1]})`);
    }
  }
  assert.deepEqual(missing, []);
});

test('web i18n: every navigation entry, coming-soon text and permission has its words', async () => {
  const { navGroups, navItems } = await import('../../web/src/app/nav.ts');
  const { builtInRoleKeys, permissionActions, permissionModules } = await import('../src/platform/auth/permissions.ts');
  const needed = [
    ...navGroups.map((g) => `nav.groups.${g}`),
    ...navItems.map((i) => `nav.items.${i.key}`),
    ...navItems.filter((i) => !i.built).map((i) => `modules.${i.key}`),
    ...permissionModules.map((m) => `permissions.modules.${m}`),
    ...permissionActions.map((a) => `permissions.actions.${a}`),
    ...builtInRoleKeys.map((k) => `roles.builtInDescriptions.${k}`),
  ];
  assert.deepEqual(
    needed.filter((k) => !zh.has(k)),
    [],
  );
});
