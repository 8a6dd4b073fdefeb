import type { RelativeDate, RuleWindow } from './rule.ts';

/** Day arithmetic on YYYY-MM-DD strings (business-zone calendar days, no clock involved). */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** YYYY-MM-DD of `at` in `timeZone`. */
export function dayIn(timeZone: string, at: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** The first day of "the last n days" (today counts as one of them). */
export const firstOfLastDays = (today: string, n: number) => addDays(today, -(n - 1));

export function resolveDate(d: RelativeDate, today: string): string {
  return typeof d === 'string' ? d : firstOfLastDays(today, d.lastDays);
}

/** A window as an inclusive range of business days; null bounds are open (no window: all history). */
export function windowDays(w: RuleWindow | undefined, today: string): { from: string | null; to: string | null } {
  if (!w || 'sinceFirstOrder' in w) return { from: null, to: null };
  if ('lastDays' in w) return { from: firstOfLastDays(today, w.lastDays), to: null };
  return { from: w.from, to: w.to };
}

const pad = (n: number) => String(n).padStart(2, '0');
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/**
 * The latest birthday of someone who is at least `years` old on `today` (as the customer list
 * counts ages: a 29 February birthday is celebrated on 1 March in other years).
 */
export function birthdayCutoff(today: string, years: number): string {
  const [y, m, d] = today.split('-').map(Number);
  const year = y - years;
  const day = m === 2 && d === 29 && !isLeap(year) ? 28 : d;
  return `${String(year).padStart(4, '0')}-${pad(m)}-${pad(day)}`;
}

/** Completed years between a birthday and today. */
export function ageOn(birthday: string, today: string): number {
  const [by, bm, bd] = birthday.split('-').map(Number);
  const [ty, tm, td] = today.split('-').map(Number);
  const hadBirthday = tm > bm || (tm === bm && td >= bd);
  return ty - by - (hadBirthday ? 0 : 1);
}
