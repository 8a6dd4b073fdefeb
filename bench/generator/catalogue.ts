import { categories } from './data/catalogue.ts';
import { provinces } from './data/regions.ts';
import { Random, Weighted } from './random.ts';
import { fenToYuan } from './money.ts';

export type GeneratedProduct = {
  sku: string;
  name: string;
  category: string;
  categoryName: string;
  priceFen: number;
  /** The same price as a decimal string in yuan. */
  price: string;
  /** Relative popularity: a few products sell far more than the rest. */
  popularity: number;
};

export type GeneratedStore = {
  code: string;
  name: string;
  province: string;
  city: string;
  openedOn: string;
};

const KIND_PRODUCT = 11;
const KIND_STORE = 12;

/** The catalogue: every catalogue row becomes one product with a price ending in 9 or 8 yuan. */
export function generateProducts(seed: number): GeneratedProduct[] {
  const out: GeneratedProduct[] = [];
  let n = 0;
  for (const cat of categories) {
    cat.items.forEach(([name, minFen, maxFen], rank) => {
      const rng = new Random(seed, KIND_PRODUCT, n);
      const yuan = Math.floor(rng.int(minFen, maxFen) / 100 / 10) * 10 + (rng.chance(0.8) ? 9 : 8);
      const priceFen = yuan * 100;
      n++;
      out.push({
        sku: `SKU-${cat.code.slice(0, 3).toUpperCase()}-${String(n).padStart(4, '0')}`,
        name,
        category: cat.code,
        categoryName: cat.name,
        priceFen,
        price: fenToYuan(priceFen),
        // Zipf-like within a category, scaled by the category's share of sales.
        popularity: (cat.weight / Math.pow(rank + 1, 0.9)) * (0.6 + 0.8 * rng.float()),
      });
    });
  }
  return out;
}

const landmarks = [
  '万达广场',
  '万象城',
  '大悦城',
  '银泰城',
  '吾悦广场',
  '龙湖天街',
  '印象城',
  '来福士',
  '凯德广场',
  '恒隆广场',
  '步行街',
  '太古里',
];

/** Stores in the larger cities of several provinces (a chain's own shops). */
export function generateStores(seed: number, count: number, openedBefore = '2023-01-01'): GeneratedStore[] {
  const cities = new Weighted(
    provinces.flatMap((p) =>
      p.cities.filter(([, w]) => w >= 4).map(([city, w]) => [{ province: p.name, city }, Math.pow(w, 1.5)] as const),
    ),
  );
  const stores: GeneratedStore[] = [];
  const used = new Set<string>();
  for (let i = 0; stores.length < count && i < count * 50; i++) {
    const rng = new Random(seed, KIND_STORE, i);
    const { province, city } = cities.pick(rng);
    const name = `${city.replace(/市$/, '')}${rng.pick(landmarks)}店`;
    if (used.has(name)) continue;
    used.add(name);
    const openYear = Number(openedBefore.slice(0, 4)) - rng.int(1, 8);
    stores.push({
      code: `S${String(stores.length + 1).padStart(3, '0')}`,
      name,
      province,
      city,
      openedOn: `${openYear}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`,
    });
  }
  return stores;
}
