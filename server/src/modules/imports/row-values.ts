/**
 * Reading the values people type into spreadsheets: dates in the forms Chinese and English
 * exports use, times in the business's time zone, amounts with currency signs, genders and
 * order statuses in either language, Shopify's province codes. Each returns null when it cannot
 * read the value, so the row can say which cell and why.
 */

function isCalendarDate(y: number, m: number, d: number): boolean {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d && y >= 1900;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `1990-05-20`, `1990/5/20`, `1990.5.20`, `1990年5月20日`, `19900520` → `1990-05-20`. */
export function parseDate(raw: string): string | null {
  const v = raw.normalize('NFKC').trim();
  const m =
    /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]00:00(?::00(?:\.0+)?)?Z?)?$/.exec(v) ??
    /^(\d{4})(\d{2})(\d{2})$/.exec(v);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return isCalendarDate(y, mo, d) ? `${y}-${pad(mo)}-${pad(d)}` : null;
}

/** The UTC offset of `timeZone` at `utc`, in minutes. */
function offsetMinutes(timeZone: string, utc: Date): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(utc);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - utc.getTime()) / 60_000);
}

/**
 * A moment: ISO with an offset as given; a wall time (`2026-03-01 14:30`, `2026/3/1 14:30:05`,
 * or a date alone at midnight) in the business time zone.
 */
export function parseTime(raw: string, timeZone: string): Date | null {
  const v = raw.normalize('NFKC').trim();
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(v)) {
    const d = new Date(v);
    return Number.isNaN(d.getTime()) ? null : d;
  }
  const m =
    /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]+(\d{1,2})[:时](\d{1,2})(?:[:分](\d{1,2})(?:\.\d+)?秒?)?)?$/.exec(
      v,
    );
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(Number);
  if (!isCalendarDate(y, mo, d) || h > 23 || mi > 59 || s > 59) return null;
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  // the zone's offset at that moment (twice: the first guess may sit across a DST change)
  let utc = wall - offsetMinutes(timeZone, new Date(wall)) * 60_000;
  utc = wall - offsetMinutes(timeZone, new Date(utc)) * 60_000;
  return new Date(utc);
}

/** `¥1,299.50`, `1299.5元`, `￥ 88` → `1299.50`; null for anything else (and for negatives). */
export function parseMoney(raw: string): string | null {
  const v = raw.normalize('NFKC').replace(/[¥￥,\s]|元|RMB|CNY/gi, '');
  const m = /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec(v);
  if (!m) return null;
  return `${BigInt(m[1])}.${(m[2] ?? '').padEnd(2, '0')}`;
}

export function parseNumber(raw: string): number | null {
  const v = raw.normalize('NFKC').replace(/[,\s]/g, '');
  if (!/^-?\d+(\.\d+)?$/.test(v)) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

const genders: Record<string, 'male' | 'female' | 'unknown'> = {
  男: 'male',
  男性: 'male',
  先生: 'male',
  m: 'male',
  male: 'male',
  man: 'male',
  // WeChat's user info: 1 male, 2 female, 0 unknown
  '1': 'male',
  女: 'female',
  女性: 'female',
  女士: 'female',
  小姐: 'female',
  f: 'female',
  female: 'female',
  woman: 'female',
  '2': 'female',
  未知: 'unknown',
  保密: 'unknown',
  其他: 'unknown',
  unknown: 'unknown',
  u: 'unknown',
  other: 'unknown',
  '0': 'unknown',
};
export function parseGender(raw: string): 'male' | 'female' | 'unknown' | null {
  return genders[raw.normalize('NFKC').trim().toLowerCase()] ?? null;
}

const statuses: Record<string, 'paid' | 'cancelled' | 'refunded' | 'partially_refunded'> = {
  paid: 'paid',
  已支付: 'paid',
  已付款: 'paid',
  支付成功: 'paid',
  交易成功: 'paid',
  已完成: 'paid',
  完成: 'paid',
  cancelled: 'cancelled',
  canceled: 'cancelled',
  已取消: 'cancelled',
  取消: 'cancelled',
  交易关闭: 'cancelled',
  refunded: 'refunded',
  已退款: 'refunded',
  全额退款: 'refunded',
  partiallyrefunded: 'partially_refunded',
  部分退款: 'partially_refunded',
};
export function parseOrderStatus(raw: string) {
  return (
    statuses[
      raw
        .normalize('NFKC')
        .trim()
        .toLowerCase()
        .replace(/[\s_-]/g, '')
    ] ?? null
  );
}

const countries: Record<string, string> = {
  中国: 'CN',
  中国大陆: 'CN',
  中华人民共和国: 'CN',
  china: 'CN',
  prc: 'CN',
  香港: 'HK',
  澳门: 'MO',
  台湾: 'TW',
};
export function parseCountry(raw: string): string | null {
  const v = raw.normalize('NFKC').trim();
  const named = countries[v.toLowerCase()];
  if (named) return named;
  return /^[A-Za-z]{2}$/.test(v) ? v.toUpperCase() : null;
}

/** Province names as customers store them; the key is how exports abbreviate them. */
const provinces = [
  '北京市',
  '天津市',
  '河北省',
  '山西省',
  '内蒙古自治区',
  '辽宁省',
  '吉林省',
  '黑龙江省',
  '上海市',
  '江苏省',
  '浙江省',
  '安徽省',
  '福建省',
  '江西省',
  '山东省',
  '河南省',
  '湖北省',
  '湖南省',
  '广东省',
  '广西壮族自治区',
  '海南省',
  '重庆市',
  '四川省',
  '贵州省',
  '云南省',
  '西藏自治区',
  '陕西省',
  '甘肃省',
  '青海省',
  '宁夏回族自治区',
  '新疆维吾尔自治区',
  '香港特别行政区',
  '澳门特别行政区',
  '台湾省',
];
const shortProvince = new Map(
  provinces.map((p) => [p.replace(/(壮族|回族|维吾尔)?(自治区|特别行政区|省|市)$/, ''), p] as const),
);
/** ISO 3166-2:CN codes as Shopify exports them (`GD`, `CN-GD`; Shopify writes Tibet `YZ`). */
const provinceCodes: Record<string, string> = {
  AH: '安徽省',
  BJ: '北京市',
  CQ: '重庆市',
  FJ: '福建省',
  GD: '广东省',
  GS: '甘肃省',
  GX: '广西壮族自治区',
  GZ: '贵州省',
  HA: '河南省',
  HB: '湖北省',
  HE: '河北省',
  HI: '海南省',
  HK: '香港特别行政区',
  HL: '黑龙江省',
  HN: '湖南省',
  JL: '吉林省',
  JS: '江苏省',
  JX: '江西省',
  LN: '辽宁省',
  MO: '澳门特别行政区',
  NM: '内蒙古自治区',
  NX: '宁夏回族自治区',
  QH: '青海省',
  SC: '四川省',
  SD: '山东省',
  SH: '上海市',
  SN: '陕西省',
  SX: '山西省',
  TJ: '天津市',
  TW: '台湾省',
  XJ: '新疆维吾尔自治区',
  XZ: '西藏自治区',
  YZ: '西藏自治区',
  YN: '云南省',
  ZJ: '浙江省',
};
/** `广东` → `广东省`, `GD` → `广东省`; anything else as written (the customers rules judge it). */
export function normaliseProvince(raw: string): string {
  const v = raw.normalize('NFKC').trim();
  const code = /^(?:CN-)?([A-Za-z]{2})$/.exec(v);
  if (code) return provinceCodes[code[1].toUpperCase()] ?? v;
  return shortProvince.get(v) ?? v;
}

/** Characters that make a spreadsheet treat a cell as a formula (OWASP CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** A cell written back into a file we produce: a leading `'` keeps Excel from running it. */
export function escapeCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/**
 * A leading `'` that only tells a spreadsheet "this is text": our own formula escape (a
 * corrected bad-rows file imports what was meant) and Shopify's on ids and phone numbers.
 */
export function unescapeCell(value: string): string {
  return value.startsWith("'") && /^[=+\-@\d]/.test(value.slice(1)) ? value.slice(1) : value;
}
