/**
 * A small, fast, seeded pseudo-random generator (sfc32, seeded through splitmix32). Every
 * generated record gets its own stream derived from (seed, kind, index), so record N is the
 * same whether it is generated alone, in a stream of a million, or on another machine.
 */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(...keys: number[]) {
    let h = 0x9e3779b9;
    for (const k of keys) h = splitmix32(h ^ Math.imul(k | 0, 0x85ebca6b)) ^ ((k / 0x100000000) | 0);
    this.a = splitmix32(h);
    this.b = splitmix32(this.a ^ 0x6a09e667);
    this.c = splitmix32(this.b ^ 0xbb67ae85);
    this.d = 1;
    for (let i = 0; i < 12; i++) this.uint32();
  }

  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.uint32() / 4294967296;
  }

  /** Uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)];
  }

  /** Number of failures before the first success (mean (1-p)/p). */
  geometric(p: number): number {
    return Math.floor(Math.log(1 - this.float()) / Math.log(1 - p));
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.float();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.float());
  }
}

function splitmix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** A table to draw from in proportion to weights: O(log n) per draw. */
export class Weighted<T> {
  readonly items: readonly T[];
  private readonly cumulative: Float64Array;
  readonly total: number;

  constructor(entries: readonly (readonly [T, number])[]) {
    if (!entries.length) throw new Error('Weighted needs at least one entry');
    this.items = entries.map((e) => e[0]);
    this.cumulative = new Float64Array(entries.length);
    let sum = 0;
    entries.forEach(([, w], i) => {
      if (!(w >= 0)) throw new Error(`negative or missing weight at ${i}`);
      sum += w;
      this.cumulative[i] = sum;
    });
    this.total = sum;
  }

  pick(rng: Random): T {
    return this.items[this.indexAt(rng.float() * this.total)];
  }

  /** Draws only among entries first..last (inclusive), still in proportion to their weights. */
  pickBetween(rng: Random, first: number, last: number): number {
    const lo = first > 0 ? this.cumulative[first - 1] : 0;
    const hi = this.cumulative[last];
    return Math.min(last, Math.max(first, this.indexAt(lo + rng.float() * (hi - lo))));
  }

  private indexAt(x: number): number {
    const c = this.cumulative;
    let lo = 0;
    let hi = c.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (c[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

const hex: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
function h(x: number, shift: number): string {
  return hex[(x >>> shift) & 0xff];
}

/** A version-4-shaped UUID drawn from `rng` (deterministic, unlike crypto.randomUUID). */
export function uuidFrom(rng: Random): string {
  const a = rng.uint32();
  const b = rng.uint32();
  const c = rng.uint32();
  const d = rng.uint32();
  return (
    h(a, 24) +
    h(a, 16) +
    h(a, 8) +
    h(a, 0) +
    '-' +
    h(b, 24) +
    h(b, 16) +
    '-' +
    hex[0x40 | ((b >>> 8) & 0x0f)] +
    h(b, 0) +
    '-' +
    hex[0x80 | ((c >>> 24) & 0x3f)] +
    h(c, 16) +
    '-' +
    h(c, 8) +
    h(c, 0) +
    h(d, 24) +
    h(d, 16) +
    h(d, 8) +
    h(d, 0)
  );
}
