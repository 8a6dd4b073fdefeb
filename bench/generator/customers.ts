import { femaleGiven, maleGiven, surnames } from './data/names.ts';
import {
  acquisitionSources,
  ageBands,
  educations,
  emailDomains,
  incomeBands,
  mobilePrefixes,
  occupations,
} from './data/profile.ts';
import { provinces } from './data/regions.ts';
import type { Calendar } from './calendar.ts';
import type { GeneratedStore } from './catalogue.ts';
import { Random, Weighted, uuidFrom } from './random.ts';

/** How a customer buys over the window: most buy once, a loyal core keeps coming back. */
export type BuyerKind = 'prospect' | 'one_time' | 'repeat' | 'loyal';
export type Gender = 'female' | 'male';

export type GeneratedCustomer = {
  index: number;
  id: string;
  code: string;
  name: string;
  gender: Gender;
  mobile: string | null;
  email: string | null;
  birthday: string | null;
  province: string;
  city: string;
  occupation: string | null;
  incomeBand: string | null;
  education: string | null;
  source: string;
  homeStoreCode: string | null;
  /** Sign-up time, ISO 8601 in UTC. */
  createdAt: string;
  signupDay: number;
  buyer: BuyerKind;
};

export const buyerShares: readonly (readonly [BuyerKind, number])[] = [
  ['prospect', 0.18],
  ['one_time', 0.45],
  ['repeat', 0.27],
  ['loyal', 0.1],
];

const KIND_CUSTOMER = 21;

type Char = readonly [string, string, number];
const toTable = (rows: readonly Char[]) => new Weighted(rows.map((r) => [r, r[2]] as const));

/** Tables built once and shared by every customer drawn from them. */
export type CustomerTables = {
  surnames: Weighted<Char>;
  given: Record<Gender, Weighted<Char>>;
  regions: Weighted<{ province: string; cities: Weighted<string> }>;
  ages: Weighted<readonly [number, number, number]>;
  occupations: Weighted<string>;
  incomes: Weighted<string>;
  educations: Weighted<string>;
  domains: Weighted<string>;
  sources: Weighted<string>;
  buyers: Weighted<BuyerKind>;
  storesByProvince: Map<string, GeneratedStore[]>;
  stores: readonly GeneratedStore[];
  referenceYear: number;
  /** Index of the last calendar day with sign-ups. */
  lastDay: number;
};

export function customerTables(
  stores: readonly GeneratedStore[],
  calendar: Calendar,
  lastDay = calendar.days.length - 1,
): CustomerTables {
  const storesByProvince = new Map<string, GeneratedStore[]>();
  for (const s of stores) storesByProvince.set(s.province, [...(storesByProvince.get(s.province) ?? []), s]);
  return {
    surnames: toTable(surnames),
    given: { female: toTable(femaleGiven), male: toTable(maleGiven) },
    regions: new Weighted(
      provinces.map(
        (p) =>
          [{ province: p.name, cities: new Weighted(p.cities.map(([c, w]) => [c, w] as const)) }, p.weight] as const,
      ),
    ),
    ages: new Weighted(ageBands.map((b) => [b, b[2]] as const)),
    occupations: new Weighted(occupations),
    incomes: new Weighted(incomeBands),
    educations: new Weighted(educations),
    domains: new Weighted(emailDomains),
    sources: new Weighted(acquisitionSources),
    buyers: new Weighted(buyerShares),
    storesByProvince,
    stores,
    referenceYear: Number(calendar.days[lastDay].slice(0, 4)),
    lastDay,
  };
}

const monthDays = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const pad2 = (n: number) => (n < 10 ? '0' : '') + n;

/**
 * A unique 8-digit tail per index (an affine bijection modulo 10^8), so mobiles never collide
 * for the first hundred million customers while still looking scattered.
 */
function mobileTail(index: number, seed: number): string {
  const t = (index * 193_397 + (seed % 100_000_000) + 31_415_926) % 100_000_000;
  return String(t).padStart(8, '0');
}

/** Customer number `index` of the data set with `seed`: the same inputs give the same customer. */
export function generateCustomer(
  seed: number,
  index: number,
  t: CustomerTables,
  calendar: Calendar,
): GeneratedCustomer {
  const rng = new Random(seed, KIND_CUSTOMER, index);
  const id = uuidFrom(rng);
  const gender: Gender = rng.chance(0.56) ? 'female' : 'male';
  const sur = t.surnames.pick(rng);
  const g1 = t.given[gender].pick(rng);
  const g2 = rng.chance(0.78) ? t.given[gender].pick(rng) : null;
  const name = sur[0] + g1[0] + (g2 && g2[0] !== g1[0] ? g2[0] : '');
  const givenPinyin = g1[1] + (g2 && g2[0] !== g1[0] ? g2[1] : '');

  const region = t.regions.pick(rng);
  const city = region.cities.pick(rng);

  const mobile = rng.chance(0.93) ? rng.pick(mobilePrefixes) + mobileTail(index, seed) : null;

  let email: string | null = null;
  if (rng.chance(0.45)) {
    const domain = t.domains.pick(rng);
    const n = index + 1000;
    if (domain === 'qq.com' && rng.chance(0.7))
      email = `${((index * 7_919 + 12_345_678) % 900_000_000) + 100_000_000}@qq.com`;
    else {
      const style = rng.int(0, 2);
      const local =
        style === 0
          ? `${sur[1]}${givenPinyin}${n}`
          : style === 1
            ? `${givenPinyin}.${sur[1]}${n}`
            : `${sur[1]}_${givenPinyin}${n}`;
      email = `${local}@${domain}`;
    }
  }

  let birthday: string | null = null;
  if (rng.chance(0.68)) {
    const band = t.ages.pick(rng);
    const year = t.referenceYear - rng.int(band[0], band[1]);
    const month = rng.int(1, 12);
    const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    const day = rng.int(1, month === 2 && leap ? 29 : monthDays[month - 1]);
    birthday = `${year}-${pad2(month)}-${pad2(day)}`;
  }

  const source = t.sources.pick(rng);
  let homeStoreCode: string | null = null;
  if (source === 'store' && t.stores.length) {
    const local = t.storesByProvince.get(region.province);
    homeStoreCode = (local && rng.chance(0.9) ? rng.pick(local) : rng.pick(t.stores)).code;
  }

  const signupDay = calendar.signupDay.pickBetween(rng, 0, t.lastDay);
  // 09:00–22:59 local time, when people shop and sign up
  const createdMs = calendar.midnightMs[signupDay] + (9 * 3600 + rng.int(0, 14 * 3600 - 1)) * 1000;

  return {
    index,
    id,
    code: `C${String(index + 1).padStart(8, '0')}`,
    name,
    gender,
    mobile,
    email,
    birthday,
    province: region.province,
    city,
    occupation: rng.chance(0.6) ? t.occupations.pick(rng) : null,
    incomeBand: rng.chance(0.5) ? t.incomes.pick(rng) : null,
    education: rng.chance(0.4) ? t.educations.pick(rng) : null,
    source,
    homeStoreCode,
    createdAt: new Date(createdMs).toISOString(),
    signupDay,
    buyer: t.buyers.pick(rng),
  };
}
