import { Weighted } from './random.ts';

/** 春节 (first day of the lunar year) for the years the generator covers. */
const springFestival: Record<number, string> = {
  2020: '2020-01-25',
  2021: '2021-02-12',
  2022: '2022-02-01',
  2023: '2023-01-22',
  2024: '2024-02-10',
  2025: '2025-01-29',
  2026: '2026-02-17',
  2027: '2027-02-06',
  2028: '2028-01-26',
  2029: '2029-02-13',
  2030: '2030-02-03',
};

const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

export type Calendar = {
  /** 'YYYY-MM-DD' of each day of the window. */
  days: readonly string[];
  /** 'YYYYMMDD' of each day (for order numbers). */
  compactDays: readonly string[];
  /** UTC epoch milliseconds of 00:00 Asia/Shanghai of each day. */
  midnightMs: Float64Array;
  /** Draws a day index for an order: shopping festivals, weekends, 春节, growth over the years. */
  orderDay: Weighted<number>;
  /** Draws a day index for a sign-up (follows orders, grows a little faster). */
  signupDay: Weighted<number>;
  /** Seasonality factor of one day (1 = an ordinary weekday). */
  factor(dayIndex: number): number;
};

/** How much busier a day is than an ordinary weekday. */
export function seasonality(date: string, weekday: number): number {
  const y = Number(date.slice(0, 4));
  const md = date.slice(5);
  let f = weekday === 0 || weekday === 6 ? 1.25 : 1;
  if (md === '11-11')
    f *= 8; // 双十一
  else if (md >= '11-01' && md <= '11-10')
    f *= 1.6; // presales before 双十一
  else if (md === '11-12') f *= 2;
  else if (md === '06-18')
    f *= 4; // 618
  else if (md >= '06-01' && md <= '06-17') f *= 1.3;
  else if (md === '12-12')
    f *= 2.5; // 双十二
  else if (md === '02-14' || md === '05-20')
    f *= 1.5; // Valentine's, 520
  else if (md >= '10-01' && md <= '10-07') f *= 1.4; // 国庆 golden week
  const cny = springFestival[y];
  if (cny) {
    const d = (Date.parse(date) - Date.parse(cny)) / DAY_MS;
    if (d >= -21 && d < -1)
      f *= 1.8; // 年货: new-year shopping
    else if (d >= -1 && d <= 6) f *= 0.35; // the holiday: shops shut, couriers stop
  }
  return f;
}

/** A calendar of `years` whole years from 1 January of `startYear` (default 2023–2025). */
export function buildCalendar(startYear = 2023, years = 3): Calendar {
  const days: string[] = [];
  const midnight: number[] = [];
  const orderWeights: [number, number][] = [];
  const signupWeights: [number, number][] = [];
  const factors: number[] = [];
  const start = Date.UTC(startYear, 0, 1);
  const end = Date.UTC(startYear + years, 0, 1);
  for (let t = start, i = 0; t < end; t += DAY_MS, i++) {
    const date = new Date(t);
    const iso = date.toISOString().slice(0, 10);
    const f = seasonality(iso, date.getUTCDay());
    const yearsIn = (t - start) / (365.25 * DAY_MS);
    days.push(iso);
    midnight.push(t - SHANGHAI_OFFSET_MS);
    factors.push(f);
    orderWeights.push([i, f * (1 + 0.2 * yearsIn)]);
    signupWeights.push([i, f * (1 + 0.35 * yearsIn)]);
  }
  return {
    days,
    compactDays: days.map((d) => d.replace(/-/g, '')),
    midnightMs: Float64Array.from(midnight),
    orderDay: new Weighted(orderWeights),
    signupDay: new Weighted(signupWeights),
    factor: (i) => factors[i],
  };
}
